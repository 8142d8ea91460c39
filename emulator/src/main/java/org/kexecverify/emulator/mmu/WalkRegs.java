package org.kexecverify.emulator.mmu;

/**
 * The register view one stage-1 walk needs (mirrors {@code org.kexecverify.model.walk.TranslationRegs}).
 */
public record WalkRegs(TranslationRegime regime, long sctlr, long tcr, long mair, long ttbr0, long ttbr1, long idAa64mmfr0) {
}
