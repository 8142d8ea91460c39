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
        // every obligation smt decides, against the model's verdict for it (the model decides ENTRY_EL_PRESERVED too)
        List<Verdict> smt = engine.check(plan, false);
        java.util.Map<org.kexecverify.model.verdict.Obligation, Verdict> model = new java.util.EnumMap<>(org.kexecverify.model.verdict.Obligation.class);
        for (Verdict v : new ModelEngine().check(plan)) model.put(v.obligation(), v);
        assertEquals(SmtEngine.DECIDES.size(), smt.size());
        for (Verdict s : smt) {
            Verdict m = model.get(s.obligation());
            assertEquals(true, m != null, "model has no verdict for " + s.obligation());
            boolean noCode = plan.scenario().code().get().isEmpty() && s.obligation().readsProgram();
            assertTrue(!(s instanceof Verdict.Inconclusive) || noCode, file + " " + s.obligation() + ": smt inconclusive: " + s.explanation());
            assertEquals(m.outcome(), s.outcome(), file.getFileName() + " " + m.obligation() + "\n  model: " + m.explanation() + "\n  smt  : " + s.explanation());
        }
    }
}
