package org.kexecverify.model.a64;

/** Operation codes of {@link Insn} (int constants so the execute loop compiles to a table switch). */
public final class Op {
    private Op() {
    }

    public static final int UNDEF = 0;
    public static final int NOP = 1;
    public static final int WFI = 2;
    public static final int MOVZ = 3;
    public static final int MOVN = 4;
    public static final int MOVK = 5;
    public static final int ADD_I = 6;
    public static final int ADDS_I = 7;
    public static final int SUB_I = 8;
    public static final int SUBS_I = 9;
    public static final int ADD_R = 10;
    public static final int ADDS_R = 11;
    public static final int SUB_R = 12;
    public static final int SUBS_R = 13;
    public static final int ADD_X = 14;
    public static final int ADDS_X = 15;
    public static final int SUB_X = 16;
    public static final int SUBS_X = 17;
    public static final int AND_I = 18;
    public static final int ORR_I = 19;
    public static final int EOR_I = 20;
    public static final int ANDS_I = 21;
    public static final int LOG_R = 22;
    public static final int SBFM = 23;
    public static final int BFM = 24;
    public static final int UBFM = 25;
    public static final int EXTR = 26;
    public static final int SHIFTV = 27;
    public static final int UDIV = 28;
    public static final int SDIV = 29;
    public static final int CSEL = 30;
    public static final int ADR = 31;
    public static final int ADRP = 32;
    public static final int B = 33;
    public static final int BL = 34;
    public static final int BCOND = 35;
    public static final int CBZ = 36;
    public static final int CBNZ = 37;
    public static final int TBZ = 38;
    public static final int TBNZ = 39;
    public static final int BR = 40;
    public static final int BLR = 41;
    public static final int RET = 42;
    public static final int ERET = 43;
    public static final int LDST_U = 44;
    public static final int LDST_PRE = 45;
    public static final int LDST_POST = 46;
    public static final int LDST_UNSCALED = 47;
    public static final int LDST_REG = 48;
    public static final int LDR_LIT = 49;
    public static final int PAIR = 50;
    public static final int MRS = 51;
    public static final int MSR = 52;
    public static final int MSR_IMM = 53;
    public static final int SYS = 54;
    public static final int DSB = 55;
    public static final int DMB = 56;
    public static final int ISB = 57;
    public static final int HVC = 58;
    public static final int SVC = 59;
    public static final int SMC = 60;
    public static final int BRK = 61;
    /** Data processing, one source: aux = opcode (0 RBIT, 1 REV16, 2 REV32 / REV (W), 3 REV (X), 4 CLZ, 5 CLS). */
    public static final int DP1 = 62;

    private static final String[] NAMES = {"undefined", "nop/hint", "wfi", "movz", "movn", "movk", "add", "adds", "sub", "subs",
        "add", "adds", "sub", "subs", "add", "adds", "sub", "subs", "and", "orr", "eor", "ands", "logical", "sbfm", "bfm",
        "ubfm", "extr", "shiftv", "udiv", "sdiv", "csel", "adr", "adrp", "b", "bl", "b.cond", "cbz", "cbnz", "tbz", "tbnz",
        "br", "blr", "ret", "eret", "ldr/str", "ldr/str (pre)", "ldr/str (post)", "ldur/stur", "ldr/str (reg)", "ldr (literal)",
        "ldp/stp", "mrs", "msr", "msr (imm)", "sys", "dsb", "dmb", "isb", "hvc", "svc", "smc", "brk", "rbit/rev/clz/cls"};

    public static String name(int op) {
        return op >= 0 && op < NAMES.length ? NAMES[op] : "op" + op;
    }
}
