package org.kexecverify.emulator.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a batch of cases in one {@code qemu-system-aarch64 -M virt,virtualization=on} boot (the CPU
 * starts at EL2) and reads one result line per case from the PL011 UART.
 *
 * <pre>
 *   boot --"B mmfr0 mmfr1 midr el"--> case i --"R i kind esr far elr"--> case i+1 ... --"D"--> PSCI off
 *                                        |
 *                                        +-- more than FAULT_LOOP_LIMIT exceptions without a result
 *                                        |   line (QEMU's -d int log on stderr), or no line within the
 *                                        |   silence limit: case i HANGs;
 *                                        +-- kill QEMU, reboot the same image starting at i+1
 * </pre>
 *
 * The fault counter makes a hang cost milliseconds instead of the silence limit: a vector fetch
 * that faults re-takes the same Prefetch Abort forever, and QEMU logs each one.
 */
public final class QemuRunner {

    /** System property: silence (ms) after which a running case counts as hung. */
    public static final String HANG_MILLIS_PROPERTY = "kexecverify.qemu.hangMillis";
    private static final String EOF_MARK = "\u0000EOF";
    /** Exceptions taken without a result line after which the case counts as stuck in a fault loop. */
    static final int FAULT_LOOP_LIMIT = 200;
    private static final long POLL_MILLIS = 5;

    private final Toolchain tools;
    private final HarnessProgram program;
    private final Path workDir;
    private final Duration hangLimit;
    private final Duration bootLimit = Duration.ofSeconds(20);

    public QemuRunner(Toolchain tools, HarnessProgram program, Path workDir, Duration hangLimit) {
        this.tools = tools;
        this.program = program;
        this.workDir = workDir;
        this.hangLimit = hangLimit;
    }

    /** Silence limit from {@value #HANG_MILLIS_PROPERTY}, default 300 ms. */
    public static Duration defaultHangLimit() {
        return Duration.ofMillis(Long.getLong(HANG_MILLIS_PROPERTY, 300L));
    }

    /** Runs all cases on {@code cpu}; outcomes are in case order. */
    public BatchResult run(Cpu cpu, List<BareMetalCase> cases) {
        CaseImageBuilder.Image image = new CaseImageBuilder(program).build(cases);
        List<RawOutcome> outcomes = new ArrayList<>(cases.size());
        BootInfo boot = null;
        int boots = 0;
        long t0 = System.nanoTime();
        try {
            Path file = Files.createTempFile(Files.createDirectories(workDir), "cases", ".img");
            try {
                image.writeTo(file, 0);
                while (outcomes.size() < cases.size() || boots == 0) {
                    boots++;
                    image.patchStart(file, outcomes.size());
                    BootInfo b = runOnce(cpu, file, outcomes, cases.size());
                    if (boot == null) {
                        boot = b;
                    }
                }
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running qemu-system-aarch64", e);
        }
        return new BatchResult(cpu, boot, List.copyOf(outcomes), boots,
                Duration.ofNanos(System.nanoTime() - t0));
    }

    private BootInfo runOnce(Cpu cpu, Path image, List<RawOutcome> outcomes, int total) throws IOException {
        List<String> cmd = List.of(tools.qemu().toString(),
                "-M", "virt,virtualization=on", "-cpu", cpu.qemuName(), "-m", "4G", "-smp", "1",
                "-nographic", "-monitor", "none", "-nic", "none", "-d", "int", "-kernel", image.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        java.util.concurrent.atomic.AtomicLong exceptions = new java.util.concurrent.atomic.AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> lastEsr = new java.util.concurrent.atomic.AtomicReference<>("");
        Thread log = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.US_ASCII))) {
                for (String l; (l = r.readLine()) != null; ) {
                    if (l.startsWith("Taking exception")) {
                        exceptions.incrementAndGet();
                    } else if (l.startsWith("...with ESR")) {
                        lastEsr.set(l.substring(3));
                    }
                }
            } catch (IOException ignored) {
                // process killed
            }
        }, "qemu-int-log");
        log.setDaemon(true);
        log.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                }
            } catch (IOException ignored) {
                // process killed: the EOF mark below ends the wait
            } finally {
                lines.add(EOF_MARK);
            }
        }, "qemu-uart");
        reader.setDaemon(true);
        reader.start();
        try {
            String first = poll(lines, bootLimit);
            if (first == null || !first.startsWith("B ")) {
                throw new IllegalStateException("qemu did not boot the harness: " + (first == null ? "silence" : first)
                        + "\n  " + String.join(" ", cmd));
            }
            BootInfo boot = BootInfo.parse(first);
            long mark = exceptions.get();
            long lastLine = System.nanoTime();
            while (true) {
                String line = poll(lines, Duration.ofMillis(POLL_MILLIS));
                if (line == null) {
                    long silent = (System.nanoTime() - lastLine) / 1_000_000;
                    long taken = exceptions.get() - mark;
                    if (taken > FAULT_LOOP_LIMIT) {
                        outcomes.add(new RawOutcome.Hung(silent, taken, lastEsr.get()));
                        return boot;
                    }
                    if (silent > hangLimit.toMillis()) {
                        outcomes.add(new RawOutcome.Hung(silent, taken, lastEsr.get()));
                        return boot;
                    }
                    continue;
                }
                lastLine = System.nanoTime();
                if (line.equals("D")) {
                    if (outcomes.size() != total) {
                        throw new IllegalStateException("harness finished after " + outcomes.size() + " of " + total);
                    }
                    return boot;
                }
                if (line.startsWith("R ")) {
                    outcomes.add(parseResult(line, outcomes.size()));
                    mark = exceptions.get();
                    continue;
                }
                if (line.equals(EOF_MARK)) {
                    throw new IllegalStateException("qemu exited at case " + outcomes.size() + " of " + total);
                }
                if (line.startsWith("X ")) {
                    throw new IllegalStateException("harness took an unexpected exception at EL2 (index esr elr): " + line);
                }
                // anything else (qemu warnings) is ignored
            }
        } finally {
            p.destroyForcibly();
            try {
                p.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String poll(BlockingQueue<String> q, Duration limit) {
        try {
            return q.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static RawOutcome parseResult(String line, int expectedIndex) {
        String[] f = line.split(" ");
        if (f.length != 6) {
            throw new IllegalStateException("malformed result line: " + line);
        }
        long index = Long.parseUnsignedLong(f[1], 16);
        if (index != expectedIndex) {
            throw new IllegalStateException("result for case " + index + ", expected " + expectedIndex + ": " + line);
        }
        long kind = Long.parseUnsignedLong(f[2], 16);
        if (kind == 0) {
            return new RawOutcome.Completed();
        }
        return new RawOutcome.Trapped(RawOutcome.VectorSlot.ofKind(kind), Long.parseUnsignedLong(f[3], 16),
                Long.parseUnsignedLong(f[4], 16), Long.parseUnsignedLong(f[5], 16));
    }

    /** ID registers the harness printed at boot: the model needs PARange from ID_AA64MMFR0_EL1. */
    public record BootInfo(long idAa64mmfr0, long idAa64mmfr1, long midr, long currentEl) {
        static BootInfo parse(String line) {
            String[] f = line.trim().split(" ");
            return new BootInfo(Long.parseUnsignedLong(f[1], 16), Long.parseUnsignedLong(f[2], 16),
                    Long.parseUnsignedLong(f[3], 16), Long.parseUnsignedLong(f[4], 16));
        }
    }

    /** Outcomes of one batch plus what it cost (boots &gt; 1 means hangs forced reboots). */
    public record BatchResult(Cpu cpu, BootInfo boot, List<RawOutcome> outcomes, int boots, Duration elapsed) {
    }
}
