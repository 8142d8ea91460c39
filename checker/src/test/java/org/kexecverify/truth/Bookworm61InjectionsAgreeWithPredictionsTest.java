package org.kexecverify.truth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kexecverify.groundtruth.kernel.GuestCpu;
import org.kexecverify.groundtruth.kernel.KexecOutcome;

/**
 * Fault injection on Debian 12's Linux 6.1 in QEMU 7.2, at the first instruction of the relocation code, on
 * cortex-a57 (no VHE: relocation at EL1) and max (VHE: relocation at EL2&0). Each test pins that the project's
 * prediction (computed at the stop, before QEMU runs the mutated machine, from the bundled scenario mutated the same
 * way: the emulator's outcome class) agrees with QEMU's outcome, and what that outcome is. Emulator-only mistakes are
 * pinned as NOT_JUDGED: QEMU comes up, which says nothing. A failure prints the prediction, the injection and the
 * console tail.
 */
class Bookworm61InjectionsAgreeWithPredictionsTest {
    static InjectionRun.Result agreed(Injection inj, GuestCpu cpu, OutcomeClass.Kind kind) {
        RealKernelInjectionTier.enabled("bookworm 6.1 on " + cpu.qemuCpu() + " with " + inj.cliName());
        InjectionRun.Result r = RealKernelInjectionTier.run(inj, cpu);
        String why = r.describe();
        assertNotNull(r.prediction(), why);
        assertEquals(InjectionRun.Agreement.AGREE, r.agreement(), why);
        assertEquals(kind, r.observed().kind(), why);
        return r;
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void pxnOnTheRelocationLeafFaultsAtTheFirstFetchIntoTheOldKernelsHandler(GuestCpu cpu) {
        InjectionRun.Result r = agreed(Injection.PXN_ON_RELOCATION_LEAF, cpu, OutcomeClass.Kind.OLD_KERNEL_HANDLER);
        assertEquals(0x21, r.observed().ec(), r.describe());
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void afClearedOnTheRelocationLeafFaultsUnlessTheCpuSetsAfInHardware(GuestCpu cpu) {
        RealKernelInjectionTier.enabled("bookworm 6.1 on " + cpu.qemuCpu() + " with " + Injection.AF_CLEARED_ON_RELOCATION_LEAF.cliName());
        // the stop says whether the CPU sets AF (ID_AA64MMFR1_EL1.HAFDBS) and whether 6.1 let it (TCR.HA)
        boolean hardwareAf = RealKernelInjectionTier.run(Injection.AF_CLEARED_ON_RELOCATION_LEAF, cpu).prediction().facts()
                .contains("hardware Access-flag update ON");
        InjectionRun.Result r = agreed(Injection.AF_CLEARED_ON_RELOCATION_LEAF, cpu,
                hardwareAf ? OutcomeClass.Kind.UP : OutcomeClass.Kind.OLD_KERNEL_HANDLER);
        assertEquals(cpu == GuestCpu.MAX, hardwareAf, "QEMU's max has FEAT_HAFDBS and 6.1 sets TCR.HA; cortex-a57 has neither:\n" + r.describe());
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void vbarEl2UnmappedLoopsAtEl2WithoutVheAndIsNeverTakenWithVhe(GuestCpu cpu) {
        agreed(Injection.VBAR_EL2_UNMAPPED, cpu, cpu.vhe() ? OutcomeClass.Kind.UP : OutcomeClass.Kind.FAULT_LOOP);
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void aSelfPointingIndirectionPageSpinsWithoutAnException(GuestCpu cpu) {
        agreed(Injection.ENTRY_LIST_LOOPS, cpu, OutcomeClass.Kind.SPIN);
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void sctlrMClearedBeforeRelocationLoopsInAddressSizeFaults(GuestCpu cpu) {
        agreed(Injection.SCTLR_M_CLEARED, cpu, OutcomeClass.Kind.FAULT_LOOP);
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void ttbr1OnAnEmptyTableLoopsAfterTheBreakBeforeMake(GuestCpu cpu) {
        agreed(Injection.TTBR1_EMPTY_TABLE, cpu, OutcomeClass.Kind.FAULT_LOOP);
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void el2VectorsZeroEntersTheNewKernelAtEl1WithoutVhe(GuestCpu cpu) {
        InjectionRun.Result r = agreed(Injection.EL2_VECTORS_ZERO, cpu, OutcomeClass.Kind.UP);
        assertEquals(cpu.vhe() ? 2 : 1, r.observed().el(), r.describe());
        if (!cpu.vhe()) assertTrue(r.prediction().refuted().contains("ENTRY_EL_PRESERVED"), r.describe());
    }

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void uxnOnTheRelocationLeafDoesNotStopPrivilegedExecution(GuestCpu cpu) {
        InjectionRun.Result r = agreed(Injection.UXN_ON_RELOCATION_LEAF, cpu, OutcomeClass.Kind.UP);
        assertEquals(2, r.observed().el(), r.describe());
        assertTrue(r.prediction().notes().stream().anyMatch(n -> n.contains("executable in")), r.describe());
    }

    @ParameterizedTest
    @EnumSource(value = Injection.class, names = {"TLBI_DROPPED", "IC_IALLU_DROPPED"})
    void cacheAndTlbMistakesAreNotJudgedByQemu(Injection inj) {
        RealKernelInjectionTier.enabled("bookworm 6.1 on cortex-a57 with " + inj.cliName() + " (not judged by QEMU)");
        InjectionRun.Result r = RealKernelInjectionTier.run(inj, GuestCpu.CORTEX_A57);
        String why = r.describe();
        assertEquals(InjectionRun.Agreement.NOT_JUDGED, r.agreement(), why);
        assertTrue(r.qemu().run().outcome() instanceof KexecOutcome.SecondKernelUp, why);
        if (inj == Injection.IC_IALLU_DROPPED) assertTrue(r.prediction().refuted().contains("COHERENT_HANDOFF (emu)"), why);
    }
}
