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
 * the new kernel's first instruction) and tla (TLC on the invariant {@code EntryElPreserved == Done => el = BootEl} of
 * the instance derived from the code). By mutation it can fail: an nVHE scenario whose kimage->arch.el2_vectors is 0
 * branches to the new kernel at EL1, and every one of the three engines says so.
 */
class EntryElPreservedTest {

    static Verdict model(RelocationPlan plan) {
        return new ModelEngine().check(ProgramPlans.of(plan)).stream().filter(v -> v.obligation() == Obligation.ENTRY_EL_PRESERVED).findFirst().orElseThrow();
    }

    static Verdict emu(RelocationPlan plan) {
        return new EmuEngine().check(plan).stream().filter(v -> v.obligation() == Obligation.ENTRY_EL_PRESERVED).findFirst().orElseThrow();
    }

    static Verdict tla(RelocationPlan plan) {
        return new TlaEngineAdapter(org.kexecverify.model.walk.WalkOptions.DEFAULT, 600_000)
                .check(plan, java.util.EnumSet.of(Obligation.ENTRY_EL_PRESERVED)).get(0);
    }

    @ParameterizedTest(name = "{0}: model {1}, emu {2}, tla {3}")
    @CsvSource(delimiter = '|', value = {
            "rfc-v2-el2|PROVED|INCONCLUSIVE|PROVED",
            "rfc-v2-el1|PROVED|PROVED|PROVED",
            "rfc-v2-el2h|PROVED|INCONCLUSIVE|PROVED",
            "rfc-v2-el2-fixed|PROVED|PROVED|PROVED",
            "upstream-el2|PROVED|PROVED|PROVED",
            "upstream-el2h|PROVED|PROVED|PROVED",
            "upstream-el1|PROVED|PROVED|PROVED",
            "upstream-el2-trixie|PROVED|PROVED|PROVED",
            "hibernate-resume|INCONCLUSIVE|INCONCLUSIVE|INCONCLUSIVE",
            "upstream-el2-kimage-after-copy|PROVED|INCONCLUSIVE|PROVED",
            "upstream-el2-tables-ordinary|PROVED|INCONCLUSIVE|PROVED",
            "upstream-el2-dc-ivac|PROVED|PROVED|PROVED",
    })
    void bundledScenario(String name, String model, String emu, String tla) {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/" + name + ".yaml"));
        Verdict m = model(plan);
        Verdict e = emu(plan);
        Verdict t = tla(plan);
        String both = "\n  model " + m.outcome() + ": " + m.explanation() + "\n  emu   " + e.outcome() + ": " + e.explanation()
                + "\n  tla   " + t.outcome() + ": " + t.explanation();
        System.out.println(name + both);
        assertEquals(model, m.outcome(), both);
        assertEquals(emu, e.outcome(), both);
        assertEquals(tla, t.outcome(), both);
    }

    @Test
    void el2VectorsZeroInAnNvheScenarioEntersTheNewKernelAtEl1() {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/upstream-el2.yaml"));
        DesignCode code = ((ProgramCode.Resolved) plan.scenario().code()).code();
        long kimage = plan.scenario().placement().kimage();
        plan.memory().write64(kimage + code.offsets().el2Vectors(), 0);
        Verdict m = model(plan);
        Verdict e = emu(plan);
        Verdict t = tla(plan);
        String both = "\n  model " + m.outcome() + ": " + m.explanation() + "\n  emu   " + e.outcome() + ": " + e.explanation()
                + "\n  tla   " + t.outcome() + ": " + t.explanation();
        assertInstanceOf(Verdict.Refuted.class, m, both);
        assertInstanceOf(Verdict.Refuted.class, t, both);
        assertTrue(t.explanation().contains("entered at EL1 after a boot at EL2"), both);
        assertInstanceOf(Verdict.Refuted.class, e, both);
        assertEquals(1L, ((Verdict.Refuted) e).counterexample().witness().get("entryEl"), both);
        assertEquals(1L, ((Verdict.Refuted) m).counterexample().witness().get("entryEl"), both);
        assertTrue(m.explanation().contains("KIMAGE_ARCH_EL2_VECTORS = 0x0"), both);
    }
}
