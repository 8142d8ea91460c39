package org.kexecverify.model.a64;

import java.util.Locale;

/**
 * Short disassembly of the instructions engines talk about ({@code dsb nsh}, {@code tlbi vmalle1},
 * {@code msr sctlr_el1, x12}, {@code hvc #0}); other instructions as their operation name and word.
 */
public final class Disasm {
    private Disasm() {}

    private static final String[] DOMAINS = {"#0", "oshld", "oshst", "osh", "#4", "nshld", "nshst", "nsh", "#8", "ishld", "ishst", "ish",
        "#12", "ld", "st", "sy"};

    public static String text(Insn in) {
        return switch (in.op) {
            case Op.DSB -> "dsb " + DOMAINS[in.aux & 15];
            case Op.DMB -> "dmb " + DOMAINS[in.aux & 15];
            case Op.ISB -> "isb";
            case Op.NOP -> in.word == 0xd503201f ? "nop" : String.format("hint 0x%08x", in.word);
            case Op.SYS -> {
                SysOp op = SysOp.values()[in.aux];
                yield op.takesAddress() ? op.text() + ", x" + in.rd : op.text();
            }
            case Op.MSR -> "msr " + SysRegId.values()[in.aux].asmName() + ", " + reg(in.rd);
            case Op.MRS -> "mrs " + reg(in.rd) + ", " + SysRegId.values()[in.aux].asmName();
            case Op.HVC -> "hvc #" + ((in.word >>> 5) & 0xffff);
            case Op.ERET -> "eret";
            default -> String.format("%s (0x%08x)", Op.name(in.op).toLowerCase(Locale.ROOT), in.word);
        };
    }

    private static String reg(int r) {
        return r == 31 ? "xzr" : "x" + r;
    }
}
