package org.kexecverify.emulator.cpu;

import org.kexecverify.model.a64.SysRegId;

/**
 * With HCR_EL2.E2H = 1, an MRS or MSR at EL2 that names an EL1 register of the translation regime reaches the EL2
 * register instead (Arm ARM D5.10 / "Virtualization Host Extensions": the redirection of EL1 register accesses),
 * which is how a kernel written for EL1 runs unchanged at EL2: {@code msr sctlr_el1} writes SCTLR_EL2,
 * {@code msr ttbr1_el1} writes TTBR1_EL2. The {@code *_EL12} encodings, which reach the real EL1 registers, are not
 * modelled (no relocation code uses them).
 */
final class E2hRedirect {
    private E2hRedirect() {}

    /** The register an access to {@code r} reaches at EL2 with E2H = 1. */
    static SysRegId atEl2(SysRegId r) {
        return switch (r) {
            case SCTLR_EL1 -> SysRegId.SCTLR_EL2;
            case TCR_EL1 -> SysRegId.TCR_EL2;
            case TTBR0_EL1 -> SysRegId.TTBR0_EL2;
            case TTBR1_EL1 -> SysRegId.TTBR1_EL2;
            case MAIR_EL1 -> SysRegId.MAIR_EL2;
            case VBAR_EL1 -> SysRegId.VBAR_EL2;
            case ESR_EL1 -> SysRegId.ESR_EL2;
            case FAR_EL1 -> SysRegId.FAR_EL2;
            case ELR_EL1 -> SysRegId.ELR_EL2;
            case SPSR_EL1 -> SysRegId.SPSR_EL2;
            default -> r;
        };
    }
}
