package org.kexecverify.mutation;

import java.util.ArrayList;
import java.util.List;
import org.kexecverify.model.a64.Decoder;
import org.kexecverify.model.a64.A64Text;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;
import org.kexecverify.model.a64.SysOp;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.model.program.DesignCode;

/**
 * The mutants of a design: every barrier and maintenance instruction ({@code dsb}, {@code isb}, {@code tlbi},
 * {@code dc}, {@code ic}) and every write of SCTLR, TTBR0/1, VBAR and TCR, each removed (replaced by {@code nop});
 * every {@code dc} by VA also replaced by each weaker by-VA operation ({@code civac -> ivac, cvac}). Found by
 * decoding the code, so a new build of the same routine gets its own list.
 */
public final class Mutants {
    private Mutants() {}

    public static List<Mutant> of(DesignCode code) {
        List<Mutant> out = new ArrayList<>();
        for (DesignCode.Blob b : code.symbols().values().stream().sorted(java.util.Comparator.comparing(DesignCode.Blob::name)).toList()) {
            for (int off = 0; off + 4 <= b.size(); off += 4) {
                int w = b.word(off);
                Insn in = Decoder.decode(w);
                String text = A64Text.of(in, off - b.entryOffset());
                if (guarded(in)) out.add(new Mutant(b.name(), off, text, "nop", Mutant.NOP));
                if (in.op == Op.SYS && SysOp.values()[in.aux].kind() == SysOp.Kind.DC) {
                    SysOp op = SysOp.values()[in.aux];
                    for (SysOp weaker : weakerThan(op)) {
                        int nw = (w & ~(0x3fff << 5)) | (weaker.key() << 5);
                        out.add(new Mutant(b.name(), off, text, A64Text.of(Decoder.decode(nw), off - b.entryOffset()), nw));
                    }
                }
            }
        }
        return out;
    }

    static boolean guarded(Insn in) {
        if (in.op == Op.DSB || in.op == Op.ISB || in.op == Op.SYS) return true;
        if (in.op != Op.MSR) return false;
        String r = SysRegId.values()[in.aux].name();
        return r.startsWith("SCTLR_") || r.startsWith("TTBR") || r.startsWith("VBAR_") || r.startsWith("TCR_");
    }

    /** By-VA data-cache operations that do less than {@code op} to the PoC. */
    static List<SysOp> weakerThan(SysOp op) {
        return switch (op.opName()) {
            case "civac" -> List.of(SysOp.DC_IVAC, SysOp.DC_CVAC);
            case "cvac" -> List.of(SysOp.DC_CVAU);
            default -> List.of();
        };
    }
}
