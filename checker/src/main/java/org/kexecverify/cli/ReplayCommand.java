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

    @Option(names = "--scenarios", defaultValue = "scenarios", description = "directory holding <scenario>.yaml (default: ${DEFAULT-VALUE})")
    Path scenarios;

    @Option(names = "--budget", defaultValue = "1000000000", description = "instruction budget (default: ${DEFAULT-VALUE})")
    long budget;

    @Option(names = "--trace", defaultValue = "0", description = "print the first N emulated instructions")
    long traceLimit;

    @Override
    public Integer call() {
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
        boolean confirmed = o.violates(cx.obligation());
        w.println((confirmed ? "CONFIRMED: " : "SPURIOUS: ") + o.summary());
        w.flush();
        return confirmed ? ExitCode.PROVED : ExitCode.INTERNAL_ERROR;
    }

    private Path scenarioFile(Counterexample cx) {
        Object f = cx.meta().get("file");
        if (f instanceof String s && Files.isRegularFile(Path.of(s))) return Path.of(s);
        if (!cx.scenario().matches("[A-Za-z0-9._-]+")) throw new BadInput(file + ": #meta.scenario: not a scenario name: '" + cx.scenario() + "'");
        Path p = scenarios.resolve(cx.scenario() + ".yaml");
        if (!Files.isRegularFile(p)) throw new BadInput(file + ": #meta.scenario: no scenario file " + p);
        return p;
    }
}
