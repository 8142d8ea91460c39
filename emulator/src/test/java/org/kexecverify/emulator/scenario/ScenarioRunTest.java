package org.kexecverify.emulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.programs.Program;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;

/** The bundled scenarios run on the emulator: the 2019 RFC v2 at EL2 hangs in a fault loop, the v5.16 design hands off cleanly. */
class ScenarioRunTest {
    /**
     * The project program each bundled scenario runs until the scenarios carry their own {@code code:} section
     * (this table is what those sections will say; the emulator itself never chooses code by name).
     */
    static Program projectCode(String scenario) {
        return switch (scenario) {
            case "upstream-el2-dc-ivac" -> Program.UPSTREAM_V5_16_DC_IVAC;
            case "upstream-el2-kimage-after-copy" -> Program.UPSTREAM_V5_16_KIMAGE_AFTER_COPY;
            default -> scenario.startsWith("rfc-v2") ? Program.RFC_V2_EL2 : Program.UPSTREAM_V5_16;
        };
    }

    static RelocationPlan plan(String name) throws Exception {
        return plan(name, projectCode(name));
    }

    static RelocationPlan plan(String name, Program program) throws Exception {
        Scenario s = load(name);
        return ScenarioBuilders.build(s.withCode(new ProgramCode.Resolved(program.designCode())));
    }
    /**
     * The bundled scenario's text with the retired {@code kimage_reads} / {@code dcache_op} options dropped (the code
     * now decides both; the files still carry them until their {@code code:} sections land).
     */
    static Scenario load(String name) throws Exception {
        Path f = Path.of("..", "scenarios", name + ".yaml");
        String text = java.nio.file.Files.readString(f).replaceAll("(?m)^\\s*(kimage_reads|dcache_op):.*\\R", "")
                .replaceAll("(?m)^  options:\\s*\\R(?!    )", "");
        return ScenarioLoader.parse(f.toString(), text);
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
