package org.kexecverify.engines;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Verdict;

/**
 * Runs (scenario, engine) checks on a fixed number of threads. An engine that is not
 * {@link Engine#concurrent() concurrent} runs one check at a time (its checks queue behind each
 * other, in submission order); a concurrent one (tla: the work is in TLC child JVMs) may run on
 * every thread at once. What a check returns never depends on the schedule: each check reads only
 * its plan, and the caller collects results in its own order.
 *
 * <pre>
 *   submit(plan, engine) --(pool of N threads, per-engine gate)--> Future&lt;List&lt;Verdict&gt;&gt;
 * </pre>
 */
public final class EngineRuns implements AutoCloseable {
    private final ExecutorService pool;
    private final int jobs;
    private final Map<Engine, Semaphore> gates = new IdentityHashMap<>();

    /** @param jobs threads (1: every check in submission order, on one thread) */
    public EngineRuns(List<Engine> engines, int jobs) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be >= 1");
        this.jobs = jobs;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(jobs, r -> {
            Thread t = new Thread(r, "kexec-verify-check-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        for (Engine e : engines) gates.put(e, new Semaphore(e.concurrent() ? jobs : 1, true));
    }

    /** The default number of threads: the cores this JVM may use. */
    public static int defaultJobs() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }

    /** {@code --jobs} as given on a command line: the cores when absent, else 1..256 (a usage error otherwise). */
    public static int jobsOption(Integer given) {
        if (given == null) return defaultJobs();
        if (given < 1 || given > 256) throw new org.kexecverify.cli.BadInput("--jobs: must be 1..256, got " + given);
        return given;
    }

    /** {@code --timeout SECONDS} of check and mutate: 1..86400, else one line of bad input. */
    public static long timeoutOption(long seconds) {
        if (seconds <= 0 || seconds > 86_400) throw new org.kexecverify.cli.BadInput("--timeout: must be 1..86400 seconds, got " + seconds);
        return seconds;
    }

    public int jobs() {
        return jobs;
    }

    /** One finished check: its verdicts and the wall time the check itself took (not its time in the queue). */
    public record Timed(List<Verdict> verdicts, long nanos) {}

    /** Runs {@code engine.check(plan)} when a thread and the engine's gate are free. */
    public CompletableFuture<Timed> submit(RelocationPlan plan, Engine engine) {
        Semaphore gate = gates.get(engine);
        if (gate == null) throw new IllegalArgumentException("engine " + engine.name() + " was not given to this EngineRuns");
        return CompletableFuture.supplyAsync(() -> {
            gate.acquireUninterruptibly();
            try {
                long t0 = System.nanoTime();
                List<Verdict> vs = engine.check(plan);
                return new Timed(vs, System.nanoTime() - t0);
            } finally {
                gate.release();
            }
        }, pool);
    }

    /** The result of a submitted check; what the check threw is rethrown as it was thrown. */
    public static List<Verdict> join(CompletableFuture<Timed> f) {
        try {
            return f.get().verdicts();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for an engine", e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        } catch (CompletionException e) {
            throw rethrow(e.getCause());
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof CompletionException c && c.getCause() != null) t = c.getCause();
        if (t instanceof RuntimeException r) throw r;
        if (t instanceof Error err) throw err;
        throw new IllegalStateException(t);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
