package org.kexecverify.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.kexecverify.model.engine.ModelEngine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.verdict.Verdict;

/** The SMT engine and the model engine give the same outcome per obligation on every bundled scenario (its own placement). */
class BundledScenariosAgreeWithModelEngineTest {
    static SmtEngine engine;

    @BeforeAll
    static void open() { engine = new SmtEngine(SmtOptions.DEFAULT); }

    @AfterAll
    static void close() { engine.close(); }

    static Stream<Path> scenarios() throws Exception {
        Path dir = Path.of("..", "scenarios");
        if (!Files.isDirectory(dir)) return Stream.empty();
        List<Path> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            s.filter(p -> p.toString().endsWith(".yaml")).sorted().forEach(out::add);
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("scenarios")
    void sameOutcomes(Path file) throws Exception {
        RelocationPlan plan = ScenarioBuilders.build(org.kexecverify.kernels.ResolvedScenarios.load(file));
        List<Verdict> model = new ModelEngine().check(plan);
        List<Verdict> smt = engine.check(plan, false);
        assertEquals(model.size(), smt.size());
        for (int i = 0; i < model.size(); i++) {
            Verdict m = model.get(i);
            Verdict s = smt.get(i);
            assertEquals(m.obligation(), s.obligation());
            // inconclusive only where the scenario's code is missing (hibernate-resume names none), and then for model too
            boolean noCode = plan.scenario().code().get().isEmpty() && s.obligation().readsProgram();
            assertTrue(!(s instanceof Verdict.Inconclusive) || noCode, file + " " + s.obligation() + ": smt inconclusive: " + s.explanation());
            assertEquals(m.outcome(), s.outcome(), file.getFileName() + " " + m.obligation() + "\n  model: " + m.explanation() + "\n  smt  : " + s.explanation());
        }
    }
}
