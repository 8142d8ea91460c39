package org.kexecverify.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.cli.Scenarios;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.tla.ScenarioAbstraction;
import org.kexecverify.tla.TlaEngine;
import org.kexecverify.tla.TlaInstance;
import org.kexecverify.tla.TlatoolsJar;
import org.kexecverify.tla.TlcRunner;

/**
 * A TLC child that dies before giving any result of TLC's own is run once more (TLC is deterministic): with a "java"
 * that exits at once on its first start, rfc-v2-el2's Termination is still REFUTED; a child that never runs stays
 * INCONCLUSIVE and names both failures.
 */
class TlcThatDiesWithoutAResultIsRunAgainTest {
    @Test
    void aFirstRunThatDiesIsRepeated(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("started-once");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path flaky = script(dir.resolve("flaky-java"), "if [ ! -e '" + marker + "' ]; then touch '" + marker + "'; exit 1; fi\nexec '" + java + "' \"$@\"");
        Path dead = script(dir.resolve("dead-java"), "exit 1");
        assertEquals(Verdict.Refuted.class, termination(dir.resolve("a"), flaky).getClass(), "the second run decides");
        assertTrue(Files.exists(marker), "the first start failed on purpose");
        Verdict never = termination(dir.resolve("b"), dead);
        assertTrue(never instanceof Verdict.Inconclusive && never.explanation().contains("run twice"), never.explanation());
    }

    private static Verdict termination(Path dir, Path java) throws Exception {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/rfc-v2-el2.yaml"));
        Files.createDirectories(dir);
        TlaInstance inst = TlaInstance.export(ScenarioAbstraction.of(plan, WalkOptions.DEFAULT).model(), dir, plan.scenario().name());
        TlcRunner runner = new TlcRunner(TlatoolsJar.locate().orElseThrow(), java);
        List<Verdict> vs = new TlaEngine(runner, Duration.ofSeconds(600), 1024).check(inst, EnumSet.of(Obligation.NO_HANG_AFTER_MMU_ON));
        assertEquals(1, vs.size(), vs.toString());
        return vs.get(0);
    }

    private static Path script(Path p, String body) throws Exception {
        Files.writeString(p, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }
}
