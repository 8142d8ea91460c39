package org.kexecverify.model.reg;

import java.util.Locale;

/** The system registers the models know, by architectural name. */
public enum SysReg {
    SCTLR_EL1, SCTLR_EL2,
    TCR_EL1, TCR_EL2,
    MAIR_EL1, MAIR_EL2,
    TTBR0_EL1, TTBR1_EL1, TTBR0_EL2, TTBR1_EL2,
    HCR_EL2,
    VBAR_EL1, VBAR_EL2,
    ESR_EL1, ESR_EL2,
    FAR_EL1, FAR_EL2,
    ELR_EL1, ELR_EL2,
    SPSR_EL1, SPSR_EL2,
    ID_AA64MMFR0_EL1,
    CTR_EL0,
    CURRENTEL;

    /** Parses a register name as written in dumps and assembly ({@code tcr_el2}, {@code TCR_EL2}). */
    public static SysReg parse(String name) {
        String k = name.trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(k);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown register '" + name.trim() + "'");
        }
    }

    /** 1 or 2 for registers of one exception level, 0 for EL0/ID registers. */
    public int el() {
        String n = name();
        if (n.endsWith("_EL2")) return 2;
        if (n.endsWith("_EL1") && !n.startsWith("ID_")) return 1;
        return 0;
    }

    public String asmName() { return name().toLowerCase(Locale.ROOT); }
}
