package org.kexecverify.smt.walk;

import com.microsoft.z3.BitVecExpr;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * The register view of a walk as 64-bit Z3 terms: numerals for a concrete register dump, constants
 * for registers left open (repair search, placement proofs). Field tables come from
 * {@link Layouts} for the regime, exactly as {@link TranslationRegs} reads them.
 */
public record SymRegs(Regime regime, BitVecExpr sctlr, BitVecExpr tcr, BitVecExpr mair, BitVecExpr ttbr0, BitVecExpr ttbr1,
                      BitVecExpr mmfr0) {

    public static SymRegs of(Bv bv, TranslationRegs r) {
        return new SymRegs(r.regime(), bv.num(r.sctlr()), bv.num(r.tcr()), bv.num(r.mair()), bv.num(r.ttbr0()), bv.num(r.ttbr1()),
                bv.num(r.idAa64mmfr0()));
    }

    /** Every register a fresh constant named {@code prefix + register}. */
    public static SymRegs symbolic(Bv bv, Regime regime, String prefix) {
        TranslationRegs names = names(regime);
        return new SymRegs(regime, bv.var(prefix + names.sctlrReg().asmName()), bv.var(prefix + names.tcrReg().asmName()),
                bv.var(prefix + names.mairReg().asmName()), bv.var(prefix + names.ttbrReg(0).asmName()),
                bv.var(prefix + names.ttbrReg(1).asmName()), bv.var(prefix + "id_aa64mmfr0_el1"));
    }

    static TranslationRegs names(Regime regime) {
        return new TranslationRegs(regime, 0, 0, 0, 0, 0, 0);
    }

    public TranslationRegs names() { return names(regime); }

    public RegisterLayout sctlrLayout() { return Layouts.of(names().sctlrReg(), regime); }

    public RegisterLayout tcrLayout() { return Layouts.of(names().tcrReg(), regime); }

    public RegisterLayout mairLayout() { return Layouts.of(names().mairReg(), regime); }

    public RegisterLayout ttbrLayout(int range) { return Layouts.of(names().ttbrReg(range), regime); }

    public RegisterLayout mmfr0Layout() { return Layouts.of(SysReg.ID_AA64MMFR0_EL1, regime); }

    public Field sctlrField(String name) { return sctlrLayout().field(name); }

    public Field tcrField(String name) { return tcrLayout().field(name); }

    public BitVecExpr ttbr(int range) { return range == 0 ? ttbr0 : ttbr1; }

    public SymRegs withSctlr(BitVecExpr v) { return new SymRegs(regime, v, tcr, mair, ttbr0, ttbr1, mmfr0); }

    public SymRegs withTcr(BitVecExpr v) { return new SymRegs(regime, sctlr, v, mair, ttbr0, ttbr1, mmfr0); }

    public SymRegs withMair(BitVecExpr v) { return new SymRegs(regime, sctlr, tcr, v, ttbr0, ttbr1, mmfr0); }

    public SymRegs withTtbr0(BitVecExpr v) { return new SymRegs(regime, sctlr, tcr, mair, v, ttbr1, mmfr0); }
}
