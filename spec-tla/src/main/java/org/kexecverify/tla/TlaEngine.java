package org.kexecverify.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;

/**
 * The {@code tla} engine: decides obligations by running TLC on a {@link TlaInstance}, in two runs.
 *
 * <pre>
 *   NAME_Safety.cfg       INVARIANTS TypeOK NoClobber NoExceptionLoop EntryElPreserved
 *                                    TLBCleanBeforeEnable CoherentHandoff
 *                         ModelDataEnv = TRUE, CacheChoices = {{d} : d \in DestPages}
 *   NAME_Termination.cfg  PROPERTY Termination (&lt;&gt;Done, weak fairness of the PE)
 *                         ModelDataEnv = FALSE, CacheChoices = {{}}
 * </pre>
 *
 * Why the safety run decides each invariant of the full model (KexecRelocation.tla): no PE step
 * reads the TLB or the cache variables, so the reachable values of every other variable are the
 * same with or without the environment's speculative TLB fills and cache activity, and the same
 * for every choice of modelled cache lines. NoClobber, NoExceptionLoop, EntryElPreserved and
 * TLBCleanBeforeEnable read none of the cache variables. CoherentHandoff is a conjunction over
 * destination pages and the cache variables of page d change only in steps that name d, so it
 * holds iff it holds with each page's line modelled alone: Init picks one page, and the run is the
 * disjoint union of the one-page models (a state space that grows with the sum of the pages' cache
 * states, where modelling them together would grow with their product). When TLC reports one
 * invariant violated, the others are checked again without it. Only the obligations asked for
 * are checked; the data environment is left out when neither TLB_CLEAN_BEFORE_ENABLE nor
 * COHERENT_HANDOFF is asked for.
 *
 * <p>Every run also checks TypeOK; a TypeOK violation, a TLC error, a timeout or an out-of-memory
 * is {@link Verdict.Inconclusive}, never {@link Verdict.Proved}.
 */
public final class TlaEngine {
    /** What each decided obligation is checked as. */
    public static final Map<Obligation, String> PROPERTIES;

    static {
        Map<Obligation, String> m = new EnumMap<>(Obligation.class);
        m.put(Obligation.NO_CLOBBER, "NoClobber");
        m.put(Obligation.VECTORS_EXECUTABLE, "NoExceptionLoop");
        m.put(Obligation.ENTRY_EL_PRESERVED, "EntryElPreserved");
        m.put(Obligation.COHERENT_HANDOFF, "CoherentHandoff");
        m.put(Obligation.TLB_CLEAN_BEFORE_ENABLE, "TLBCleanBeforeEnable");
        m.put(Obligation.NO_HANG_AFTER_MMU_ON, "Termination");
        PROPERTIES = java.util.Collections.unmodifiableMap(m);
    }

    private final TlcRunner runner;
    private final Duration timeout;
    private final int heapMb;

    public TlaEngine(TlcRunner runner, Duration timeout, int heapMb) {
        this.runner = runner;
        this.timeout = timeout;
        this.heapMb = heapMb;
    }

    /**
     * One TLC configuration derived from the instance's safety configuration.
     *
     * @param name        file name of the configuration
     * @param dataEnv     ModelDataEnv
     * @param choices     CacheChoices: the sets of destination pages whose lines Init may pick
     * @param invariants  invariants checked besides TypeOK (empty for the liveness run)
     * @param temporal    checks PROPERTY Termination instead
     */
    public record Check(String name, boolean dataEnv, List<List<Integer>> choices, List<String> invariants, boolean temporal) {
        public Check {
            choices = choices.stream().map(List::copyOf).toList();
            invariants = List.copyOf(invariants);
        }

        String text(String baseCfg) {
            StringBuilder b = new StringBuilder();
            for (String line : baseCfg.split("\n", -1)) {
                String t = line.strip();
                if (t.startsWith("INVARIANT") || t.startsWith("PROPERTY")) continue;
                if (t.startsWith("ModelDataEnv =")) line = "  ModelDataEnv = " + (dataEnv ? "TRUE" : "FALSE");
                if (t.startsWith("CacheChoices =")) {
                    line = "  CacheChoices = {" + choices.stream().map(c -> "{" + c.stream().map(String::valueOf)
                            .collect(Collectors.joining(", ")) + "}").collect(Collectors.joining(", ")) + "}";
                }
                b.append(line).append('\n');
            }
            String check = temporal ? "PROPERTY Termination" : "INVARIANTS TypeOK " + String.join(" ", invariants);
            return b.toString().stripTrailing() + "\n" + check + "\n";
        }
    }

    /** The configurations that decide {@code requested} on {@code inst}, in the order they are run. */
    public static List<Check> plan(TlaInstance inst, Set<Obligation> requested) {
        List<Check> out = new ArrayList<>();
        List<String> safety = new ArrayList<>();
        for (Obligation ob : List.of(Obligation.NO_CLOBBER, Obligation.VECTORS_EXECUTABLE, Obligation.ENTRY_EL_PRESERVED,
                Obligation.TLB_CLEAN_BEFORE_ENABLE, Obligation.COHERENT_HANDOFF)) {
            if (requested.contains(ob)) safety.add(PROPERTIES.get(ob));
        }
        String m = inst.module();
        if (!safety.isEmpty()) {
            boolean coherent = requested.contains(Obligation.COHERENT_HANDOFF);
            boolean dataEnv = coherent || requested.contains(Obligation.TLB_CLEAN_BEFORE_ENABLE);
            List<List<Integer>> choices = new ArrayList<>();
            if (coherent) for (int d : inst.destPages()) choices.add(List.of(d));
            if (choices.isEmpty()) choices.add(List.of());
            out.add(new Check(m + "_Safety.cfg", dataEnv, choices, safety, false));
        }
        if (requested.contains(Obligation.NO_HANG_AFTER_MMU_ON)) {
            out.add(new Check(m + "_Termination.cfg", false, List.of(List.of()), List.of(), true));
        }
        return out;
    }

    /** Writes every configuration of {@link #plan} next to the instance (for plain TLC runs). */
    public static List<Check> writeConfigs(TlaInstance inst, Set<Obligation> requested) throws IOException {
        String base = Files.readString(inst.dir().resolve(inst.safetyConfig()), StandardCharsets.UTF_8);
        List<Check> checks = plan(inst, requested);
        for (Check c : checks) Files.writeString(inst.dir().resolve(c.name()), c.text(base), StandardCharsets.UTF_8);
        return checks;
    }

    /** What TLC said about one property in one configuration. */
    private record Outcome(String property, Check check, TlcResult result) {}

    /** Verdicts for the requested obligations this engine decides, in {@link Obligation} order. */
    public List<Verdict> check(TlaInstance inst, Set<Obligation> requested) {
        List<Check> checks;
        try {
            checks = writeConfigs(inst, requested);
        } catch (IOException ex) {
            List<Verdict> out = new ArrayList<>();
            for (Obligation ob : PROPERTIES.keySet()) {
                if (requested.contains(ob)) {
                    out.add(new Verdict.Inconclusive(ob, "could not write the TLC configuration: " + ex.getMessage(),
                            new Stats("tla", 0, 0, "distinct states")));
                }
            }
            return out;
        }
        Map<String, List<Outcome>> by = new LinkedHashMap<>();
        for (Check c : checks) {
            for (Outcome o : run(inst, c)) by.computeIfAbsent(o.property(), k -> new ArrayList<>()).add(o);
        }
        List<Verdict> out = new ArrayList<>();
        for (Map.Entry<Obligation, String> e : PROPERTIES.entrySet()) {
            if (requested.contains(e.getKey())) out.add(verdict(inst, e.getKey(), e.getValue(), by.getOrDefault(e.getValue(), List.of())));
        }
        return out;
    }

    /** Runs one configuration; a violated invariant is taken out and the rest checked again. */
    private List<Outcome> run(TlaInstance inst, Check c) {
        List<Outcome> out = new ArrayList<>();
        List<String> left = new ArrayList<>(c.temporal() ? List.of("Termination") : c.invariants());
        Check cur = c;
        while (!left.isEmpty()) {
            if (cur != c) {
                try {
                    String base = Files.readString(inst.dir().resolve(inst.safetyConfig()), StandardCharsets.UTF_8);
                    Files.writeString(inst.dir().resolve(cur.name()), cur.text(base), StandardCharsets.UTF_8);
                } catch (IOException ex) {
                    TlcResult f = new TlcResult.Failure("could not write " + cur.name() + ": " + ex.getMessage(),
                            new TlcStats(-1, -1, -1, 0, -1));
                    for (String p : left) out.add(new Outcome(p, cur, f));
                    return out;
                }
            }
            TlcResult r = runTlc(inst, cur);
            if (r instanceof TlcResult.Violation v) {
                String hit = c.temporal() && v.kind() == TlcResult.Violation.Kind.TEMPORAL ? "Termination" : v.property();
                if (left.contains(hit)) {
                    out.add(new Outcome(hit, cur, r));
                    left.remove(hit);
                    if (left.isEmpty()) break;
                    cur = new Check(c.name().replace(".cfg", "_without" + hit + ".cfg"), c.dataEnv(), c.choices(), left, false);
                    continue;
                }
            }
            for (String p : left) out.add(new Outcome(p, cur, r));
            break;
        }
        return out;
    }

    /**
     * One TLC run of {@code c}. TLC is deterministic (-workers 1, -fp 1), so a run that ended without any result of
     * TLC's own (the child died, its output was cut or unreadable) is run once more; a timeout, an interruption, an
     * out-of-memory or an error TLC itself reported is not (except parse failure 3002, see {@link #retried}), and a second failure is reported with both reasons.
     */
    private TlcResult runTlc(TlaInstance inst, Check c) {
        TlcJob job = new TlcJob(inst.dir(), inst.module(), c.name(), timeout, heapMb, 1, "Termination");
        TlcResult r = runner.run(job).result();
        if (r instanceof TlcResult.Failure f && retried(f.reason())) {
            TlcResult again = runner.run(job).result();
            if (again instanceof TlcResult.Failure f2) {
                return new TlcResult.Failure(f2.reason() + " (run twice; the first run: " + f.reason() + ")", f2.stats());
            }
            return again;
        }
        return r;
    }

    /** Failures without a result of TLC's own: the ones a second run may not repeat. */
    static boolean retried(String reason) {
        // 3002 (parsing failed) has been seen once in a CI run on a module the same check had just parsed and run:
        // not a property of the module, so it is repeated too (a real parse error fails twice and says so)
        return reason.startsWith("TLC error 3002:") || reason.startsWith("TLC ended (exit") || reason.startsWith("unreadable TLC trace") || reason.startsWith("TLC reported success")
                || reason.startsWith("TLC reported a violation") || reason.startsWith("could not run TLC");
    }

    private Verdict verdict(TlaInstance inst, Obligation ob, String property, List<Outcome> outcomes) {
        long millis = 0;
        long states = 0;
        for (Outcome o : outcomes) {
            millis += Math.max(0, o.result().stats().millis());
            states += Math.max(0, o.result().stats().distinctStates());
        }
        Stats stats = new Stats("tla", millis, states, "distinct states");
        boolean temporal = property.equals("Termination");
        if (outcomes.isEmpty()) return new Verdict.Inconclusive(ob, "TLC was not run for " + property, stats);
        for (Outcome o : outcomes) {
            if (o.result() instanceof TlcResult.Violation v && (v.property().equals(property)
                    || (temporal && v.kind() == TlcResult.Violation.Kind.TEMPORAL))) {
                return new Verdict.Refuted(ob, explain(v, property, o.check()), counterexample(inst, ob, v, o.check().name()), stats);
            }
        }
        for (Outcome o : outcomes) {
            if (o.result() instanceof TlcResult.Failure f) {
                return new Verdict.Inconclusive(ob, "TLC did not decide " + property + " (" + o.check().name() + "): " + f.reason(), stats);
            }
            if (o.result() instanceof TlcResult.Violation v) {
                return new Verdict.Inconclusive(ob, "TLC stopped on " + v.property() + " before deciding " + property
                        + " (" + o.check().name() + ", last step: " + v.trace().last().kernelStep() + ")", stats);
            }
        }
        String scope = property.equals("CoherentHandoff") && inst.destPages().size() > 1
                ? " (each of the " + inst.destPages().size() + " destination pages' cache lines modelled in turn)" : "";
        return new Verdict.Proved(ob, "TLC explored all " + states + " distinct states of " + inst.module()
                + " (every order the architecture allows, every open placement of the instance): " + property
                + (temporal ? " holds under weak fairness of the PE" : " holds in every state") + scope, stats);
    }

    private static String explain(TlcResult.Violation v, String property, Check c) {
        TlcState last = v.trace().last();
        StringBuilder b = new StringBuilder(property).append(" fails");
        Object k = last.vars().get("kimagePage");
        Object t = last.vars().get("tablePage");
        if (k != null) b.append(" with struct kimage at page ").append(k);
        if (t != null && !Long.valueOf(0).equals(t)) b.append(k != null ? ", " : " with ").append("tables at page ").append(t);
        if (property.equals("EntryElPreserved")) {
            // TypeOK keeps el and BootEl in {1, 2}: when they differ, the boot EL is the other one
            Object el = last.vars().get("el");
            b.append(": the new kernel is entered at EL").append(el).append(" after a boot at EL").append(Long.valueOf(1).equals(el) ? 2 : 1);
        }
        if (property.equals("CoherentHandoff")) {
            Object page = onlyPage(last.vars().get("mem"));
            if (page != null) b.append(", destination page ").append(page);
        }
        b.append(": after ").append(v.trace().states().size() - 1).append(" steps, last ").append(last.kernelStep());
        if (v.trace().isLasso()) b.append("; then repeats forever from state ").append(v.trace().loop());
        return b.toString();
    }

    /** The one destination page whose line a behaviour models: mem is {@code (d :> v)}, or {@code <<v>>} for page 1. */
    private static Object onlyPage(Object mem) {
        if (mem instanceof List<?> seq && seq.size() == 1) return 1L;
        if (mem instanceof Map<?, ?> f && f.get("#map") instanceof List<?> pairs && pairs.size() == 1
                && pairs.get(0) instanceof List<?> kv && kv.size() == 2) {
            return kv.get(0);
        }
        return null;
    }

    private static Counterexample counterexample(TlaInstance inst, Obligation ob, TlcResult.Violation v, String cfg) {
        List<Counterexample.State> states = new ArrayList<>();
        for (TlcState s : v.trace().states()) states.add(new Counterexample.State(s.action(), s.kernelStep(), s.vars()));
        Map<String, Object> witness = new LinkedHashMap<>();
        TlcState last = v.trace().last();
        for (String key : List.of("kimagePage", "tablePage", "pc", "lastStep")) {
            if (last.vars().containsKey(key)) witness.put(key, last.vars().get(key));
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("property", v.property());
        meta.put("module", inst.module());
        meta.put("config", cfg);
        meta.put("source", last.kernelStep());
        return new Counterexample(inst.scenario(), ob, "tla", witness, states, v.trace().loop(), meta);
    }
}
