package org.kexecverify.model.a64;

import java.util.Locale;

/**
 * GNU-as-like text of a decoded instruction, for the {@code src} of every instance step
 * ({@code arm64_relocate_new_kernel+0x108: hvc #0}). Covers the instructions the derivation names;
 * anything else prints as its operation name and word.
 */
public final class A64Text {
    private A64Text() {}

    static String x(int r, boolean sf) {
        return r == 31 ? (sf ? "xzr" : "wzr") : (sf ? "x" : "w") + r;
    }

    static String xsp(int r) {
        return r == 31 ? "sp" : "x" + r;
    }

    /** The text of {@code i} at byte {@code off} (branch targets are printed as offsets). */
    public static String of(Insn i, int off) {
        return switch (i.op) {
            case Op.NOP -> i.word == 0xd503201f ? "nop" : "hint";
            case Op.ISB -> "isb";
            case Op.DSB -> "dsb " + barrier(i.aux);
            case Op.DMB -> "dmb " + barrier(i.aux);
            case Op.MSR -> "msr " + SysRegId.values()[i.aux].asmName() + ", " + x(i.rd, true);
            case Op.MRS -> "mrs " + x(i.rd, true) + ", " + SysRegId.values()[i.aux].asmName();
            case Op.SYS -> {
                SysOp s = SysOp.values()[i.aux];
                yield s.text() + (s.takesAddress() ? ", " + x(i.rd, true) : "");
            }
            case Op.HVC -> "hvc #" + i.imm;
            case Op.ERET -> "eret";
            case Op.BR -> "br " + x(i.rn, true);
            case Op.BLR -> "blr " + x(i.rn, true);
            case Op.RET -> "ret";
            case Op.B -> i.imm == 0 ? "b ." : String.format("b +0x%x", off + i.imm);
            case Op.BL -> String.format("bl +0x%x", off + i.imm);
            case Op.BCOND -> String.format("b.%s +0x%x", Cond.values()[i.aux].text(), off + i.imm);
            case Op.CBZ, Op.CBNZ -> String.format("%s %s, +0x%x", i.op == Op.CBZ ? "cbz" : "cbnz", x(i.rd, i.sf), off + i.imm);
            case Op.TBZ, Op.TBNZ -> String.format("%s %s, #%d, +0x%x", i.op == Op.TBZ ? "tbz" : "tbnz", x(i.rd, i.aux >= 32), i.aux, off + i.imm);
            case Op.LDST_U -> String.format("%s %s, [%s, #%d]", ldst(i), x(i.rd, i.sf), xsp(i.rn), i.imm);
            case Op.LDST_POST -> String.format("%s %s, [%s], #%d", ldst(i), x(i.rd, i.sf), xsp(i.rn), i.imm);
            case Op.LDST_PRE -> String.format("%s %s, [%s, #%d]!", ldst(i), x(i.rd, i.sf), xsp(i.rn), i.imm);
            case Op.LDST_UNSCALED -> String.format("%s %s, [%s, #%d]", i.aux2 == 0 ? "stur" : "ldur", x(i.rd, i.sf), xsp(i.rn), i.imm);
            case Op.PAIR -> {
                String m = (i.aux2 == 1 ? "ld" : "st") + (((i.word >>> 23) & 3) == 0 ? "np" : "p");
                String a = x(i.rd, i.sf) + ", " + x(i.rm, i.sf);
                yield switch ((int) i.imm2) {
                    case 1 -> String.format("%s %s, [%s], #%d", m, a, xsp(i.rn), i.imm);
                    case 3 -> String.format("%s %s, [%s, #%d]!", m, a, xsp(i.rn), i.imm);
                    default -> String.format("%s %s, [%s, #%d]", m, a, xsp(i.rn), i.imm);
                };
            }
            case Op.MOVZ -> String.format("mov %s, #0x%x", x(i.rd, i.sf), i.imm);
            case Op.MOVK -> String.format("movk %s, #0x%x, lsl #%d", x(i.rd, i.sf), i.imm >>> i.aux, i.aux);
            default -> String.format("%s (%08x)", Op.name(i.op), i.word);
        };
    }

    static String ldst(Insn i) {
        return (i.aux2 == 0 ? "str" : "ldr") + switch (i.aux) {
            case 0 -> "b";
            case 1 -> "h";
            default -> "";
        };
    }

    /** The option of DSB/DMB from CRm. */
    public static String barrier(int crm) {
        return switch (crm) {
            case 0b1111 -> "sy";
            case 0b1110 -> "st";
            case 0b1101 -> "ld";
            case 0b1011 -> "ish";
            case 0b1010 -> "ishst";
            case 0b1001 -> "ishld";
            case 0b0111 -> "nsh";
            case 0b0110 -> "nshst";
            case 0b0101 -> "nshld";
            case 0b0011 -> "osh";
            case 0b0010 -> "oshst";
            case 0b0001 -> "oshld";
            default -> "#" + crm;
        };
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
