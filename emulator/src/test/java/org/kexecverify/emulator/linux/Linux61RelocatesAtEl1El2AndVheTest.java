package org.kexecverify.emulator.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.kexecverify.kernels.LinuxBuild;
import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.kernels.ResolvedScenarios;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;

/**
 * Linux 6.1's own relocation code (the bundled upstream scenarios' {@code code: {kernel: bookworm}}) relocates the
 * 25 MiB upstream layout on the emulator, entered the three ways 6.1 enters it (scenarios upstream-el2, upstream-el1,
 * upstream-el2h, with 6.1's MAIR and SCTLR values): booted at EL2 without VHE (relocation at EL1, HVC_SOFT_RESTART at +0x108 through the copied
 * trans_pgd_stub_vectors), at EL1, and at EL2 with VHE (E2H = TGE = 1: the same code at EL2 in the EL2&0 regime,
 * its msr sctlr_el1 / ttbr1_el1 reaching the EL2 registers, no hvc). Every run starts from the adversarial caches.
 */
class Linux61RelocatesAtEl1El2AndVheTest {
    /** A bundled scenario with its own code (Linux 6.1 from Debian bookworm, or 6.12 from trixie) and 6.1's register values. */
    static ScenarioRun prepare(String name) throws Exception {
        Scenario s = ResolvedScenarios.load(Path.of("..", "scenarios", name + ".yaml"));
        assumeTrue(s.code().get().isPresent(), () -> name + ": " + s.code().reason());
        return ScenarioRun.prepare(ScenarioBuilders.build(s));
    }

    static RunResult.Completed completesClean(ScenarioRun run) {
        long t0 = System.nanoTime();
        ScenarioRun.Outcome o = run.run(200_000_000);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        RunResult.Completed c = assertInstanceOf(RunResult.Completed.class, o.result(), () -> o + "\n" + run.machine().exceptions());
        assertTrue(o.clean(), o::toString);
        assertEquals(run.entry(), c.pc());
        System.out.printf("%s, %s: %,d instructions in %d ms; %s%n", run.code().kernelVersion(), run.plan().scenario().name(), c.retired(), ms,
                String.join("; ", o.notes()));
        return c;
    }

    @Test
    void bootedAtEl2WithoutVheEntersTheNewKernelAtEl2ThroughTheCopiedStubVectors() throws Exception {
        ScenarioRun run = prepare("upstream-el2");
        RunResult.Completed c = completesClean(run);
        assertEquals(2, c.el());
        ExceptionRecord hvc = c.exceptions().get(0);
        assertEquals(1, c.exceptions().size(), c.exceptions()::toString);
        assertEquals(0x16, hvc.ec());
        assertEquals("arm64_relocate_new_kernel+0x10c", run.where(hvc.elr()), "hvc #0 at +0x108 returns to +0x10c");
        assertEquals("trans_pgd_stub_vectors+0x400", run.where(hvc.vectorAddress()));
        assertTrue(c.retired() > 6_000_000, "25 MiB relocated");
    }

    @Test
    void bootedAtEl1EntersTheNewKernelAtEl1() throws Exception {
        ScenarioRun run = prepare("upstream-el1");
        RunResult.Completed c = completesClean(run);
        assertEquals(1, c.el());
        assertTrue(c.exceptions().isEmpty(), c.exceptions()::toString);
    }

    @Test
    void withVheTheSameCodeRunsAtEl2AndItsEl1RegisterWritesReachTheEl2Registers() throws Exception {
        ScenarioRun run = prepare("upstream-el2h");
        long linearCopy = run.plan().phases().get(0).regs().ttbr1();
        RunResult.Completed c = completesClean(run);
        assertEquals(2, c.el());
        assertTrue(c.exceptions().isEmpty(), "el2_vectors is 0 under VHE: cbz x27 skips the hvc; " + c.exceptions());
        assertEquals(0x30500800L, run.machine().sysReg(SysRegId.SCTLR_EL2), "msr sctlr_el1 wrote SCTLR_EL2 (INIT_SCTLR_EL1_MMU_OFF)");
        assertEquals(linearCopy, run.machine().sysReg(SysRegId.TTBR1_EL2), "msr ttbr1_el1 wrote TTBR1_EL2");
        assertEquals(0L, run.machine().sysReg(SysRegId.TTBR1_EL1), "TTBR1_EL1 itself untouched");
    }

    @Test
    void linux612RelocatesTheSameLayoutBootedAtEl2() throws Exception {
        ScenarioRun run = prepare("upstream-el2-trixie");
        RunResult.Completed c = completesClean(run);
        assertEquals(2, c.el());
    }
}
