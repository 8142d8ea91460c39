package org.kexecverify.emulator.bench;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.programs.KexecSetup;
import org.kexecverify.emulator.programs.KexecSetup.Design;

/**
 * The emulator's speed benchmark: relocates an image of the given size with a design's program (default: the
 * v5.16 EL1 loop, MMU and caches on, 25 MiB as in the v18 Stingray measurement) several times and prints
 * instructions per second and wall time per run. Each run must reach the new image with every destination
 * page equal to its source, or the benchmark fails. Wall time and the run thread's CPU time are both printed:
 * on a shared machine the CPU time is the steadier figure. The first runs include JIT compilation; a pre-touched
 * heap keeps page faults for the ~100 MB each run allocates (RAM pages and D-cache lines) out of the figure.
 *
 * <pre>
 *   java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp emulator.jar:models.jar org.kexecverify.emulator.bench.Bench [MiB] [runs] [design]
 * </pre>
 */
public final class Bench {
    private Bench() {
    }

    private static long gcMillis() {
        long t = 0;
        for (GarbageCollectorMXBean b : ManagementFactory.getGarbageCollectorMXBeans()) {
            t += Math.max(0, b.getCollectionTime());
        }
        return t;
    }

    public static void main(String[] args) {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 25;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Design design = args.length > 2 ? Design.valueOf(args[2].toUpperCase(Locale.ROOT)) : Design.UPSTREAM_V5_16;
        System.out.printf("design %s, image %d MiB, %d runs%n", design, mib, runs);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double best = 0;
        long bestNanos = Long.MAX_VALUE;
        long bestCpu = Long.MAX_VALUE;
        for (int i = 1; i <= runs; i++) {
            long t0 = System.nanoTime();
            KexecSetup.Prepared p = KexecSetup.of(design).imageBytes(mib << 20).seed(i).build();
            long gc0 = gcMillis();
            long c1 = threads.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            RunResult r = p.run(10_000_000_000L);
            long t2 = System.nanoTime();
            long c2 = threads.getCurrentThreadCpuTime();
            long gc = gcMillis() - gc0;
            if (!(r instanceof RunResult.Completed c)) {
                System.out.println("FAILED: " + r);
                System.exit(1);
                return;
            }
            int bad = p.mismatchedDestinations().size();
            if (bad != 0) {
                System.out.println("FAILED: " + bad + " destination pages differ from their sources");
                System.exit(1);
                return;
            }
            double secs = (t2 - t1) / 1e9;
            double ips = c.retired() / secs;
            best = Math.max(best, ips);
            bestNanos = Math.min(bestNanos, t2 - t1);
            bestCpu = Math.min(bestCpu, c2 - c1);
            System.out.printf(Locale.ROOT, "run %d: setup %.3f s, relocation %.3f s wall / %.3f s CPU (GC %d ms), %,d instructions, "
                            + "%.1f M instructions/s wall, %.1f M/s CPU, TLB fills %d%n",
                    i, (t1 - t0) / 1e9, secs, (c2 - c1) / 1e9, gc, c.retired(), ips / 1e6, c.retired() / ((c2 - c1) / 1e9) / 1e6,
                    p.machine().tlb().fills());
        }
        System.out.printf(Locale.ROOT, "best: %.3f s wall (%.1f M instructions/s), %.3f s CPU%n", bestNanos / 1e9, best / 1e6, bestCpu / 1e9);
    }
}
