package org.kexecverify.model.a64;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * System registers the emulator knows, by their MRS/MSR encoding (op0, op1, CRn, CRm, op2) as given in
 * the Arm ARM system-register index. The encoding is an instruction-set fact, not a register layout: the
 * fields inside each register live in the models' field tables.
 *
 * <p>{@link #modelName()} is the name of the matching {@code org.kexecverify.model.reg.SysReg} constant,
 * or {@code null} where the models have no such register.
 */
public enum SysRegId {
    SCTLR_EL1(3, 0, 1, 0, 0, "SCTLR_EL1"),
    SCTLR_EL2(3, 4, 1, 0, 0, "SCTLR_EL2"),
    TCR_EL1(3, 0, 2, 0, 2, "TCR_EL1"),
    TCR_EL2(3, 4, 2, 0, 2, "TCR_EL2"),
    TTBR0_EL1(3, 0, 2, 0, 0, "TTBR0_EL1"),
    TTBR1_EL1(3, 0, 2, 0, 1, "TTBR1_EL1"),
    TTBR0_EL2(3, 4, 2, 0, 0, "TTBR0_EL2"),
    TTBR1_EL2(3, 4, 2, 0, 1, "TTBR1_EL2"),
    MAIR_EL1(3, 0, 10, 2, 0, "MAIR_EL1"),
    MAIR_EL2(3, 4, 10, 2, 0, "MAIR_EL2"),
    VBAR_EL1(3, 0, 12, 0, 0, "VBAR_EL1"),
    VBAR_EL2(3, 4, 12, 0, 0, "VBAR_EL2"),
    ESR_EL1(3, 0, 5, 2, 0, "ESR_EL1"),
    ESR_EL2(3, 4, 5, 2, 0, "ESR_EL2"),
    FAR_EL1(3, 0, 6, 0, 0, "FAR_EL1"),
    FAR_EL2(3, 4, 6, 0, 0, "FAR_EL2"),
    ELR_EL1(3, 0, 4, 0, 1, "ELR_EL1"),
    ELR_EL2(3, 4, 4, 0, 1, "ELR_EL2"),
    SPSR_EL1(3, 0, 4, 0, 0, "SPSR_EL1"),
    SPSR_EL2(3, 4, 4, 0, 0, "SPSR_EL2"),
    HCR_EL2(3, 4, 1, 1, 0, "HCR_EL2"),
    CURRENTEL(3, 0, 4, 2, 2, null),
    DAIF(3, 3, 4, 2, 1, null),
    SPSEL(3, 0, 4, 2, 0, null),
    NZCV(3, 3, 4, 2, 0, null),
    CTR_EL0(3, 3, 0, 0, 1, null),
    DCZID_EL0(3, 3, 0, 0, 7, null),
    MIDR_EL1(3, 0, 0, 0, 0, null),
    ID_AA64MMFR0_EL1(3, 0, 0, 7, 0, "ID_AA64MMFR0_EL1"),
    /** Cache level ID: Ctype<n>, LoUIS, LoC, LoUU (set/way loops read it). */
    CLIDR_EL1(3, 1, 0, 0, 1, null),
    /** Geometry of the cache CSSELR_EL1 selects: LineSize [2:0], Associativity [12:3], NumSets [27:13]. */
    CCSIDR_EL1(3, 1, 0, 0, 0, null),
    CSSELR_EL1(3, 2, 0, 0, 0, null),
    SP_EL0(3, 0, 4, 1, 0, null),
    SP_EL1(3, 4, 4, 1, 0, null),
    TPIDR_EL1(3, 0, 13, 0, 4, null),
    TPIDR_EL2(3, 4, 13, 0, 2, null),
    CPTR_EL2(3, 4, 1, 1, 2, null),
    CNTHCTL_EL2(3, 4, 14, 1, 0, null),
    VTTBR_EL2(3, 4, 2, 1, 0, null);

    private final int op0;
    private final int op1;
    private final int crn;
    private final int crm;
    private final int op2;
    private final String modelName;

    SysRegId(int op0, int op1, int crn, int crm, int op2, String modelName) {
        this.op0 = op0;
        this.op1 = op1;
        this.crn = crn;
        this.crm = crm;
        this.op2 = op2;
        this.modelName = modelName;
    }

    /** The 15-bit system-register number o0:op1:CRn:CRm:op2 as it sits in bits [19:5] of MRS/MSR. */
    public int key() {
        return ((op0 & 1) << 14) | (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    public int op0() {
        return op0;
    }

    public String modelName() {
        return modelName;
    }

    /** The assembler spelling, e.g. {@code sctlr_el2}. */
    public String asmName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static final Map<String, SysRegId> BY_NAME = new HashMap<>();
    private static final SysRegId[] BY_KEY = new SysRegId[1 << 15];

    static {
        for (SysRegId r : values()) {
            BY_NAME.put(r.asmName(), r);
            BY_KEY[r.key()] = r;
        }
    }

    /** Looks a register up by its assembler name (case-insensitive); null if unknown. */
    public static SysRegId byName(String name) {
        return BY_NAME.get(name.toLowerCase(Locale.ROOT));
    }

    /** Looks a register up by the 15-bit number in an MRS/MSR encoding (only op0 = 2 or 3); null if unknown. */
    public static SysRegId byKey(int key) {
        return BY_KEY[key & 0x7fff];
    }
}
