package org.kexecverify.emulator.mmu;

/**
 * The aborts the machine raises: every MMU fault kind of {@code org.kexecverify.model.walk.FaultKind} plus the
 * synchronous external abort for an access outside RAM (FSC 0b010000), which is not a walk outcome.
 */
public enum FaultKind {
    ADDRESS_SIZE(0b000000, true, "Address size fault"),
    TRANSLATION(0b000100, true, "Translation fault"),
    ACCESS_FLAG(0b001000, true, "Access flag fault"),
    PERMISSION(0b001100, true, "Permission fault"),
    ALIGNMENT(0b100001, false, "Alignment fault"),
    EXTERNAL(0b010000, false, "Synchronous External abort"),
    EXTERNAL_ON_WALK(0b010100, true, "Synchronous External abort on translation table walk");

    private final int base;
    private final boolean levelled;
    private final String words;

    FaultKind(int base, boolean levelled, String words) {
        this.base = base;
        this.levelled = levelled;
        this.words = words;
    }

    /** The 6-bit fault status code for a fault at {@code level}. */
    public int fsc(int level) {
        return levelled ? base | (level & 3) : base;
    }

    public boolean levelled() {
        return levelled;
    }

    public String words() {
        return words;
    }

    /** The machine's abort for a model walk fault (same FSC). */
    public static FaultKind of(org.kexecverify.model.walk.FaultKind k) {
        return switch (k) {
            case ADDRESS_SIZE -> ADDRESS_SIZE;
            case TRANSLATION -> TRANSLATION;
            case ACCESS_FLAG -> ACCESS_FLAG;
            case PERMISSION -> PERMISSION;
            case ALIGNMENT -> ALIGNMENT;
            case EXTERNAL_ABORT_ON_WALK -> EXTERNAL_ON_WALK;
        };
    }
}
