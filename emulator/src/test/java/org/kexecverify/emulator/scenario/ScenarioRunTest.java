package org.kexecverify.emulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.programs.Program;
import org.kexecverify.kernels.ResolvedScenarios;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;

/** The bundled scenarios run on the emulator: the 2019 RFC v2 at EL2 hangs in a fault loop, the v5.16 design hands off cleanly. */
class ScenarioRunTest {
    /** A bundled scenario with the code its {@code code:} section names, resolved as the checker resolves it. */
    static RelocationPlan plan(String name) throws Exception {
        return ScenarioBuilders.build(ResolvedScenarios.load(Path.of("..", "scenarios", name + ".yaml")));
    }

    /** The same layout running a project program instead of the scenario's own code. */
    static RelocationPlan plan(String name, Program program) throws Exception {
        Scenario s = ScenarioLoader.load(Path.of("..", "scenarios", name + ".yaml"));
        return ScenarioBuilders.build(s.withCode(new ProgramCode.Resolved(program.designCode())));
    }

    static ScenarioRun prepare(String name) throws Exception {
        return ScenarioRun.prepare(plan(name));
    }

    @Test
    void rfcV2El2ScenarioHangsAfterTheSctlrEl2Write() throws Exception {
        ScenarioRun run = prepare("rfc-v2-el2");
        ScenarioRun.Outcome o = run.run(50_000_000);
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, o.result(), () -> o + "\n" + run.machine().exceptions());
        assertEquals(RunResult.Hang.Kind.FAULT_LOOP, h.kind(), h.description());
        assertTrue(h.description().startsWith("instruction abort at EL2, PERMISSION level 3"), h.description());
        assertTrue(h.description().contains("bit 54"), h.description());
        assertEquals(0x80843510L, run.machine().sysReg(org.kexecverify.model.a64.SysRegId.TCR_EL2), "the program derived the seed TCR_EL2");
        assertEquals(0x30e5183fL, run.machine().sysReg(org.kexecverify.model.a64.SysRegId.SCTLR_EL2));
    }

    @Test
    void upstreamEl2ScenarioRelocatesAndEntersTheNewKernelAtEl2() throws Exception {
        ScenarioRun run = prepare("upstream-el2");
        ScenarioRun.Outcome o = run.run(200_000_000);
        RunResult.Completed c = assertInstanceOf(RunResult.Completed.class, o.result(), () -> o + "\n" + run.machine().exceptions());
        assertEquals(2, c.el());
        assertEquals(run.entry(), c.pc());
        assertTrue(o.clean(), o::toString);
        assertTrue(run.plan().list().copies().size() > 6000, "25 MB relocated");
    }
}
