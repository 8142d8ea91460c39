package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kexecverify.cache.Canonical;
import org.kexecverify.engines.ModelEngineAdapter;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;

/**
 * The emulator replay of a refutation runs on its own copy of memory: the plan the report's walk
 * pictures and the results cache read afterwards is the plan the engines proved (a replay that ran
 * on the plan itself left copied pages over the tables, and the report drew a clobbered L0 table).
 */
class ReplayLeavesThePlanAsItWasTest {
    @Test
    void replayDoesNotWriteThePlansMemory() throws Exception {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/upstream-el2-kimage-after-copy.yaml"));
        List<Verdict> vs = new ModelEngineAdapter(WalkOptions.DEFAULT, org.kexecverify.model.progress.Progress.NONE).check(plan);
        assertTrue(vs.stream().anyMatch(v -> v instanceof Verdict.Refuted), vs::toString);
        String before = Canonical.sha256(plan);
        EmulatorReplay.Result r = EmulatorReplay.replay(plan, vs);
        assertTrue(r.notes().values().stream().anyMatch(n -> n.contains("CONFIRMED")), r::toString);
        assertEquals(before, Canonical.sha256(plan), "the replay changed the plan's memory");
    }
}
