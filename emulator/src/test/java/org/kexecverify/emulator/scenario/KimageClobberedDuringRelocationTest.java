package org.kexecverify.emulator.scenario;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.programs.Program;
import org.kexecverify.model.verdict.Obligation;

/**
 * Linux commit eb3d8ea3e1f0 (2022, "arm64: kexec: load from kimage prior to clobbering"): before it, the
 * entry point, EL2 vectors and dtb address were loaded from struct kimage after the copy loop. With the
 * kimage struct inside the initramfs destination ({@code upstream-el2-kimage-after-copy}) those loads read
 * the copied initramfs, and the new kernel is never entered.
 */
class KimageClobberedDuringRelocationTest {
    @Test
    void kimageReadAfterTheCopyNeverReachesTheNewKernel() throws Exception {
        ScenarioRun run = ScenarioRunTest.prepare("upstream-el2-kimage-after-copy");
        ScenarioRun.Outcome o = run.run(200_000_000);
        String why = o.summary() + "\n" + run.machine().exceptions();
        assertFalse(o.result() instanceof RunResult.Completed, why);
        assertInstanceOf(RunResult.Hang.class, o.result(), why);
        assertTrue(o.violates(Obligation.NO_CLOBBER), why);
        assertTrue(o.violates(Obligation.NO_HANG_AFTER_MMU_ON), why);
        assertTrue(o.notes().stream().anyMatch(n -> n.contains("lies in destination page 0x48200000")), o.notes()::toString);
    }

    @Test
    void theFixedShapeOnTheSameLayoutReachesTheNewKernel() throws Exception {
        // same layout, fixed program: every kimage field loaded before the first copy
        ScenarioRun fixed = ScenarioRun.prepare(ScenarioRunTest.plan("upstream-el2-kimage-after-copy", Program.UPSTREAM_V5_16));
        ScenarioRun.Outcome o = fixed.run(200_000_000);
        assertInstanceOf(RunResult.Completed.class, o.result(), () -> o.summary() + "\n" + fixed.machine().exceptions());
        assertTrue(o.clean(), o::summary);
    }
}
