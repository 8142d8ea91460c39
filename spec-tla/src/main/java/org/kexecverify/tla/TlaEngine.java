package org.kexecverify.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;

/**
 * The {@code tla} engine: decides obligations by running TLC on a {@link TlaInstance}, one run per
 * obligation so each gets its own verdict and trace.
 *
 * <pre>
 *   NO_CLOBBER              INVARIANT NoClobber
 *   VECTORS_EXECUTABLE      INVARIANT NoExceptionLoop
 *   COHERENT_HANDOFF        INVARIANT CoherentHandoff
 *   TLB_CLEAN_BEFORE_ENABLE INVARIANT TLBCleanBeforeEnable
 *   NO_HANG_AFTER_MMU_ON    PROPERTY  Termination  (&lt;&gt;Done, weak fairness of the PE)
 * </pre>
 *
 * Every run also checks TypeOK; a TypeOK violation, a TLC error, a timeout or an out-of-memory is
 * {@link Verdict.Inconclusive}, never {@link Verdict.Proved}.
 */
public final class TlaEngine {
    /** What each decided obligation is checked as. */
    public static final Map<Obligation, String> PROPERTIES;

    static {
        Map<Obligation, String> m = new EnumMap<>(Obligation.class);
        m.put(Obligation.NO_CLOBBER, "NoClobber");
        m.put(Obligation.VECTORS_EXECUTABLE, "NoExceptionLoop");
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

    /** Verdicts for the requested obligations this engine decides, in {@link Obligation} order. */
    public List<Verdict> check(TlaInstance inst, Set<Obligation> requested) {
        List<Verdict> out = new ArrayList<>();
        for (Map.Entry<Obligation, String> e : PROPERTIES.entrySet()) {
            if (requested.contains(e.getKey())) out.add(check(inst, e.getKey(), e.getValue()));
        }
        return out;
    }

    private Verdict check(TlaInstance inst, Obligation ob, String property) {
        boolean temporal = property.equals("Termination");
        String cfgName = inst.module() + "_" + property + ".cfg";
        try {
            String base = Files.readString(inst.dir().resolve(temporal ? inst.livenessConfig() : inst.safetyConfig()),
                    StandardCharsets.UTF_8);
            String check = temporal ? "PROPERTY Termination" : "INVARIANTS TypeOK " + property;
            Files.writeString(inst.dir().resolve(cfgName), withCheck(base, check), StandardCharsets.UTF_8);
        } catch (IOException ex) {
            return new Verdict.Inconclusive(ob, "could not write the TLC configuration: " + ex.getMessage(),
                    new Stats("tla", 0, 0, "distinct states"));
        }
        TlcRunner.Run run = runner.run(new TlcJob(inst.dir(), inst.module(), cfgName, timeout, heapMb, 1, "Termination"));
        TlcResult r = run.result();
        Stats stats = new Stats("tla", r.stats().millis(), Math.max(0, r.stats().distinctStates()), "distinct states");
        if (r instanceof TlcResult.NoError) {
            return new Verdict.Proved(ob, "TLC explored all " + r.stats().distinctStates() + " distinct states of "
                    + inst.module() + " (every open placement, every order the architecture allows): " + property
                    + (temporal ? " holds under weak fairness of the PE" : " holds in every state"), stats);
        }
        if (r instanceof TlcResult.Failure f) {
            return new Verdict.Inconclusive(ob, "TLC did not decide " + property + ": " + f.reason(), stats);
        }
        TlcResult.Violation v = (TlcResult.Violation) r;
        if (!v.property().equals(property) && !(temporal && v.kind() == TlcResult.Violation.Kind.TEMPORAL)) {
            return new Verdict.Inconclusive(ob, "TLC stopped on " + v.property() + " before deciding " + property
                    + " (last step: " + v.trace().last().kernelStep() + ")", stats);
        }
        return new Verdict.Refuted(ob, explain(v, property), counterexample(inst, ob, v, cfgName), stats);
    }

    static String withCheck(String cfg, String check) {
        StringBuilder b = new StringBuilder();
        for (String line : cfg.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("INVARIANT") || t.startsWith("PROPERTY")) continue;
            b.append(line).append('\n');
        }
        return b.toString().stripTrailing() + "\n" + check + "\n";
    }

    private static String explain(TlcResult.Violation v, String property) {
        TlcState last = v.trace().last();
        StringBuilder b = new StringBuilder(property).append(" fails");
        Object k = last.vars().get("kimagePage");
        Object t = last.vars().get("tablePage");
        if (k != null || t != null) b.append(" with struct kimage at page ").append(k).append(", tables at page ").append(t);
        b.append(": after ").append(v.trace().states().size() - 1).append(" steps, last ").append(last.kernelStep());
        if (v.trace().isLasso()) b.append("; then repeats forever from state ").append(v.trace().loop());
        return b.toString();
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
