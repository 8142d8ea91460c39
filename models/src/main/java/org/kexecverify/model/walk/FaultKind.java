package org.kexecverify.model.walk;

/** Stage-1 MMU fault kinds with their ESR_ELx IFSC/DFSC encodings. */
public enum FaultKind {
    ADDRESS_SIZE(0b0000_00, true, "Address size fault"),
    TRANSLATION(0b0001_00, true, "Translation fault"),
    ACCESS_FLAG(0b0010_00, true, "Access flag fault"),
    PERMISSION(0b0011_00, true, "Permission fault"),
    /** Synchronous External abort on a translation table walk (descriptor outside RAM). */
    EXTERNAL_ABORT_ON_WALK(0b0101_00, true, "Synchronous External abort on translation table walk"),
    ALIGNMENT(0b100001, false, "Alignment fault");

    private final int base;
    private final boolean levelled;
    private final String words;

    FaultKind(int base, boolean levelled, String words) {
        this.base = base;
        this.levelled = levelled;
        this.words = words;
    }

    /** The 6-bit IFSC/DFSC value for a fault at {@code level}. */
    public int fsc(int level) {
        return levelled ? base | (level & 3) : base;
    }

    public boolean hasLevel() { return levelled; }

    public String words() { return words; }

    /** Parses a fault status code back into a kind, or null when not an MMU fault this model raises. */
    public static FaultKind fromFsc(int fsc) {
        if (fsc == ALIGNMENT.base) return ALIGNMENT;
        for (FaultKind k : values()) if (k.levelled && (fsc & ~3) == k.base) return k;
        return null;
    }
}
