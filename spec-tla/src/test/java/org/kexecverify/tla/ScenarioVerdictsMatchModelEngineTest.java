package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kexecverify.model.engine.ModelEngine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;

/**
 * The abstraction maps each bundled scenario's concrete walks and copies to the verdicts the
 * model engine reaches page by page: TLC on the exported instance (its ASSUME checks every
 * exported leaf against the Java walk) decides NO_CLOBBER and VECTORS_EXECUTABLE as
 * {@link ModelEngine} does on the full plan.
 */
class ScenarioVerdictsMatchModelEngineTest {

    static Stream<Path> scenarios() throws Exception {
        return ScenarioPagesMergeExactlyTest.scenariosWithCode();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void tlaAgreesWithTheModelEngine(Path file, @TempDir Path dir) throws Exception {
        RelocationPlan plan = ProjectPrograms.planWithCode(file);
        Map<Obligation, String> model = new ModelEngine().check(plan).stream()
                .collect(Collectors.toMap(Verdict::obligation, Verdict::outcome));
        TlaInstance inst = TlaInstance.export(ScenarioAbstraction.of(plan, WalkOptions.DEFAULT).model(), dir, plan.scenario().name());
        List<Verdict> tla = new TlaEngine(TlcRunner.located(), Duration.ofSeconds(300), 512)
                .check(inst, EnumSet.of(Obligation.NO_CLOBBER, Obligation.VECTORS_EXECUTABLE));
        String all = tla.stream().map(v -> v.obligation() + " " + v.outcome() + ": " + v.explanation()).collect(Collectors.joining("\n"));
        for (Verdict v : tla) {
            assertEquals(model.get(v.obligation()), v.outcome(), () -> file + ": tla vs model on " + v.obligation() + "\n" + all
                    + (v instanceof Verdict.Refuted ref ? "\n" + ref.counterexample().states().stream()
                    .map(s -> s.action() + " / " + s.source()).collect(Collectors.joining("\n")) : ""));
        }
        assertEquals(2, tla.size(), all);
        Files.deleteIfExists(dir.resolve("states"));
    }
}
