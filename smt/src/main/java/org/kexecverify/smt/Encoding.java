package org.kexecverify.smt;

import com.microsoft.z3.BitVecExpr;
import java.util.ArrayList;
import java.util.List;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.smt.walk.Bv;
import org.kexecverify.smt.walk.SymRegs;
import org.kexecverify.smt.walk.TableMemory;

/**
 * The terms an obligation query is built over: registers, table memory and VBAR. Concrete for a
 * check; with free bits for the repair search.
 */
public record Encoding(SymRegs regs, TableMemory mem, BitVecExpr vbar) {

    public static Encoding concrete(Bv bv, SmtInput in) {
        return new Encoding(SymRegs.of(bv, in.regs()), TableMemory.of(bv, in.mem(), roots(in.regs())),
                bv.num(in.vbar().orElse(0)));
    }

    /** The table addresses TTBR0 (and TTBR1 in two-range regimes) point at. */
    public static List<Long> roots(TranslationRegs r) {
        List<Long> out = new ArrayList<>();
        int ranges = r.regime().hasTwoRanges() ? 2 : 1;
        for (int i = 0; i < ranges; i++) {
            long baddr = Layouts.of(r.ttbrReg(i), r.regime()).field("BADDR").mask();
            out.add((i == 0 ? r.ttbr0() : r.ttbr1()) & baddr);
        }
        return out;
    }
}
