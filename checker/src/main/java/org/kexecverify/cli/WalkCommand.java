package org.kexecverify.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code walk SCENARIO VA}: the stage-1 walk level by level in the phase's regime. */
@Command(name = "walk", description = "Walk the scenario's tables for one VA and print every level (exit 0 mapped, 1 fault).")
public final class WalkCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SCENARIO")
    Path scenario;

    @Parameters(index = "1", paramLabel = "VA")
    String va;

    @Option(names = "--access", defaultValue = "fetch", description = "fetch, read or write (default: ${DEFAULT-VALUE})")
    String access;

    @Option(names = "--phase", defaultValue = "1", description = "which phase of the plan, 1-based (default: ${DEFAULT-VALUE})")
    int phase;

    @Option(names = "--json", description = "print the walk as JSON (schema kexec-verify.walk/1, README \"JSON output\")")
    boolean json;

    @Option(names = "--size", defaultValue = "8", description = "access size in bytes, for alignment (default: ${DEFAULT-VALUE})")
    int size;

    @Override
    public Integer call() throws java.io.IOException {
        long v = Numbers.parseAddress("walk: VA", va, spec.commandLine().getErr());
        AccessType at;
        try {
            at = AccessType.parse(access);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--access: " + e.getMessage());
        }
        if (size < 1 || size > 64 || Integer.bitCount(size) != 1) throw new BadInput("--size: must be a power of two from 1 to 64");
        RelocationPlan plan = Scenarios.plan(scenario);
        if (phase < 1 || phase > plan.phases().size()) {
            throw new BadInput("--phase: " + phase + " is not a phase of " + plan.scenario().name() + " (it has " + plan.phases().size() + ")");
        }
        Scenarios.warnAboutRegisters(plan, spec.commandLine().getErr());
        Phase p = plan.phases().get(phase - 1);
        Translation t = Walker.translate(p.regs(), plan.memory(), v, at, at == AccessType.FETCH ? 4 : size, WalkOptions.DEFAULT);
        PrintWriter w = spec.commandLine().getOut();
        if (json) {
            w.println(CliJson.walk(plan, phase, p, v, at.name().toLowerCase(java.util.Locale.ROOT), size, t));
        } else {
            w.println("phase " + phase + ": " + p.name());
            w.print(t.render());
        }
        w.flush();
        return t.isFault() ? ExitCode.REFUTED : ExitCode.PROVED;
    }
}
