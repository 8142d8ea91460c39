package org.kexecverify.emulator.qemu;

/**
 * How harness.S enters a case: stay at EL2 (HCR_EL2.E2H=0 or, for VHE, E2H=1) and branch to the
 * code page, or drop to EL1h with ERET. The code in the record is what harness.S reads (REC_REGIME).
 */
public enum EntryMode {
    /** ERET to EL1h; the case enables the EL1&amp;0 MMU (SCTLR_EL1.M). */
    EL1(0),
    /** Stay at EL2 with HCR_EL2.E2H=0; the case enables the EL2 MMU (SCTLR_EL2.M). */
    EL2(1),
    /** Stay at EL2 with HCR_EL2.E2H=1 (EL2&amp;0, VHE); needs {@link Cpu#MAX}. */
    EL2_VHE(2);

    private final int recordCode;

    EntryMode(int recordCode) {
        this.recordCode = recordCode;
    }

    int recordCode() {
        return recordCode;
    }
}
