package org.kexecverify.emulator.mmu;

/**
 * The stage-1 translation regime of the current exception level (mirrors
 * {@code org.kexecverify.model.regime.Regime}): EL1&amp;0, non-VHE EL2 (HCR_EL2.E2H = 0) and VHE EL2&amp;0.
 */
public enum TranslationRegime {
    EL1_0("el1", 1, true),
    EL2("el2", 2, false),
    EL2_0("el2h", 2, true);

    private final String cliName;
    private final int el;
    private final boolean twoRanges;

    TranslationRegime(String cliName, int el, boolean twoRanges) {
        this.cliName = cliName;
        this.el = el;
        this.twoRanges = twoRanges;
    }

    public String cliName() {
        return cliName;
    }

    public int el() {
        return el;
    }

    public boolean hasTwoRanges() {
        return twoRanges;
    }
}
