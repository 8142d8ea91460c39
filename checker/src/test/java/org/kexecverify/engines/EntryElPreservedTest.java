package org.kexecverify.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.kexecverify.cli.Scenarios;
import org.kexecverify.model.engine.ModelEngine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;

/**
 * ENTRY_EL_PRESERVED ("the new kernel starts at the EL the old one booted at") on every bundled scenario, by the model
 * engine (the code's exits the struct's values allow, against the scenario's boot regime) and the emulator (the EL at
 * the new kernel's first instruction); smt and tla answer INCONCLUSIVE with their reason. By mutation it can fail: an
 * nVHE scenario whose kimage->arch.el2_vectors is 0 branches to the new kernel at EL1.
 */
class EntryElPreservedTest {

    static Verdict model(RelocationPlan plan) {
        return new ModelEngine().check(ProgramPlans.of(plan)).stream().filter(v -> v.obligation() == Obligation.ENTRY_EL_PRESERVED).findFirst().orElseThrow();
    }

    static Verdict emu(RelocationPlan plan) {
        return new EmuEngine().check(plan).stream().filter(v -> v.obligation() == Obligation.ENTRY_EL_PRESERVED).findFirst().orElseThrow();
    }

    @ParameterizedTest(name = "{0}: model {1}, emu {2}")
    @CsvSource(delimiter = '|', value = {
            "rfc-v2-el2|PROVED|INCONCLUSIVE",
            "rfc-v2-el1|PROVED|PROVED",
            "rfc-v2-el2h|PROVED|INCONCLUSIVE",
            "rfc-v2-el2-fixed|PROVED|PROVED",
            "upstream-el2|PROVED|PROVED",
            "upstream-el2h|PROVED|PROVED",
            "upstream-el1|PROVED|PROVED",
            "upstream-el2-trixie|PROVED|PROVED",
            "hibernate-resume|INCONCLUSIVE|INCONCLUSIVE",
            "upstream-el2-kimage-after-copy|PROVED|INCONCLUSIVE",
            "upstream-el2-tables-ordinary|PROVED|INCONCLUSIVE",
            "upstream-el2-dc-ivac|PROVED|PROVED",
    })
    void bundledScenario(String name, String model, String emu) {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/" + name + ".yaml"));
        Verdict m = model(plan);
        Verdict e = emu(plan);
        String both = "\n  model " + m.outcome() + ": " + m.explanation() + "\n  emu   " + e.outcome() + ": " + e.explanation();
        System.out.println(name + both);
        assertEquals(model, m.outcome(), both);
        assertEquals(emu, e.outcome(), both);
    }

    @Test
    void el2VectorsZeroInAnNvheScenarioEntersTheNewKernelAtEl1() {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/upstream-el2.yaml"));
        DesignCode code = ((ProgramCode.Resolved) plan.scenario().code()).code();
        long kimage = plan.scenario().placement().kimage();
        plan.memory().write64(kimage + code.offsets().el2Vectors(), 0);
        Verdict m = model(plan);
        Verdict e = emu(plan);
        String both = "\n  model " + m.outcome() + ": " + m.explanation() + "\n  emu   " + e.outcome() + ": " + e.explanation();
        assertInstanceOf(Verdict.Refuted.class, m, both);
        assertInstanceOf(Verdict.Refuted.class, e, both);
        assertEquals(1L, ((Verdict.Refuted) e).counterexample().witness().get("entryEl"), both);
        assertEquals(1L, ((Verdict.Refuted) m).counterexample().witness().get("entryEl"), both);
        assertTrue(m.explanation().contains("KIMAGE_ARCH_EL2_VECTORS = 0x0"), both);
    }
}
