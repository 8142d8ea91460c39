package org.kexecverify.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.smt.Smt2Export;
import org.kexecverify.smt.SmtEngine;
import org.kexecverify.smt.SmtOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code export smt SCENARIO --out DIR}: one SMT-LIB2 file per obligation (and phase); stock {@code z3 file.smt2} answers sat = refuted. */
@Command(name = "export", description = "Export a scenario's proof obligations: 'export smt SCENARIO --out DIR' writes .smt2 files.")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "smt")
    String format;

    @Parameters(index = "1", paramLabel = "SCENARIO")
    Path scenario;

    @Option(names = "--out", defaultValue = "target/kexec-verify/export", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--open-placements", description = "NO_CLOBBER over every placement the allocator allows")
    boolean openPlacements;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("smt")) throw new BadInput("export: FORMAT: unknown format '" + format + "' (expected smt)");
        RelocationPlan plan = Scenarios.plan(scenario);
        Files.createDirectories(out);
        List<Path> files;
        try (SmtEngine e = new SmtEngine(SmtOptions.DEFAULT)) {
            files = Smt2Export.write(e, plan, out, openPlacements);
        }
        PrintWriter w = spec.commandLine().getOut();
        for (Path p : files) w.println(p);
        w.printf("%d SMT-LIB2 file(s) in %s: 'z3 FILE' answers sat when the obligation is refuted, unsat when it holds%n", files.size(), out);
        w.flush();
        return ExitCode.PROVED;
    }
}
