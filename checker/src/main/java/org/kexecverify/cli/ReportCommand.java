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

    @Option(names = "--format", defaultValue = "files", description = "files: write the reports and print check's summary; "
            + "email: also print report-email.txt (tool, command, date, summary, one paragraph per refutation; 80 columns) "
            + "on stdout, for a reply on the list, with check's own output on stderr (default: ${DEFAULT-VALUE})")
    String format;

    @Override
    public Integer call() throws Exception {
        List<String> args = new ArrayList<>();
        args.add("check");
        scenarios.forEach(p -> args.add(p.toString()));
        args.addAll(List.of("--engine", engine, "--out", out.toString(), "--report"));
        if (!format.equals("files") && !format.equals("email")) throw new BadInput("--format: expected files or email, got '" + format + "'");
        if (quiet || format.equals("email")) args.add("--quiet");
        picocli.CommandLine parent = spec.commandLine().getParent();
        if (format.equals("files")) return parent.execute(args.toArray(String[]::new));
        java.io.PrintWriter stdout = parent.getOut();
        java.io.StringWriter checkOut = new java.io.StringWriter();
        int code;
        parent.setOut(new java.io.PrintWriter(checkOut, true));
        try {
            code = parent.execute(args.toArray(String[]::new));
        } finally {
            parent.setOut(stdout);
        }
        spec.commandLine().getErr().print(checkOut);
        spec.commandLine().getErr().flush();
        java.nio.file.Path mail = out.resolve("report-email.txt");
        if (code != ExitCode.BAD_INPUT && java.nio.file.Files.isRegularFile(mail)) {
            stdout.print(java.nio.file.Files.readString(mail));
            stdout.flush();
        }
        return code;
    }
}
