package org.kexecverify.groundtruth.kernel;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kexecverify.groundtruth.kernel.GuestPackages.PackageVersion;
import org.kexecverify.groundtruth.kernel.KexecOutcome.Phase;
import org.kexecverify.kernels.debian.DebianArchive.Suite;
import org.kexecverify.kernels.debian.DebianArchive.Unavailable;

/**
 * Boots Debian's arm64 kernel at EL2 in QEMU 7.2 and kexecs it into itself, reading the serial console.
 *
 * <pre>
 *   qemu-system-aarch64 -M virt,virtualization=on,gic-version=2,dtb-randomness=off -cpu cortex-a57|max -smp 1 -m 2048
 *       -kernel Image -initrd stage1.cpio -append "console=ttyAMA0 nokaslr rdinit=/init"
 *       -monitor unix:mon.sock   ("log int" is sent there at "KV1: KEXEC_E": -d int from kexec -e on)
 *       [-gdb unix:gdb.sock]     (with an {@link Observer}: it is started at "KV1: LOAD", the symbols known)
 *
 *   console line ---> marker? (KV1:/KV2:/SECOND KERNEL UP/Kernel panic) ---> outcome
 *   no line      ---> silence limit, or a synchronous exception loop in the -d int log ---> HANG
 * </pre>
 *
 * {@code nokaslr} with {@code dtb-randomness=off}: without the second, kexec-tools refuses ("kaslr-seed is not
 * wiped"); with both, /proc/kallsyms gives the addresses the kernel runs at. GICv2: with GICv3 the second kernel
 * stalls in the redistributor setup (device state, not relocation). Progress goes to stderr.
 */
public final class RealKernelRun {
    /** System property: console silence (seconds) after which a run is a HANG. */
    public static final String SILENCE_PROPERTY = "kexec-verify.realKernel.silenceSeconds";
    /** System property: QEMU CPU properties appended to the model name (diagnosis only: {@code ,sme=off}). */
    public static final String CPU_OPTIONS_PROPERTY = "kexec-verify.realKernel.cpuOptions";
    /** System property: directory the whole console of each run is written to ({@code <suite>-<cpu>.console.log}); empty: none. */
    public static final String CONSOLE_LOGS_PROPERTY = "kexec-verify.realKernel.consoleLogs";
    /** Exceptions without console output, all synchronous, after which the run is a HANG without waiting for silence. */
    static final long FAULT_LOOP_MINIMUM = 5000;
    private static final String EOF = "\u0000EOF";
    private static final Pattern KSYM = Pattern.compile("^KV1: KSYM ([0-9a-f]{16}) \\S (\\S+)");
    private static final Pattern STARTED_AT = Pattern.compile("started at EL(\\d)");
    /** KVM's "VHE mode initialized" (not "Hyp nVHE mode initialized") or the cpufeature line. */
    static final Pattern VHE = Pattern.compile("\\bVHE mode initialized|Virtualization Host Extensions");

    /** Code run while the first kernel is up and its symbols are known (e.g. a gdbstub client), on its own thread. */
    @FunctionalInterface
    public interface Observer {
        void firstKernelReady(Session session) throws Exception;
    }

    /** What an {@link Observer} gets. */
    public interface Session {
        Suite suite();

        GuestCpu cpu();

        PackageVersion kernel();

        /** The gdbstub's unix socket (QEMU stops the machine when a client connects, resumes it on detach). */
        Path gdbSocket();

        /** The first kernel's symbols /init printed ({@link Initramfs#SYMBOLS}). */
        Map<String, Long> symbols();

        /** The kernel Image both kernels boot from (the host file). */
        Path image();

        /** While held, the silence limit does not run (the machine is stopped in the debugger). */
        void hold(boolean held);

        /** Progress line on stderr. */
        void progress(String line);
    }

    /**
     * @param silence  console silence that makes a HANG
     * @param total    the longest a run may take
     * @param progress where progress lines go (null: nowhere)
     */
    public record Options(Duration silence, Duration total, PrintStream progress, String cpuOptions, Path consoleLogs) {
        public static Options defaults() {
            String logs = System.getProperty(CONSOLE_LOGS_PROPERTY, "target/real-kernel");
            return new Options(Duration.ofSeconds(Long.getLong(SILENCE_PROPERTY, 90L)), Duration.ofMinutes(15), System.err,
                    System.getProperty(CPU_OPTIONS_PROPERTY, ""), logs.isEmpty() ? null : Path.of(logs));
        }

        /** The same with QEMU CPU properties appended to the model ({@code ",sme=off"}). */
        public Options withCpuOptions(String o) {
            return new Options(silence, total, progress, o, consoleLogs);
        }
    }

    private RealKernelRun() {
    }

    /** Fetches the packages of {@code suite}, boots on {@code cpu}, kexecs, and returns how it ended. */
    public static RunResult run(Suite suite, GuestCpu cpu) {
        return run(suite, cpu, Options.defaults(), null);
    }

    public static RunResult run(Suite suite, GuestCpu cpu, Options options, Observer observer) {
        long t0 = System.nanoTime();
        String tag = "[real-kernel " + suite.codename() + "/" + cpu.qemuCpu() + "]";
        PrintStream out = options.progress() == null ? new PrintStream(java.io.OutputStream.nullOutputStream()) : options.progress();
        GuestPackages g;
        try {
            out.println(tag + " fetching the arm64 packages of " + suite.codename());
            g = GuestPackages.fetch(suite);
        } catch (Unavailable e) {
            return failed(suite, cpu, null, "packages: " + e.getMessage(), t0, "");
        }
        out.println(tag + " " + g.kernel() + ", kexec-tools " + version(g, "kexec-tools") + ", busybox-static "
                + version(g, "busybox-static") + ", " + g.libraries().size() + " libraries");
        Path qemu = onPath("qemu-system-aarch64");
        if (qemu == null) return failed(suite, cpu, g, "qemu-system-aarch64 is not on PATH (Debian: apt-get install qemu-system-arm)", t0, "");
        Path work;
        try {
            work = Files.createTempDirectory(Path.of("/tmp"), "kv-real-");
        } catch (IOException e) {
            return failed(suite, cpu, g, "no temporary directory: " + e.getMessage(), t0, "");
        }
        try {
            return new Boot(suite, cpu, g, qemu, work, options, observer, out, tag, t0).run();
        } finally {
            try (Stream<Path> s = Files.walk(work)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary directory left behind is not worth failing a run for
            }
        }
    }

    static String version(GuestPackages g, String pkg) {
        for (PackageVersion p : g.packages()) {
            if (p.name().equals(pkg)) return p.version();
        }
        return "?";
    }

    private static RunResult failed(Suite suite, GuestCpu cpu, GuestPackages g, String reason, long t0, String cmd) {
        return new RunResult(suite, cpu, g == null ? new PackageVersion("unresolved", "") : g.kernel(), g == null ? List.of() : g.packages(),
                new KexecOutcome.SetupFailed(reason), Duration.ofNanos(System.nanoTime() - t0), null, null, Map.of(), List.of(), List.of(),
                List.of(), List.of(), cmd);
    }

    static Path onPath(String exe) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path p = Path.of(d, exe);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    /** The first kernel's command line. */
    static String firstCmdline() {
        return "console=ttyAMA0 nokaslr rdinit=/init";
    }

    /** The second kernel's command line (kexec --append). */
    static String secondCmdline() {
        return "console=ttyAMA0 nokaslr rdinit=/init";
    }

    /** One QEMU process and the watch over its console. */
    private static final class Boot implements Session {
        private final Suite suite;
        private final GuestCpu cpu;
        private final GuestPackages g;
        private final Path qemu;
        private final Path work;
        private final Options options;
        private final Observer observer;
        private final PrintStream out;
        private final String tag;
        private final long t0;
        private final ExceptionLog intLog = new ExceptionLog();
        private final Deque<String> tail = new ArrayDeque<>();
        private final StringBuilder console = new StringBuilder();
        private final Deque<String> stderrTail = new ArrayDeque<>();
        private final Map<String, Long> symbols = new LinkedHashMap<>();
        private final List<String> kexecLines = new ArrayList<>();
        private final List<String> firstKernel = new ArrayList<>();
        private final List<String> secondKernel = new ArrayList<>();
        private final AtomicBoolean held = new AtomicBoolean();
        private volatile long lastLine;
        /** QEMU's CPU time (all threads) when the last line came, or -1 when the OS does not say. */
        private volatile long lastLineCpu = -1;
        private volatile ProcessHandle qemuProcess;
        private Phase phase = Phase.FIRST_KERNEL;
        private Long tKexec;
        private String lastOops = "";
        private String oopsPc = "";
        private String cmdline = "";
        private Thread observerThread;

        Boot(Suite suite, GuestCpu cpu, GuestPackages g, Path qemu, Path work, Options options, Observer observer, PrintStream out,
             String tag, long t0) {
            this.suite = suite;
            this.cpu = cpu;
            this.g = g;
            this.qemu = qemu;
            this.work = work;
            this.options = options;
            this.observer = observer;
            this.out = out;
            this.tag = tag;
            this.t0 = t0;
        }

        RunResult run() {
            Path initrd;
            try {
                initrd = Initramfs.build(g, secondCmdline(), work);
            } catch (IOException e) {
                return result(new KexecOutcome.SetupFailed("building the initramfs: " + e.getMessage()));
            }
            List<String> cmd = new ArrayList<>(List.of(qemu.toString(),
                    "-M", "virt,virtualization=on,gic-version=2,dtb-randomness=off", "-cpu", cpu.qemuCpu() + options.cpuOptions(), "-smp", "1", "-m", "2048",
                    "-nographic", "-no-reboot", "-nic", "none", "-monitor", "unix:" + work.resolve("mon.sock") + ",server=on,wait=off",
                    "-kernel", g.image().toString(), "-initrd", initrd.toString(), "-append", firstCmdline()));
            if (observer != null) cmd.addAll(List.of("-gdb", "unix:" + gdbSocket() + ",server=on,wait=off"));
            cmdline = String.join(" ", cmd).replace(work.toString(), "$WORK");
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(work.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            } catch (IOException e) {
                return result(new KexecOutcome.SetupFailed("starting QEMU: " + e.getMessage()));
            }
            progress("QEMU started (" + cpu.qemuCpu() + ", " + g.kernel() + ")");
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            daemon("qemu-console", () -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l.replace("\r", ""));
                } catch (IOException ignored) {
                    // QEMU killed
                } finally {
                    lines.add(EOF);
                }
            });
            daemon("qemu-stderr", () -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        intLog.accept(l);
                        if (!l.startsWith("...") && !l.startsWith("Taking exception") && !l.startsWith("Exception return")) {
                            synchronized (stderrTail) {
                                stderrTail.addLast(l);
                                while (stderrTail.size() > 10) stderrTail.removeFirst();
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // QEMU killed
                }
            });
            try {
                KexecOutcome o = watch(lines, p);
                if (o instanceof KexecOutcome.SecondKernelUp) {
                    try {
                        p.waitFor(20, TimeUnit.SECONDS); // poweroff -f: PSCI SYSTEM_OFF ends QEMU
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return result(o);
            } finally {
                p.destroyForcibly();
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (observerThread != null) {
                    try {
                        observerThread.join(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        }

        /** QEMU's CPU time so far in ns, or -1. */
        private long qemuCpu() {
            ProcessHandle h = qemuProcess;
            if (h == null) return -1;
            return h.info().totalCpuDuration().map(Duration::toNanos).orElse(-1L);
        }

        /**
         * Silence that makes a HANG: the console has been silent for the limit and QEMU itself had
         * the CPU for at least three quarters of it. On a busy host a slow guest gets less CPU, so the
         * wall clock alone would call it hung (a test that fails only when the machine is busy); a
         * guest that spins gets its CPU and is called hung after the limit. Where the OS reports no
         * CPU time, or after four times the limit, the wall clock decides alone.
         */
        private boolean silentTooLong(long now) {
            long wall = now - lastLine;
            long limit = options.silence().toNanos();
            if (wall <= limit) return false;
            long cpuNow = qemuCpu();
            if (cpuNow < 0 || lastLineCpu < 0 || wall > 4 * limit) return true;
            return cpuNow - lastLineCpu >= limit * 3 / 4;
        }

        private void markLine(long now) {
            lastLine = now;
            lastLineCpu = qemuCpu();
        }

        private KexecOutcome watch(BlockingQueue<String> lines, Process p) {
            qemuProcess = p.toHandle();
            markLine(System.nanoTime());
            long lastBeat = lastLine;
            SocketChannel monitor = null;
            try {
                while (true) {
                    String l;
                    try {
                        l = lines.poll(200, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return new KexecOutcome.SetupFailed("interrupted");
                    }
                    long now = System.nanoTime();
                    if (l == null) {
                        if (held.get()) {
                            markLine(now);
                            continue;
                        }
                        long silent = (now - lastLine) / 1_000_000;
                        if (silentTooLong(now) || (phase != Phase.FIRST_KERNEL && intLog.faultLoop(FAULT_LOOP_MINIMUM))) {
                            return new KexecOutcome.Hang(phase, silent, tail.isEmpty() ? "" : tail.peekLast(), intLog.summary());
                        }
                        if (now - t0 > options.total().toNanos()) {
                            return new KexecOutcome.Hang(phase, silent, "(run limit " + options.total().toSeconds() + " s reached) "
                                    + (tail.isEmpty() ? "" : tail.peekLast()), intLog.summary());
                        }
                        if (now - lastBeat > 15_000_000_000L) {
                            lastBeat = now;
                            progress("still running (" + phase + "), silent " + silent / 1000 + " s, last: "
                                    + (tail.isEmpty() ? "" : tail.peekLast()));
                        }
                        continue;
                    }
                    if (l.equals(EOF)) {
                        String why;
                        try {
                            p.waitFor(5, TimeUnit.SECONDS);
                            why = p.isAlive() ? "QEMU closed its console" : "QEMU exited with " + p.exitValue();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            why = "QEMU closed its console";
                        }
                        String err;
                        synchronized (stderrTail) {
                            err = String.join(" | ", stderrTail);
                        }
                        return new KexecOutcome.SetupFailed(why + " in phase " + phase + " before SECOND KERNEL UP"
                                + (err.isEmpty() ? "" : ": " + err));
                    }
                    markLine(now);
                    if (l.equals(Initramfs.ALIVE)) continue;   // stage 1's heartbeat: the guest runs, nothing else to read
                    intLog.mark();
                    console.append(String.format("%7.2f ", (now - t0) / 1e9)).append(l).append('\n');
                    tail.addLast(l);
                    while (tail.size() > 40) tail.removeFirst();
                    if (now - lastBeat > 15_000_000_000L) {
                        lastBeat = now;
                        progress("(" + phase + ") " + l);
                    }
                    Matcher m;
                    if ((m = KSYM.matcher(l)).find()) {
                        symbols.put(m.group(2), Long.parseUnsignedLong(m.group(1), 16));
                    } else if (l.startsWith("KV1: DMESG ")) {
                        firstKernel.add(l.substring(11));
                    } else if (l.startsWith("KV2: DMESG ")) {
                        secondKernel.add(l.substring(11));
                    } else if (l.startsWith("KV1: KEXEC ")) {
                        kexecLines.add(l.substring(11));
                    } else if (l.equals("KV1: USERSPACE") || l.equals("KV2: USERSPACE")) {
                        progress(l.startsWith("KV1") ? "first kernel reached userspace" : "second kernel reached userspace");
                    } else if (l.equals("KV1: LOAD")) {
                        progress("kexec -l (symbols: " + symbols.size() + ")");
                        startObserver();
                    } else if (l.startsWith("KV1: LOAD_FAILED rc=")) {
                        String rc = l.substring(17);
                        return new KexecOutcome.SetupFailed("kexec -l failed (" + rc + (rc.equals("rc=139") ? ", SIGSEGV" : "") + ")"
                                + (lastOops.isEmpty() ? ": " + loadFailure()
                                        : ", the kernel oopsed in the syscall: " + lastOops + (oopsPc.isEmpty() ? "" : "; " + oopsPc)));
                    } else if (l.equals("KV1: KEXEC_E")) {
                        tKexec = now;
                        phase = Phase.RELOCATION;
                        monitor = logInt();
                        progress("kexec -e" + (kexecLines.isEmpty() ? "" : " (" + kexecLines.size() + " placement lines)"));
                    } else if (l.startsWith("KV1: KEXEC_E_RETURNED")) {
                        if (phase == Phase.RELOCATION && !lastOops.isEmpty()) {
                            // the first kernel oopsed inside kexec -e (reboot(2)) and killed the caller: the relocation code
                            // faulted into the old kernel's handler; the old kernel lives on, but the kexec did not happen
                            return new KexecOutcome.Panic(phase, "oops in kexec -e, the syscall returned (" + l.substring(22).strip()
                                    + "): the old kernel survived, no kexec", lastOops + (oopsPc.isEmpty() ? "" : "; " + oopsPc));
                        }
                        return new KexecOutcome.SetupFailed("kexec -e returned: " + l);
                    } else if (phase == Phase.RELOCATION && (l.contains("Booting Linux on physical CPU") || l.contains("Linux version"))) {
                        phase = Phase.SECOND_KERNEL;
                        progress("second kernel: " + l.strip());
                    } else if (l.contains("Kernel panic - not syncing")) {
                        return new KexecOutcome.Panic(phase, l.strip(), lastOops);
                    } else if (l.contains("Unable to handle kernel") || l.contains("Internal error:") || l.contains("BUG:")
                            || l.contains("Bad mode")) {
                        if (lastOops.isEmpty() || l.contains("Unable to handle")) lastOops = l.replaceFirst("^\\[[^]]*\\]\\s*", "");
                    } else if (!lastOops.isEmpty() && oopsPc.isEmpty() && l.matches(".*\\]\\s+pc : .*")) {
                        oopsPc = l.replaceFirst("^\\[[^]]*\\]\\s*", "").strip();
                    } else if (l.equals("SECOND KERNEL UP")) {
                        return secondKernelUp();
                    }
                }
            } finally {
                if (monitor != null) {
                    try {
                        monitor.close();
                    } catch (IOException ignored) {
                        // QEMU is going away
                    }
                }
            }
        }

        private String loadFailure() {
            List<String> f = new ArrayList<>();
            for (String t : tail) {
                if (t.startsWith("KV1: LOAD_FAILED ") && !t.startsWith("KV1: LOAD_FAILED rc=")) f.add(t.substring(17));
            }
            return String.join(" | ", f);
        }

        private KexecOutcome secondKernelUp() {
            int el = -1;
            String elLine = "";
            boolean vhe = false;
            for (String s : secondKernel) {
                Matcher m = STARTED_AT.matcher(s);
                if (m.find()) {
                    el = Integer.parseInt(m.group(1));
                    elLine = s.strip();
                }
                if (VHE.matcher(s).find()) vhe = true;
            }
            return new KexecOutcome.SecondKernelUp(el, vhe, elLine);
        }

        /** Turns QEMU's -d int on through the monitor: the exception log a hang is summarised from. */
        private SocketChannel logInt() {
            try {
                SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
                ch.connect(UnixDomainSocketAddress.of(work.resolve("mon.sock")));
                ch.write(ByteBuffer.wrap("log int\n".getBytes(StandardCharsets.US_ASCII)));
                return ch;
            } catch (IOException e) {
                progress("no -d int log (monitor: " + e.getMessage() + ")");
                return null;
            }
        }

        private void startObserver() {
            if (observer == null || observerThread != null) return;
            observerThread = new Thread(() -> {
                try {
                    observer.firstKernelReady(this);
                } catch (Exception e) {
                    progress("observer failed: " + e);
                } finally {
                    held.set(false);
                }
            }, "real-kernel-observer");
            observerThread.setDaemon(true);
            observerThread.start();
        }

        private RunResult result(KexecOutcome o) {
            long end = System.nanoTime();
            Duration wall = Duration.ofNanos(end - t0);
            Duration toKexec = tKexec == null ? null : Duration.ofNanos(tKexec - t0);
            Duration up = tKexec != null && o instanceof KexecOutcome.SecondKernelUp ? Duration.ofNanos(end - tKexec) : null;
            progress(o + " after " + RunResult.seconds(wall));
            if (options.consoleLogs() != null) {
                try {
                    Files.createDirectories(options.consoleLogs());
                    Path log = options.consoleLogs().resolve(suite.codename() + "-" + cpu.qemuCpu().replace(',', '_') + ".console.log");
                    Files.writeString(log, "# " + cmdline + "\n# " + o + "\n" + console);
                    progress("console: " + log.toAbsolutePath());
                } catch (IOException e) {
                    progress("console log not written: " + e.getMessage());
                }
            }
            return new RunResult(suite, cpu, g.kernel(), g.packages(), o, wall, toKexec, up, Map.copyOf(symbols), List.copyOf(kexecLines),
                    List.copyOf(firstKernel), List.copyOf(secondKernel), List.copyOf(tail), cmdline);
        }

        private static void daemon(String name, Runnable r) {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            t.start();
        }

        @Override
        public Suite suite() {
            return suite;
        }

        @Override
        public GuestCpu cpu() {
            return cpu;
        }

        @Override
        public PackageVersion kernel() {
            return g.kernel();
        }

        @Override
        public Path gdbSocket() {
            return work.resolve("gdb.sock");
        }

        @Override
        public Path image() {
            return g.image();
        }

        @Override
        public Map<String, Long> symbols() {
            return Map.copyOf(symbols);
        }

        @Override
        public void hold(boolean h) {
            held.set(h);
            markLine(System.nanoTime());
        }

        @Override
        public void progress(String line) {
            out.printf("%s %6.1f s  %s%n", tag, (System.nanoTime() - t0) / 1e9, line);
        }
    }
}
