package org.kexecverify.smt.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.Walker;
import org.kexecverify.smt.SmtEngine;
import org.kexecverify.smt.SmtInput;
import org.kexecverify.smt.SmtOptions;
import org.kexecverify.smt.bench.IdmapMachine.Leaf;

/**
 * IDMAP_COVERS_CODE for relocation regions of 25 MiB, 4 GiB and 1 TiB identity-mapped at EL2
 * (E2H=0) with PAGE_HYP_EXEC: the Z3 proof time (median of several runs, encoding included) beside
 * the Java walk enumerating the region page by page. The 1 TiB region is mapped with 1 GB blocks,
 * and again with 2 MB blocks for comparison (2^28 page entries would be absurd); its page-by-page
 * enumeration is extrapolated from a measured sample of 2^22 pages, and the output says so.
 *
 * <pre>  java -cp ... org.kexecverify.smt.bench.Bench [runs]</pre>
 */
public final class Bench {
    private Bench() {}

    record Case(String name, long size, Leaf leaf) {}

    public static void main(String[] args) {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        long base = 0x80_0000_0000L;
        List<Case> cases = List.of(new Case("25 MiB", 25L << 20, Leaf.PAGE_4K), new Case("4 GiB", 4L << 30, Leaf.PAGE_4K),
                new Case("1 TiB", 1L << 40, Leaf.BLOCK_1G), new Case("1 TiB", 1L << 40, Leaf.BLOCK_2M));
        List<String> rows = new ArrayList<>();
        double smt25 = 0;
        double smt1t = 0;
        try (SmtEngine engine = new SmtEngine(SmtOptions.DEFAULT)) {
            warmUp(engine);
            for (Case c : cases) {
                long tb = System.nanoTime();
                IdmapMachine m = new IdmapMachine(Regime.EL2, List.of(new RamRange(base, c.size())));
                long attrs = c.leaf() == Leaf.PAGE_4K ? Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3) : IdmapMachine.block(Pgprot.PAGE_HYP_EXEC);
                m.idmap(base, c.size(), attrs, c.leaf()).code("relocation region " + c.name(), base, c.size());
                double buildMs = (System.nanoTime() - tb) / 1e6;
                SmtInput in = m.input("bench-" + c.name().replace(' ', '-'));
                double[] times = new double[runs];
                String outcome = "";
                for (int i = 0; i < runs; i++) {
                    long t0 = System.nanoTime();
                    Verdict v = engine.decide(in, Obligation.IDMAP_COVERS_CODE);
                    times[i] = (System.nanoTime() - t0) / 1e6;
                    outcome = v.outcome();
                    if (!(v instanceof Verdict.Proved)) throw new IllegalStateException(c.name() + ": expected PROVED, got " + v.outcome() + ": " + v.explanation());
                }
                Arrays.sort(times);
                double smt = times[runs / 2];
                if (c.name().equals("25 MiB")) smt25 = smt;
                if (c.name().equals("1 TiB") && c.leaf() == Leaf.BLOCK_1G) smt1t = smt;
                long pages = c.size() >>> PhysicalMemory.PAGE_SHIFT;
                long sample = Math.min(pages, 1L << 22);
                double javaMs = enumerate(m.regs(), m.mem, base, sample);
                String javaCol = sample == pages ? String.format("%.1f ms (measured, %d pages)", javaMs, pages)
                        : String.format("~%.0f ms (extrapolated from %d measured pages: %.1f ms)", javaMs * pages / sample, sample, javaMs);
                rows.add(String.format("| %-7s | %-8s | %11d | %9.1f ms | %s | %s | build %.0f ms, %d table pages |", c.name(),
                        c.leaf() == Leaf.PAGE_4K ? "4 KB" : c.leaf() == Leaf.BLOCK_2M ? "2 MB" : "1 GB", pages, smt, outcome, javaCol, buildMs, m.tables.tablePages().size()));
            }
        }
        System.out.println("IDMAP_COVERS_CODE, EL2 (E2H=0), PAGE_HYP_EXEC identity map; smt = median of " + runs + " runs (encoding + solve)");
        System.out.println("| region  | leaves   | 4 KB pages  | smt proof    | verdict | model engine (Java walk page by page) | notes |");
        System.out.println("|---------|----------|-------------|--------------|---------|---------------------------------------|-------|");
        rows.forEach(System.out::println);
        System.out.printf("1 TiB (1 GB blocks) / 25 MiB smt time ratio: %.2f (target <= 2.0)%n", smt1t / smt25);
    }

    private static void warmUp(SmtEngine engine) {
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(0x4100_0000L, 1L << 20, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("warm-up", 0x4100_0000L, 1L << 20);
        for (int i = 0; i < 3; i++) engine.decide(m.input("warm-up"), Obligation.IDMAP_COVERS_CODE);
        for (int i = 0; i < 3; i++) enumerate(m.regs(), m.mem, 0x4100_0000L, 256);
    }

    /** Walks {@code pages} pages from {@code base} as the model engine does; returns ms. */
    static double enumerate(TranslationRegs regs, PhysicalMemory mem, long base, long pages) {
        long t0 = System.nanoTime();
        long bad = 0;
        for (long p = 0; p < pages; p++) {
            long va = base + (p << PhysicalMemory.PAGE_SHIFT);
            Translation t = Walker.translate(regs, mem, va, AccessType.FETCH);
            if (!(t instanceof Translation.Mapped mp) || mp.pa() != va || !mp.attrs().executable()) bad++;
        }
        if (bad != 0) throw new IllegalStateException(bad + " pages not identity-mapped executable");
        return (System.nanoTime() - t0) / 1e6;
    }
}
