package org.kexecverify.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kexecverify.groundtruth.kernel.GuestCpu;
import org.kexecverify.groundtruth.kernel.RealKernelRun;
import org.kexecverify.truth.Injection;
import org.kexecverify.truth.InjectionRun;
import org.kexecverify.truth.InjectionTable;
import org.kexecverify.truth.Predictor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code truth}: the project's answers checked against ground truth. */
@Command(name = "truth", description = "Check the project's answers against ground truth.", subcommands = {TruthCommand.RealKernel.class})
public final class TruthCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (try: truth real-kernel --help)");
    }

    /**
     * {@code truth real-kernel}: every injection x CPU on Debian 12's Linux 6.1 in QEMU 7.2 (one boot at a time), the
     * prediction computed at the stop before the mutated machine runs, and the results table.
     */
    @Command(name = "real-kernel", description = "Fault injection on Debian's real Linux 6.1 kexec in QEMU: for each injection x CPU, the "
            + "project's prediction (emulator + engines on the bundled scenario, mutated the same way) against QEMU's outcome. Prints the "
            + "Markdown table; exit 0 when every judged run agrees, 1 otherwise.")
    public static final class RealKernel implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--injections", split = ",", description = "injections (default: all): ${COMPLETION-CANDIDATES}")
        List<String> injections;

        @Option(names = "--cpus", split = ",", defaultValue = "cortex-a57,max", description = "QEMU CPUs (default: ${DEFAULT-VALUE})")
        List<String> cpus;

        @Option(names = "--engines", defaultValue = "model,smt,emu", description = "engines that judge each mutated plan, as check --engine "
                + "(default: ${DEFAULT-VALUE}; 'all' adds TLC)")
        String engines;

        @Option(names = "--silence", defaultValue = "45", description = "seconds of console silence that make a HANG (default: ${DEFAULT-VALUE}; "
                + "a fault loop is a HANG at once)")
        long silence;

        @Option(names = "--scenarios", description = "the bundled scenarios directory (default: ./scenarios)")
        Path scenarios;

        @Option(names = "--out", defaultValue = "target/truth", description = "where the table, each run's details and consoles go")
        Path out;

        @Override
        public Integer call() throws IOException {
            List<Injection> inj = new ArrayList<>();
            try {
                if (injections == null || injections.isEmpty()) inj.addAll(List.of(Injection.values()));
                else for (String s : injections) inj.add(Injection.of(s.trim()));
            } catch (IllegalArgumentException e) {
                throw new BadInput("--injections: " + e.getMessage() + " (known: " + String.join(", ", List.of(Injection.values()).stream().map(Injection::cliName).toList()) + ")");
            }
            List<GuestCpu> cs = new ArrayList<>();
            try {
                for (String c : cpus) cs.add(GuestCpu.of(c.trim()));
            } catch (IllegalArgumentException e) {
                throw new BadInput("--cpus: " + e.getMessage());
            }
            if (silence < 5 || silence > 3600) throw new BadInput("--silence: 5..3600 seconds");
            org.kexecverify.engines.Engines.select(engines, new org.kexecverify.engines.Engines.Settings(org.kexecverify.model.walk.WalkOptions.DEFAULT, org.kexecverify.model.progress.Progress.NONE, 1, false));
            Path dir = scenarios == null ? Predictor.scenariosDir() : scenarios;
            if (!Files.isDirectory(dir)) throw new BadInput("--scenarios: " + dir + " is not a directory");
            Files.createDirectories(out);
            PrintWriter w = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            err.println("truth real-kernel: " + inj.size() * cs.size() + " boot(s) of Debian 12's 6.1 in QEMU, one at a time; predictions by "
                    + engines + " on " + dir);
            err.flush();
            List<InjectionRun.Result> rs = new ArrayList<>();
            for (Injection i : inj) {
                for (GuestCpu c : cs) {
                    RealKernelRun.Options d = RealKernelRun.Options.defaults();
                    RealKernelRun.Options o = new RealKernelRun.Options(Duration.ofSeconds(silence), d.total(), d.progress(), d.cpuOptions(),
                            out.resolve("console").resolve(i.cliName()));
                    InjectionRun.Result r = InjectionRun.run(i, c, dir, engines, o);
                    rs.add(r);
                    Files.writeString(out.resolve(i.cliName() + "." + c.qemuCpu().replace(',', '_') + ".txt"), r.describe());
                    err.println(r.injection().cliName() + " on " + c.qemuCpu() + ": " + r.agreement() + " (predicted "
                            + (r.prediction() == null ? "-" : r.prediction().outcome().label()) + ", QEMU " + r.observed().label() + ")");
                    err.flush();
                    Files.writeString(out.resolve("real-kernel.md"), InjectionTable.markdown(rs));
                }
            }
            String table = InjectionTable.markdown(rs);
            w.print(table);
            w.flush();
            boolean ok = rs.stream().allMatch(r -> r.agreement() == InjectionRun.Agreement.AGREE || r.agreement() == InjectionRun.Agreement.NOT_JUDGED);
            return ok ? ExitCode.PROVED : ExitCode.REFUTED;
        }
    }
}
