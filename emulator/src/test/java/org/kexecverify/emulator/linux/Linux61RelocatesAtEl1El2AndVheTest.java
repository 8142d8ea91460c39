package org.kexecverify.emulator.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;

/**
 * Linux 6.1's own relocation code relocates the bundled 25 MiB upstream layout on the emulator, entered the three
 * ways 6.1 enters it: booted at EL2 without VHE (relocation at EL1, HVC_SOFT_RESTART at +0x108 through the copied
 * trans_pgd_stub_vectors), at EL1, and at EL2 with VHE (E2H = TGE = 1: the same code at EL2 in the EL2&0 regime,
 * its msr sctlr_el1 / ttbr1_el1 reaching the EL2 registers, no hvc). Every run starts from the adversarial caches.
 */
class Linux61RelocatesAtEl1El2AndVheTest {
    static Scenario upstream() throws Exception {
        return ScenarioLoader.load(Path.of("..", "scenarios", "upstream-el2.yaml"));
    }

    /** The bundled layout booted in {@code regime} (EL2 registers dropped for EL1; HCR_EL2 = E2H | TGE | RW for VHE). */
    static Scenario bootedIn(Scenario s, Regime regime) {
        Map<SysReg, Long> regs = new HashMap<>();
        for (SysReg r : new SysReg[] {SysReg.SCTLR_EL1, SysReg.TCR_EL1, SysReg.MAIR_EL1, SysReg.ID_AA64MMFR0_EL1}) {
            s.register(r).ifPresent(v -> regs.put(r, v));
        }
        if (regime == Regime.EL2_0) regs.put(SysReg.HCR_EL2, ScenarioRun.HCR_EL2_VHE);
        return new Scenario(s.name() + "-" + regime.cliName(), s.description(), s.file(), regime, regs, s.ram(), s.segments(), s.placement(),
                s.tables(), s.codeSpec(), s.code());
    }

    static ScenarioRun prepare(Scenario s, DesignCode code) throws Exception {
        RelocationPlan plan = ScenarioBuilders.build(s.withCode(new ProgramCode.Resolved(code)));
        return ScenarioRun.prepare(plan);
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
        ScenarioRun run = prepare(upstream(), LinuxBuild.code("6.1"));
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
        ScenarioRun run = prepare(bootedIn(upstream(), Regime.EL1_0), LinuxBuild.code("6.1"));
        RunResult.Completed c = completesClean(run);
        assertEquals(1, c.el());
        assertTrue(c.exceptions().isEmpty(), c.exceptions()::toString);
    }

    @Test
    void withVheTheSameCodeRunsAtEl2AndItsEl1RegisterWritesReachTheEl2Registers() throws Exception {
        ScenarioRun run = prepare(bootedIn(upstream(), Regime.EL2_0), LinuxBuild.code("6.1"));
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
        ScenarioRun run = prepare(upstream(), LinuxBuild.code("6.12"));
        RunResult.Completed c = completesClean(run);
        assertEquals(2, c.el());
    }
}
