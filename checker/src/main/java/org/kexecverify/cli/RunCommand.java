package org.kexecverify.cli;

import org.kexecverify.model.plan.RelocationPlan;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.cpu.TraceSink;
import org.kexecverify.emulator.scenario.ScenarioRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code run SCENARIO}: runs the scenario's relocation code on the A64 emulator to the new kernel or a hang. */
@Command(name = "run", description = "Run the scenario's relocation code on the A64 emulator and check the destination pages "
        + "(exit 0 clean hand-off, 1 hang or wrong/dirty destinations, 3 design not emulated).")
public final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO")
    Path scenario;

    @Option(names = "--budget", defaultValue = "1000000000", description = "instruction budget (default: ${DEFAULT-VALUE})")
    long budget;

    @Option(names = "--json", description = "print the outcome as JSON (schema kexec-verify.run/1, README \"JSON output\"); not with --trace")
    boolean json;

    @Option(names = "--trace", defaultValue = "0", description = "print the first N instructions (exceptions are always printed)")
    long traceLimit;

    @Override
    public Integer call() throws java.io.IOException {
        if (budget < 1) throw new BadInput("--budget: must be at least 1");
        if (traceLimit < 0) throw new BadInput("--trace: must not be negative");
        if (json && traceLimit > 0) throw new BadInput("--json: not with --trace (the trace is text)");
        ScenarioRun run;
        RelocationPlan plan = Scenarios.plan(scenario);
        Scenarios.warnAboutRegisters(plan, spec.commandLine().getErr());
        try {
            run = ScenarioRun.prepare(plan);
        } catch (ScenarioRun.Unsupported e) {
            spec.commandLine().getOut().println(json ? CliJson.runInconclusive(scenario, e.getMessage()) : "run " + scenario + ": INCONCLUSIVE: " + e.getMessage());
            spec.commandLine().getOut().flush();
            return ExitCode.INCONCLUSIVE;
        }
        PrintWriter w = spec.commandLine().getOut();
        ScenarioRun.Outcome o;
        if (json) {
            o = run.run(budget);
            w.println(CliJson.run(plan, run, o));
        } else {
            w.printf("run %s: code %s, entry 0x%x%n", run.plan().scenario().name(), run.code().describe(), run.entry());
            run.trace(printer(w, traceLimit));
            o = run.run(budget);
            o.notes().forEach(n -> w.println("note: " + n));
            w.println(o.summary());
        }
        w.flush();
        if (o.result() instanceof RunResult.Stopped) return ExitCode.INCONCLUSIVE;
        return o.clean() ? ExitCode.PROVED : ExitCode.REFUTED;
    }

    /** Prints the first {@code limit} instructions and every exception. */
    static TraceSink printer(PrintWriter w, long limit) {
        return new TraceSink() {
            @Override
            public void instruction(long step, int el, long pc, Insn insn) {
                if (step <= limit) w.printf("  %8d EL%d 0x%016x  %s%n", step, el, pc, insn);
            }

            @Override
            public void exception(ExceptionRecord r) {
                w.println("  exception: " + r);
            }
        };
    }
}
