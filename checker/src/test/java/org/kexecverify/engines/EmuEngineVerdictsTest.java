package org.kexecverify.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kexecverify.kernels.ResolvedScenarios;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;

/** The emu engine's verdicts come from what the machine did on the bundled scenarios, and agree with the model engine. */
class EmuEngineVerdictsTest {
    /** A bundled scenario with the code its {@code code:} section names, resolved as the checker resolves it. */
    static RelocationPlan plan(String name) throws Exception {
        return ScenarioBuilders.build(ResolvedScenarios.load(Path.of("..", "scenarios", name + ".yaml")));
    }

    static Map<Obligation, Verdict> emu(RelocationPlan plan) {
        Map<Obligation, Verdict> m = new EnumMap<>(Obligation.class);
        for (Verdict v : new EmuEngine().check(plan)) m.put(v.obligation(), v);
        assertEquals(EmuEngine.DECIDES, m.keySet());
        return m;
    }

    @Test
    void rfcV2El2FaultLoopRefutesIdmapAndVectorsWithTheFetchAddresses() throws Exception {
        Map<Obligation, Verdict> v = emu(plan("rfc-v2-el2"));
        Verdict.Refuted idmap = assertInstanceOf(Verdict.Refuted.class, v.get(Obligation.IDMAP_COVERS_CODE), () -> v.toString());
        // the instruction after the MMU-on msr sctlr_el2 (ic iallu at +0xb4 of the project RFC v2 program)
        assertEquals(0x1b306a0b4L, idmap.counterexample().witness().get("va"), idmap::explanation);
        assertEquals("fetch", idmap.counterexample().witness().get("access"));
        assertTrue(idmap.explanation().contains("bit 54"), idmap::explanation);
        Verdict.Refuted vec = assertInstanceOf(Verdict.Refuted.class, v.get(Obligation.VECTORS_EXECUTABLE), () -> v.toString());
        assertEquals(0x40090a00L, vec.counterexample().witness().get("va"), vec::explanation);
        assertInstanceOf(Verdict.Refuted.class, v.get(Obligation.NO_HANG_AFTER_MMU_ON));
        // the run never reached the copy loop: nothing about data, clobbering or the hand-off is claimed
        assertInstanceOf(Verdict.Inconclusive.class, v.get(Obligation.DATA_ACCESSIBLE));
        assertInstanceOf(Verdict.Inconclusive.class, v.get(Obligation.NO_CLOBBER));
        assertInstanceOf(Verdict.Inconclusive.class, v.get(Obligation.COHERENT_HANDOFF));
    }

    @Test
    void upstreamEl2CleanRunProvesOnlyForThisRun() throws Exception {
        Map<Obligation, Verdict> v = emu(plan("upstream-el2"));
        for (Verdict x : v.values()) {
            assertInstanceOf(Verdict.Proved.class, x, x::explanation);
            assertTrue(x.explanation().contains("this run only"), x::explanation);
            assertTrue(x.stats().checked() > 6_000_000, x.stats()::toString);
        }
    }

    @Test
    void kimageReadAfterCopyIsChargedToNoClobber() throws Exception {
        Map<Obligation, Verdict> v = emu(plan("upstream-el2-kimage-after-copy"));
        Verdict.Refuted nc = assertInstanceOf(Verdict.Refuted.class, v.get(Obligation.NO_CLOBBER), () -> v.toString());
        assertEquals("struct kimage", nc.counterexample().witness().get("clobbered"), nc::explanation);
        assertEquals(0x48200008L, nc.counterexample().witness().get("pa"), nc::explanation);
        // the vector fault loop that follows comes from the garbage entry point, not from the design's vectors
        assertInstanceOf(Verdict.Inconclusive.class, v.get(Obligation.VECTORS_EXECUTABLE), () -> v.get(Obligation.VECTORS_EXECUTABLE).explanation());
        assertInstanceOf(Verdict.Inconclusive.class, v.get(Obligation.IDMAP_COVERS_CODE));
    }

    @Test
    void tablesInADestinationAreSeenByTheTableWalk() throws Exception {
        Map<Obligation, Verdict> v = emu(plan("upstream-el2-tables-ordinary"));
        Verdict.Refuted nc = assertInstanceOf(Verdict.Refuted.class, v.get(Obligation.NO_CLOBBER), () -> v.toString());
        assertTrue(nc.explanation().contains("table walk"), nc::explanation);
        assertInstanceOf(Verdict.Inconclusive.class, v.get(Obligation.DATA_ACCESSIBLE), () -> v.get(Obligation.DATA_ACCESSIBLE).explanation());
        assertInstanceOf(Verdict.Inconclusive.class, v.get(Obligation.TLB_CLEAN_BEFORE_ENABLE));
    }

    @Test
    void scenariosWithoutCodeAreInconclusiveNeverProved() throws Exception {
        for (String s : List.of("hibernate-resume", "upstream-el2")) {
            RelocationPlan p = ScenarioBuilders.build(ScenarioLoader.load(Path.of("..", "scenarios", s + ".yaml")));
            for (Verdict x : emu(p).values()) {
                assertInstanceOf(Verdict.Inconclusive.class, x, () -> s + ": " + x.explanation());
                assertTrue(x.explanation().startsWith("not run on the emulator: no machine code to run: "), x::explanation);
            }
        }
    }

    /** RFC v2's hand-off is decided from what its set/way loop does to the caches, no longer INCONCLUSIVE by its name. */
    @Test
    void rfcV2CoherentHandoffIsRefutedByDirtyLinesLeftInL2() throws Exception {
        for (String s : List.of("rfc-v2-el2-fixed", "rfc-v2-el1")) {
            Verdict c = emu(plan(s)).get(Obligation.COHERENT_HANDOFF);
            Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, c, () -> s + ": " + c.explanation());
            assertTrue(r.explanation().contains("dirty D-cache lines over destinations at the hand-off, by level: L1 0 L2 "), r::explanation);
        }
    }

    @Test
    void dcIvacAfterTheCacheableCopyRefutesCoherentHandoff() throws Exception {
        Verdict c = emu(plan("upstream-el2-dc-ivac")).get(Obligation.COHERENT_HANDOFF);
        Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, c, c::explanation);
        assertTrue(r.explanation().contains("destination page(s) differ from their sources"), r::explanation);
    }

    @Test
    void emuAndModelNeverDisagreeOnTheBundledScenarios() throws Exception {
        for (String s : List.of("rfc-v2-el2", "rfc-v2-el2-fixed", "rfc-v2-el1", "rfc-v2-el2h", "upstream-el2", "upstream-el2h", "upstream-el1",
                "upstream-el2-trixie", "upstream-el2-dc-ivac", "upstream-el2-kimage-after-copy", "upstream-el2-tables-ordinary")) {
            RelocationPlan p = plan(s);
            Map<Obligation, Verdict> emu = emu(p);
            for (Verdict m : new ModelEngineAdapter(WalkOptions.DEFAULT, org.kexecverify.model.progress.Progress.NONE).check(p)) {
                Verdict e = emu.get(m.obligation());
                if (e == null || e instanceof Verdict.Inconclusive || m instanceof Verdict.Inconclusive) continue;
                assertEquals(m.outcome(), e.outcome(), () -> s + " " + m.obligation() + ": model " + m.explanation() + "\nemu " + e.explanation());
            }
        }
    }

    @Test
    void theEngineLeavesThePlanMemoryAsItFoundIt() throws Exception {
        RelocationPlan p = plan("upstream-el2");
        long before = p.memory().read64(0x40080000L);
        int pages = p.memory().pagesTouched();
        new EmuEngine().check(p);
        assertEquals(before, p.memory().read64(0x40080000L));
        assertEquals(pages, p.memory().pagesTouched());
    }
}
