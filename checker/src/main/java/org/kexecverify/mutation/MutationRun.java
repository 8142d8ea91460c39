package org.kexecverify.mutation;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import org.kexecverify.engines.EngineRuns;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kexecverify.engines.Engine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;

/**
 * Runs every engine on a scenario and on each of its code's mutants, and says which obligations each mutant
 * makes REFUTED that the original design does not, in which engines.
 *
 * <pre>
 *   scenario (code resolved) --Mutants.of(code)--> mutant_1 .. mutant_n
 *        |                                          |
 *   engines(original) = baseline              engines(scenario.withCode(mutant_i))
 *        \______________ caught_i = refuted(mutant_i) \ refuted(baseline) ______/
 * </pre>
 */
public final class MutationRun {
    /** What one mutant did: obligation -> engines that refuted it (only obligations the original design does not fail). */
    public record Outcome(Mutant mutant, Map<Obligation, TreeSet<String>> caught, List<String> timedOut) {
        public Outcome(Mutant mutant, Map<Obligation, TreeSet<String>> caught) {
            this(mutant, caught, List.of());
        }

        /** {@code COHERENT_HANDOFF:emu,tla; NO_HANG_AFTER_MMU_ON:emu}, or {@code -} when nothing caught it. */
        public String caughtBy() {
            if (caught.isEmpty()) return "-";
            List<String> parts = new ArrayList<>();
            caught.forEach((o, es) -> parts.add(o.name() + ":" + String.join(",", es)));
            return String.join("; ", parts);
        }
    }

    /** The result for one scenario: the code's digest, the original design's own refutations, each mutant's outcome. */
    public record Result(String scenario, String codeSha256, Map<Obligation, TreeSet<String>> baseline, List<Outcome> mutants) {}

    private MutationRun() {}

    public static Result run(Scenario s, List<Engine> engines) throws ScenarioError {
        return run(s, engines, 1);
    }

    /**
     * Every mutant with every engine, {@code jobs} checks at a time ({@link EngineRuns}: an engine
     * that keeps state runs one check at a time). The outcome does not depend on {@code jobs}.
     */
    public static Result run(Scenario s, List<Engine> engines, int jobs) throws ScenarioError {
        DesignCode code = s.code().get().orElseThrow(() -> new IllegalArgumentException(s.file() + ": no code to mutate: " + s.code().reason()));
        List<Mutant> mutants = Mutants.of(code);
        List<RelocationPlan> plans = new ArrayList<>();
        plans.add(ScenarioBuilders.build(s));
        for (Mutant m : mutants) plans.add(ScenarioBuilders.build(s.withCode(new ProgramCode.Resolved(m.apply(code)))));
        List<List<CompletableFuture<EngineRuns.Timed>>> pending = new ArrayList<>();
        try (EngineRuns runs = new EngineRuns(engines, jobs)) {
            for (RelocationPlan p : plans) {
                List<CompletableFuture<EngineRuns.Timed>> fs = new ArrayList<>();
                for (Engine e : engines) fs.add(runs.submit(p, e));
                pending.add(fs);
            }
            List<String> baseTimeouts = new ArrayList<>();
            Map<Obligation, TreeSet<String>> base = refuted(engines, pending.get(0), baseTimeouts);
            if (!baseTimeouts.isEmpty()) throw new IllegalStateException(s.file() + ": the design itself timed out: " + baseTimeouts);
            List<Outcome> out = new ArrayList<>();
            for (int i = 0; i < mutants.size(); i++) {
                List<String> timeouts = new ArrayList<>();
                Map<Obligation, TreeSet<String>> r = refuted(engines, pending.get(i + 1), timeouts);
                Map<Obligation, TreeSet<String>> caught = new TreeMap<>();
                r.forEach((o, es) -> {
                    TreeSet<String> extra = new TreeSet<>(es);
                    if (base.containsKey(o)) extra.removeAll(base.get(o));
                    if (!extra.isEmpty()) caught.put(o, extra);
                });
                out.add(new Outcome(mutants.get(i), caught, timeouts));
            }
            return new Result(s.name(), code.entry().sha256(), base, out);
        }
    }

    static Map<Obligation, TreeSet<String>> refuted(List<Engine> engines, List<CompletableFuture<EngineRuns.Timed>> checks, List<String> timeouts) {
        Map<Obligation, TreeSet<String>> out = new EnumMap<>(Obligation.class);
        for (int i = 0; i < engines.size(); i++) {
            Engine e = engines.get(i);
            for (Verdict v : EngineRuns.join(checks.get(i))) {
                if (v instanceof Verdict.Refuted) out.computeIfAbsent(v.obligation(), k -> new TreeSet<>()).add(e.name());
                if (v instanceof Verdict.Inconclusive && v.explanation().contains("timed out")) timeouts.add(v.obligation() + ":" + e.name());
            }
        }
        return new TreeMap<>(out);
    }
}
