package org.kexecverify.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kexecverify.engines.Engine;
import org.kexecverify.engines.Engines;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.mutation.MutantTable;
import org.kexecverify.mutation.MutationRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mutate SCENARIO...}: remove or weaken each barrier, maintenance op and MMU register write of the scenario's code, one at a time, and run every engine on each mutant. */
@Command(name = "mutate", mixinStandardHelpOptions = true,
        description = "Mutation test of the checks: each dsb/isb/tlbi/dc/ic and each msr of SCTLR/TTBR/VBAR/TCR in the scenario's code is removed "
                + "(or a dc weakened), one mutant at a time; prints which obligation and engines catch each. With --table, compares with (or, "
                + "with --write, updates) the committed table; exit 1 when a must-catch mutant survives or the table is stale.")
public final class MutateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "scenario files or directories of *.yaml (scenarios without code are skipped)")
    List<Path> scenarios;

    @Option(names = "--engine", defaultValue = "all", description = "engines to run on each mutant (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--table", description = "the mutant table to compare with (e.g. mutation/mutants.tsv)")
    Path table;

    @Option(names = "--write", description = "rewrite --table with the fresh results (keeps each row's expectation and reason)")
    boolean write;

    @Option(names = "--timeout", defaultValue = "600", description = "per-query solver / TLC timeout in seconds (default: ${DEFAULT-VALUE})")
    long timeoutSeconds;

    @Option(names = "--jobs", description = "checks run at once (default: the number of cores); the table never depends on it")
    Integer jobs;

    @Override
    public Integer call() throws IOException {
        if (write && table == null) throw new BadInput("--write needs --table FILE");
        jobs = org.kexecverify.engines.EngineRuns.jobsOption(jobs);
        timeoutSeconds = org.kexecverify.engines.EngineRuns.timeoutOption(timeoutSeconds);
        PrintWriter out = spec.commandLine().getOut();
        List<Engine> engines = Engines.select(engine, new Engines.Settings(WalkOptions.DEFAULT,
                org.kexecverify.model.progress.Progress.NONE, timeoutSeconds * 1000, false));
        List<MutationRun.Result> results = new ArrayList<>();
        for (Path p : Scenarios.expand(scenarios)) {
            Scenario s = Scenarios.scenario(p);
            if (s.code().get().isEmpty()) {
                out.printf("%s: skipped, no code (%s)%n", s.name(), s.code().reason());
                continue;
            }
            MutationRun.Result r;
            try {
                r = MutationRun.run(s, engines, jobs);
            } catch (ScenarioError e) {
                throw new BadInput(e.oneLine());
            }
            out.printf("%s: %s, %d mutants; the design itself: %s%n", s.name(), s.code().get().get().describe(), r.mutants().size(),
                    r.baseline().isEmpty() ? "every obligation proved or inconclusive" : "refutes " + r.baseline());
            for (MutationRun.Outcome o : r.mutants()) out.printf("  %-60s %s%n", o.mutant().id(), o.caughtBy());
            results.add(r);
        }
        if (table == null) return ExitCode.PROVED;
        MutantTable t = MutantTable.read(table);
        if (write) {
            MutantTable u = t.updated(results);
            u.write(table);
            out.printf("wrote %s: %s%n", table, u.killRate());
            return ExitCode.PROVED;
        }
        List<String> problems = t.check(results);
        problems.forEach(out::println);
        out.printf("%s: %s; %s%n", table, t.killRate(), problems.isEmpty() ? "current" : problems.size() + " problem(s)");
        return problems.isEmpty() ? ExitCode.PROVED : ExitCode.REFUTED;
    }
}
