package org.kexecverify.emulator.cpu;

/** Operation codes of {@link Insn} (int constants so the execute loop compiles to a table switch). */
final class Op {
    private Op() {
    }

    static final int UNDEF = 0;
    static final int NOP = 1;
    static final int WFI = 2;
    static final int MOVZ = 3;
    static final int MOVN = 4;
    static final int MOVK = 5;
    static final int ADD_I = 6;
    static final int ADDS_I = 7;
    static final int SUB_I = 8;
    static final int SUBS_I = 9;
    static final int ADD_R = 10;
    static final int ADDS_R = 11;
    static final int SUB_R = 12;
    static final int SUBS_R = 13;
    static final int ADD_X = 14;
    static final int ADDS_X = 15;
    static final int SUB_X = 16;
    static final int SUBS_X = 17;
    static final int AND_I = 18;
    static final int ORR_I = 19;
    static final int EOR_I = 20;
    static final int ANDS_I = 21;
    static final int LOG_R = 22;
    static final int SBFM = 23;
    static final int BFM = 24;
    static final int UBFM = 25;
    static final int EXTR = 26;
    static final int SHIFTV = 27;
    static final int UDIV = 28;
    static final int SDIV = 29;
    static final int CSEL = 30;
    static final int ADR = 31;
    static final int ADRP = 32;
    static final int B = 33;
    static final int BL = 34;
    static final int BCOND = 35;
    static final int CBZ = 36;
    static final int CBNZ = 37;
    static final int TBZ = 38;
    static final int TBNZ = 39;
    static final int BR = 40;
    static final int BLR = 41;
    static final int RET = 42;
    static final int ERET = 43;
    static final int LDST_U = 44;
    static final int LDST_PRE = 45;
    static final int LDST_POST = 46;
    static final int LDST_UNSCALED = 47;
    static final int LDST_REG = 48;
    static final int LDR_LIT = 49;
    static final int PAIR = 50;
    static final int MRS = 51;
    static final int MSR = 52;
    static final int MSR_IMM = 53;
    static final int SYS = 54;
    static final int DSB = 55;
    static final int DMB = 56;
    static final int ISB = 57;
    static final int HVC = 58;
    static final int SVC = 59;
    static final int SMC = 60;
    static final int BRK = 61;

    private static final String[] NAMES = {"undefined", "nop/hint", "wfi", "movz", "movn", "movk", "add", "adds", "sub", "subs",
        "add", "adds", "sub", "subs", "add", "adds", "sub", "subs", "and", "orr", "eor", "ands", "logical", "sbfm", "bfm",
        "ubfm", "extr", "shiftv", "udiv", "sdiv", "csel", "adr", "adrp", "b", "bl", "b.cond", "cbz", "cbnz", "tbz", "tbnz",
        "br", "blr", "ret", "eret", "ldr/str", "ldr/str (pre)", "ldr/str (post)", "ldur/stur", "ldr/str (reg)", "ldr (literal)",
        "ldp/stp", "mrs", "msr", "msr (imm)", "sys", "dsb", "dmb", "isb", "hvc", "svc", "smc", "brk"};

    static String name(int op) {
        return op >= 0 && op < NAMES.length ? NAMES[op] : "op" + op;
    }
}
