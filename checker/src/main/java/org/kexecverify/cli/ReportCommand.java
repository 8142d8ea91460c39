package org.kexecverify.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code report SCENARIO... --out DIR}: {@code check --report}, i.e. verdicts plus report.html and report.md. */
@Command(name = "report", description = "Check scenarios and write report.html (self-contained, with SVG pictures) and report.md.")
public final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SCENARIO")
    List<Path> scenarios;

    @Option(names = "--engine", defaultValue = "model,emu", description = "engines, as for check (default: ${DEFAULT-VALUE})")
    String engine;

    @Option(names = "--out", defaultValue = "target/kexec-verify", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--quiet", description = "print only the summary line")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        args.add("check");
        scenarios.forEach(p -> args.add(p.toString()));
        args.addAll(List.of("--engine", engine, "--out", out.toString(), "--report"));
        if (quiet) args.add("--quiet");
        return spec.commandLine().getParent().execute(args.toArray(String[]::new));
    }
}
