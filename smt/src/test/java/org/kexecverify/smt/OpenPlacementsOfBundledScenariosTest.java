package org.kexecverify.smt;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.verdict.Verdict;

/**
 * NO_CLOBBER over every placement the allocator allows: the v5.16 design (kimage read before the
 * first copy) holds for all of them; reading kimage fields during the copy loop (eb3d8ea3e1f0) fails
 * for some placement even when the scenario's own kimage sits outside every destination.
 */
class OpenPlacementsOfBundledScenariosTest {
    static SmtEngine engine;

    @BeforeAll
    static void open() { engine = new SmtEngine(SmtOptions.DEFAULT); }

    @AfterAll
    static void close() { engine.close(); }

    static RelocationPlan plan(String name) throws Exception {
        Path f = Path.of("..", "scenarios", name + ".yaml");
        assumeTrue(Files.isRegularFile(f), "bundled scenario " + f + " not present");
        return ScenarioBuilders.build(org.kexecverify.kernels.ResolvedScenarios.load(f));
    }

    static Verdict noClobber(RelocationPlan p, boolean open) {
        List<Verdict> vs = engine.check(p, open);
        return vs.get(vs.size() - 1);
    }

    @Test
    void upstreamDesignHoldsForEveryPlacement() throws Exception {
        Verdict v = noClobber(plan("upstream-el2"), true);
        assertInstanceOf(Verdict.Proved.class, v, v.explanation());
    }

    @Test
    void kimageReadDuringTheCopyLoopIsClobberedForSomePlacement() throws Exception {
        Verdict v = noClobber(plan("upstream-el2-kimage-after-copy"), true);
        assertInstanceOf(Verdict.Refuted.class, v, v.explanation());
    }
}
