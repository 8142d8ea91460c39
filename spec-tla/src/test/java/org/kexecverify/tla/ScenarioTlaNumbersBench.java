package org.kexecverify.tla;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;

/**
 * Not a unit test (run with {@code -Dtest=ScenarioTlaNumbersBench}): the tla engine on every bundled
 * scenario, every obligation; prints verdict, distinct states and milliseconds per obligation to
 * {@code target/tla-numbers.txt}. Speed is measured, not asserted.
 */
class ScenarioTlaNumbersBench {
    @Test
    void printNumbers() throws Exception {
        StringBuilder out = new StringBuilder();
        for (Path file : ScenarioPagesMergeExactlyTest.scenarios().toList()) {
            RelocationPlan plan = ProjectPrograms.planWithCode(file);
            Path dir = Files.createTempDirectory("tla-numbers");
            String line;
            try {
                TlaInstance inst = TlaInstance.export(ScenarioAbstraction.of(plan, WalkOptions.DEFAULT).model(), dir, plan.scenario().name());
                long t0 = System.nanoTime();
                List<Verdict> vs = new TlaEngine(TlcRunner.located(), Duration.ofSeconds(300), 1024).check(inst, EnumSet.allOf(Obligation.class));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                StringBuilder b = new StringBuilder(String.format("%-34s total %6d ms", file.getFileName(), ms));
                for (Verdict v : vs) {
                    b.append(String.format("%n    %-24s %-12s %8d states %7d ms", v.obligation(), v.outcome(), v.stats().checked(), v.stats().millis()));
                }
                line = b.toString();
            } catch (Exception e) {
                line = String.format("%-34s %s", file.getFileName(), e);
            }
            System.out.println(line);
            out.append(line).append('\n');
        }
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "tla-numbers.txt"), out.toString());
    }
}
