package org.kexecverify.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bench smt|emu}: the measured benchmarks behind BENCHMARKS.md (speed targets are checked
 * here, not in timed unit tests).
 */
@Command(name = "bench", description = "Run a benchmark: 'smt' (IDMAP_COVERS_CODE proof time vs page-by-page model walk for 25 MiB, 4 GiB, 1 TiB) "
        + "or 'emu' (emulated 25 MiB v5.16 relocation, instructions per second) or 'check' (the README's main job on --scenarios: "
        + "wall time per scenario and engine, fresh and from the results cache).")
public final class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "WHAT", description = "smt, emu or check")
    String what;

    @Option(names = "--runs", defaultValue = "5", description = "repetitions (default: ${DEFAULT-VALUE})")
    int runs;

    @Option(names = "--scenarios", defaultValue = "scenarios", description = "bench check: the scenarios (default: ${DEFAULT-VALUE})")
    java.nio.file.Path scenarios;

    @Option(names = "--jobs", description = "bench check: checks at once (default: the number of cores)")
    Integer jobs;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws java.io.IOException {
        if (runs < 1 || runs > 100) throw new BadInput("--runs: must be 1..100");
        if (what.equals("check")) return MainJobBench.run(scenarios, org.kexecverify.engines.EngineRuns.jobsOption(jobs),
                spec.commandLine().getOut());
        switch (what) {
            case "smt" -> org.kexecverify.smt.bench.Bench.main(new String[] {Integer.toString(runs)});
            case "emu" -> org.kexecverify.emulator.bench.Bench.main(new String[] {"25", Integer.toString(runs)});
            default -> throw new BadInput("bench: WHAT: expected smt, emu or check, got '" + what + "'");
        }
        return ExitCode.PROVED;
    }
}
