package org.kexecverify.model.walk;

import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;

/**
 * The register view a stage-1 walk needs, for one regime: for EL1&amp;0 the *_EL1 registers, for
 * EL2 and EL2&amp;0 the *_EL2 ones. Fields are read through the regime's layouts, so TCR_EL2.PS at
 * E2H=0 and TCR_EL2.IPS at E2H=1 come from the one field table each.
 */
public record TranslationRegs(Regime regime, long sctlr, long tcr, long mair, long ttbr0, long ttbr1, long idAa64mmfr0) {

    /** PARange 0b0101 (48-bit) as on Cortex-A57/A72 and QEMU's cortex-a57. */
    public static final long MMFR0_48BIT = 0x5;

    public SysReg sctlrReg() { return regime.el() == 1 ? SysReg.SCTLR_EL1 : SysReg.SCTLR_EL2; }

    public SysReg tcrReg() { return regime.el() == 1 ? SysReg.TCR_EL1 : SysReg.TCR_EL2; }

    public SysReg mairReg() { return regime.el() == 1 ? SysReg.MAIR_EL1 : SysReg.MAIR_EL2; }

    public SysReg ttbrReg(int range) {
        if (regime.el() == 1) return range == 0 ? SysReg.TTBR0_EL1 : SysReg.TTBR1_EL1;
        return range == 0 ? SysReg.TTBR0_EL2 : SysReg.TTBR1_EL2;
    }

    public RegisterLayout sctlrLayout() { return Layouts.of(sctlrReg(), regime); }

    public RegisterLayout tcrLayout() { return Layouts.of(tcrReg(), regime); }

    public long sctlrField(String name) { return sctlrLayout().get(name, sctlr); }

    public long tcrField(String name) { return tcrLayout().get(name, tcr); }

    public Field tcrFieldDef(String name) { return tcrLayout().field(name); }

    public boolean mmuOn() { return sctlrField("M") != 0; }

    /** Name of the PA-size field of this regime's TCR: {@code PS} (E2H=0) or {@code IPS}. */
    public String paSizeFieldName() { return regime == Regime.EL2 ? "PS" : "IPS"; }

    public int parangeBits() {
        int b = Layouts.paBits(Layouts.of(SysReg.ID_AA64MMFR0_EL1, regime).get("PARange", idAa64mmfr0));
        return b < 0 ? 48 : Math.min(b, 48);
    }

    /** min(TCR PS/IPS, PARange), capped at 48 (no FEAT_LPA). A reserved PS reads as PARange. */
    public int effectivePaBits() {
        int ps = Layouts.paBits(tcrField(paSizeFieldName()));
        int pr = parangeBits();
        return ps < 0 ? pr : Math.min(Math.min(ps, pr), 48);
    }

    public TranslationRegs withSctlr(long v) { return new TranslationRegs(regime, v, tcr, mair, ttbr0, ttbr1, idAa64mmfr0); }

    public TranslationRegs withTcr(long v) { return new TranslationRegs(regime, sctlr, v, mair, ttbr0, ttbr1, idAa64mmfr0); }

    public TranslationRegs withTtbr0(long v) { return new TranslationRegs(regime, sctlr, tcr, mair, v, ttbr1, idAa64mmfr0); }

    public TranslationRegs withTtbr1(long v) { return new TranslationRegs(regime, sctlr, tcr, mair, ttbr0, v, idAa64mmfr0); }

    public TranslationRegs withMair(long v) { return new TranslationRegs(regime, sctlr, tcr, v, ttbr0, ttbr1, idAa64mmfr0); }
}
