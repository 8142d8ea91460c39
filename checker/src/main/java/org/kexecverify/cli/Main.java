package org.kexecverify.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code kexec-verify}: decode registers, walk tables, check scenarios with the model, smt, tla
 * and emu engines, replay counterexamples, write reports.
 */
@Command(name = "kexec-verify", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Tells arm64 kernel developers whether a kexec relocation design is safe.",
        subcommands = {CommandLine.HelpCommand.class, DecodeCommand.class, WalkCommand.class, CheckCommand.class, ReportCommand.class, RunCommand.class, ReplayCommand.class, ExportCommand.class, BenchCommand.class, MutateCommand.class, TruthCommand.class, CaptureCommand.class,
                ManCommand.class, CompletionCommand.class})
public final class Main implements Runnable {

    /** {@code --version}: the tool version and the commit of the checkout the jar was built in (when it is one). */
    public static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"kexec-verify 0.1.0 (" + commit() + ")"};
        }

        static String commit() {
            try {
                java.nio.file.Path jar = java.nio.file.Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Process p = new ProcessBuilder("git", "-C", jar.getParent().toString(), "describe", "--always", "--dirty", "--abbrev=12")
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
                return p.exitValue() == 0 && out.matches("[0-9a-f]{7,40}(-dirty)?") ? "commit " + out : "commit unknown: not run from a git checkout";
            } catch (Exception e) {
                return "commit unknown: " + e.getClass().getSimpleName();
            }
        }
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "missing command (try --help)");
    }

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /**
     * Bad-input messages quote the user's text (a register value, a dump line); line breaks and
     * other control characters in it are escaped so the error stays one line.
     */
    static String oneLine(String msg) {
        StringBuilder sb = new StringBuilder(msg.length());
        msg.codePoints().forEach(c -> {
            if (c == '\n') sb.append("\\n");
            else if (c == '\r') sb.append("\\r");
            else if (c == '\t') sb.append(' ');
            else if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || c == 0x85) sb.append(String.format("\\u%04x", c));
            else sb.appendCodePoint(c);
        });
        return sb.toString();
    }

    /** Runs the CLI and returns the exit code; output goes to {@code out}, one-line errors to {@code err}. */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("kexec-verify: " + ex.getMessage().lines().findFirst().orElse("bad usage"));
            return ExitCode.BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof BadInput) {
                err.println("kexec-verify: " + oneLine(ex.getMessage()));
                return ExitCode.BAD_INPUT;
            }
            err.println("kexec-verify: internal error: " + ex);
            return ExitCode.INTERNAL_ERROR;
        });
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError e) {
            err.println("kexec-verify: out of memory");
            return ExitCode.INTERNAL_ERROR;
        }
    }
}
