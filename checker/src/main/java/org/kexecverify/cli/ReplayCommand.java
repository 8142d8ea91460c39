package org.kexecverify.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Itf;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code replay COUNTEREXAMPLE.itf.json}: runs the scenario a counterexample names on the emulator and says
 * whether the concrete run breaks the refuted obligation (CONFIRMED) or not (SPURIOUS: a bug in the engine
 * that produced it).
 */
@Command(name = "replay", description = "Replay a counterexample (ITF JSON) on the A64 emulator: exit 0 CONFIRMED, "
        + "4 SPURIOUS (the engine that wrote it is wrong), 3 design not emulated.")
public final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "COUNTEREXAMPLE")
    Path file;

    @Option(names = "--scenarios", description = "directory holding <scenario>.yaml (default: ./scenarios when it exists, else the "
            + "scenarios/ beside the counterexample's directory, else that directory: a committed counterexample replays from anywhere)")
    Path scenarios;

    @Option(names = "--scenario", description = "the scenario file to replay on (default: #meta.file inside --scenarios, else --scenarios/<#meta.scenario>.yaml)")
    Path scenarioOverride;

    @Option(names = "--budget", defaultValue = "1000000000", description = "instruction budget (default: ${DEFAULT-VALUE})")
    long budget;

    @Option(names = "--trace", defaultValue = "0", description = "print the first N emulated instructions")
    long traceLimit;

    @Override
    public Integer call() {
        if (budget < 1) throw new BadInput("--budget: must be at least 1");
        if (traceLimit < 0) throw new BadInput("--trace: must be 0 or more");
        if (!Files.isRegularFile(file)) throw new BadInput(file + ": no such file");
        Counterexample cx;
        try {
            cx = Itf.read(file);
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read: " + e.getMessage());
        } catch (Itf.MalformedTrace e) {
            throw new BadInput(e.getMessage().lines().findFirst().orElse(file + ": malformed counterexample"));
        } catch (RuntimeException e) {
            // Itf.read lets some malformed values through as runtime exceptions ("#bigint": "zz", nesting past the JSON limit)
            throw new BadInput(file + ": not a counterexample this tool wrote (malformed JSON value)");
        }
        Path scenario = scenarioFile(cx);
        PrintWriter w = spec.commandLine().getOut();
        w.printf("replay %s: %s refuted by %s on %s%n", file.getFileName(), cx.obligation(), cx.engine(), cx.scenario());
        int i = 0;
        for (Counterexample.State s : cx.states()) {
            w.printf("  trace %d: %s  [%s]%n", i++, s.action(), s.source());
        }
        ScenarioRun run;
        try {
            run = ScenarioRun.prepare(Scenarios.plan(scenario));
        } catch (ScenarioRun.Unsupported e) {
            w.println("INCONCLUSIVE: " + e.getMessage());
            w.flush();
            return ExitCode.INCONCLUSIVE;
        }
        run.trace(RunCommand.printer(w, traceLimit));
        ScenarioRun.Outcome o = run.run(budget);
        if (o.result() instanceof org.kexecverify.emulator.cpu.RunResult.Hang h && h.kind() == org.kexecverify.emulator.cpu.RunResult.Hang.Kind.STEP_BUDGET) {
            // the budget ended the run, not the design: neither CONFIRMED nor SPURIOUS
            w.println("INCONCLUSIVE: the run stopped at the --budget of " + budget + " instructions before it reached the new kernel or a "
                    + "hang the emulator recognises: " + o.summary());
            w.flush();
            return ExitCode.INCONCLUSIVE;
        }
        boolean confirmed = o.violates(cx.obligation());
        w.println((confirmed ? "CONFIRMED: " : "SPURIOUS: ") + o.summary());
        w.flush();
        return confirmed ? ExitCode.PROVED : ExitCode.INTERNAL_ERROR;
    }

    /**
     * The scenario to replay on: {@code --scenario}, else {@code #meta.file} (as written, or relative to the
     * counterexample's directory) when it is a .yaml file inside the {@code --scenarios} directory, else
     * {@code --scenarios/<#meta.scenario>.yaml}. A path outside that directory is never opened: a counterexample is
     * data, and its fields do not choose which of the user's files are read.
     */
    private Path scenarioFile(Counterexample cx) {
        if (scenarioOverride != null) {
            if (!Files.isRegularFile(scenarioOverride)) throw new BadInput("--scenario " + scenarioOverride + ": no such file");
            return scenarioOverride;
        }
        Path dirOfCx = file.toAbsolutePath().getParent();
        Path base = dirOfCx == null ? null : dirOfCx.getParent();
        if (scenarios == null) {
            // the counterexample's own layout (counterexamples/ beside scenarios/) when the current directory has none
            scenarios = Path.of("scenarios");
            if (!Files.isDirectory(scenarios) && base != null && Files.isDirectory(base.resolve("scenarios"))) scenarios = base.resolve("scenarios");
            else if (!Files.isDirectory(scenarios) && dirOfCx != null) scenarios = dirOfCx;
        }
        Path root;
        try {
            root = scenarios.toRealPath();
        } catch (IOException e) {
            throw new BadInput("--scenarios " + scenarios + ": no such directory");
        }
        Object f = cx.meta().get("file");
        if (f instanceof String s && !s.isEmpty() && s.indexOf('\0') < 0) {
            for (Path c : new Path[] {Path.of(s), dirOfCx == null ? Path.of(s) : dirOfCx.resolve(s), base == null ? Path.of(s) : base.resolve(s)}) {
                if (inside(c, root)) return c;
            }
        }
        if (!cx.scenario().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            throw new BadInput(file + ": #meta.scenario: not a scenario name");
        }
        Path p = scenarios.resolve(cx.scenario() + ".yaml");
        if (!Files.isRegularFile(p)) {
            throw new BadInput(file + ": #meta.scenario: no scenario file " + p + " (give the directory with --scenarios or the file with --scenario)");
        }
        return p;
    }

    private static boolean inside(Path c, Path root) {
        try {
            String n = c.getFileName() == null ? "" : c.getFileName().toString();
            if (!(n.endsWith(".yaml") || n.endsWith(".yml")) || !Files.isRegularFile(c)) return false;
            return c.toRealPath().startsWith(root);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
