package org.kexecverify.emulator.mmu;

/**
 * Stage-1 fault kinds with their fault-status codes (ESR_ELx.ISS IFSC/DFSC), mirroring
 * {@code org.kexecverify.model.walk.FaultKind}; {@link #EXTERNAL} is the synchronous external abort the
 * emulator raises for accesses outside RAM.
 */
public enum FaultKind {
    ADDRESS_SIZE(0b000000, true),
    TRANSLATION(0b000100, true),
    ACCESS_FLAG(0b001000, true),
    PERMISSION(0b001100, true),
    ALIGNMENT(0b100001, false),
    EXTERNAL(0b010000, false),
    EXTERNAL_ON_WALK(0b010100, true);

    private final int base;
    private final boolean levelled;

    FaultKind(int base, boolean levelled) {
        this.base = base;
        this.levelled = levelled;
    }

    /** The 6-bit fault status code for a fault at {@code level}. */
    public int fsc(int level) {
        return levelled ? base | (level & 3) : base;
    }

    public boolean levelled() {
        return levelled;
    }
}
