package org.kexecverify.emulator.arch;

/**
 * Every register and descriptor field position the emulator reads, in one place.
 *
 * <p>These are stand-ins until the models' field tables ({@code org.kexecverify.model.reg.Layouts},
 * {@code org.kexecverify.model.desc.DescriptorBits}) are available on this branch; each constant names the
 * model field that replaces it, and nothing else in the emulator spells a bit position.
 */
public final class ArchFields {
    private ArchFields() {
    }

    // SCTLR_ELx (same positions for SCTLR_EL1 and non-VHE SCTLR_EL2)
    public static final Bits SCTLR_M = new Bits("SCTLR_ELx", "M", 0, 0);
    public static final Bits SCTLR_A = new Bits("SCTLR_ELx", "A", 1, 1);
    public static final Bits SCTLR_C = new Bits("SCTLR_ELx", "C", 2, 2);
    public static final Bits SCTLR_SA = new Bits("SCTLR_ELx", "SA", 3, 3);
    public static final Bits SCTLR_I = new Bits("SCTLR_ELx", "I", 12, 12);
    public static final Bits SCTLR_WXN = new Bits("SCTLR_ELx", "WXN", 19, 19);

    public static final Bits HCR_E2H = new Bits("HCR_EL2", "E2H", 34, 34);

    // TCR_EL1 layout (also TCR_EL2 when E2H = 1)
    public static final Bits TCR_T0SZ = new Bits("TCR_EL1", "T0SZ", 5, 0);
    public static final Bits TCR_EPD0 = new Bits("TCR_EL1", "EPD0", 7, 7);
    public static final Bits TCR_TG0 = new Bits("TCR_EL1", "TG0", 15, 14);
    public static final Bits TCR_T1SZ = new Bits("TCR_EL1", "T1SZ", 21, 16);
    public static final Bits TCR_EPD1 = new Bits("TCR_EL1", "EPD1", 23, 23);
    public static final Bits TCR_TG1 = new Bits("TCR_EL1", "TG1", 31, 30);
    public static final Bits TCR_IPS = new Bits("TCR_EL1", "IPS", 34, 32);
    public static final Bits TCR_TBI0 = new Bits("TCR_EL1", "TBI0", 37, 37);
    public static final Bits TCR_TBI1 = new Bits("TCR_EL1", "TBI1", 38, 38);
    public static final Bits TCR_HA = new Bits("TCR_EL1", "HA", 39, 39);
    public static final Bits TCR_HPD0 = new Bits("TCR_EL1", "HPD0", 41, 41);
    public static final Bits TCR_HPD1 = new Bits("TCR_EL1", "HPD1", 42, 42);

    // TCR_EL2 non-VHE layout
    public static final Bits TCR2_T0SZ = new Bits("TCR_EL2", "T0SZ", 5, 0);
    public static final Bits TCR2_TG0 = new Bits("TCR_EL2", "TG0", 15, 14);
    public static final Bits TCR2_PS = new Bits("TCR_EL2", "PS", 18, 16);
    public static final Bits TCR2_TBI = new Bits("TCR_EL2", "TBI", 20, 20);
    public static final Bits TCR2_HA = new Bits("TCR_EL2", "HA", 21, 21);
    public static final Bits TCR2_HPD = new Bits("TCR_EL2", "HPD", 24, 24);

    public static final Bits MMFR0_PARANGE = new Bits("ID_AA64MMFR0_EL1", "PARange", 3, 0);

    // stage-1 VMSAv8-64 descriptor, 4 KB granule
    public static final Bits D_VALID = new Bits("descriptor", "VALID", 0, 0);
    public static final Bits D_TYPE = new Bits("descriptor", "TYPE", 1, 1);
    public static final Bits D_ATTRINDX = new Bits("descriptor", "ATTRINDX", 4, 2);
    public static final Bits D_AP = new Bits("descriptor", "AP", 7, 6);
    public static final Bits D_AF = new Bits("descriptor", "AF", 10, 10);
    public static final Bits D_OA = new Bits("descriptor", "OA", 47, 12);
    public static final Bits D_PXN = new Bits("descriptor", "PXN", 53, 53);
    public static final Bits D_UXN = new Bits("descriptor", "UXN", 54, 54);
    public static final Bits D_PXNTABLE = new Bits("descriptor", "PXNTABLE", 59, 59);
    public static final Bits D_XNTABLE = new Bits("descriptor", "XNTABLE", 60, 60);
    public static final Bits D_APTABLE = new Bits("descriptor", "APTABLE", 62, 61);

    // ESR_ELx
    public static final Bits ESR_EC = new Bits("ESR_ELx", "EC", 31, 26);
    public static final Bits ESR_IL = new Bits("ESR_ELx", "IL", 25, 25);
    public static final Bits ESR_ISS = new Bits("ESR_ELx", "ISS", 24, 0);
    public static final Bits ISS_FSC = new Bits("ESR_ELx", "ISS.xFSC", 5, 0);
    public static final Bits ISS_WNR = new Bits("ESR_ELx", "ISS.WnR", 6, 6);
    public static final Bits ISS_CM = new Bits("ESR_ELx", "ISS.CM", 8, 8);

    // SPSR_ELx (AArch64 state)
    public static final Bits SPSR_M = new Bits("SPSR_ELx", "M", 3, 0);
    public static final Bits SPSR_DAIF = new Bits("SPSR_ELx", "DAIF", 9, 6);
    public static final Bits SPSR_IL = new Bits("SPSR_ELx", "IL", 20, 20);
    public static final Bits SPSR_NZCV = new Bits("SPSR_ELx", "NZCV", 31, 28);
}
