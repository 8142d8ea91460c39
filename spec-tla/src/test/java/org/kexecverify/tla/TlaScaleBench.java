package org.kexecverify.tla;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Measures the largest configuration (destination pages, placements) each bundled design checks
 * within a time budget: {@code java -cp ... org.kexecverify.tla.TlaScaleBench [seconds]}.
 * Not a unit test: speed is measured, not asserted.
 */
public final class TlaScaleBench {
    private TlaScaleBench() {}

    public static void main(String[] args) throws Exception {
        int budget = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        int free = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        TlcRunner runner = TlcRunner.located();
        for (ScaledDesigns.Variant v : ScaledDesigns.Variant.values()) {
            for (int n = 1; n <= 12; n++) {
                PageModel m = ScaledDesigns.build(v, n, free);
                Path dir = Files.createTempDirectory("tla-bench");
                TlaExporter.write(m, dir);
                String cfg = v == ScaledDesigns.Variant.UPSTREAM_LIVENESS ? m.name() + "Liveness.cfg" : m.name() + ".cfg";
                TlcResult r = runner.run(new TlcJob(dir, m.name(), cfg, Duration.ofSeconds(budget), 4096, 1, "Termination")).result();
                String what = r instanceof TlcResult.NoError ? "holds"
                        : r instanceof TlcResult.Violation x ? "violates " + x.property()
                        : "INCONCLUSIVE (" + ((TlcResult.Failure) r).reason() + ")";
                System.out.printf("%-24s dest=%2d placements(kimage x table)=%2d x %2d  %-30s %s%n", v, n,
                        m.kimageCands().size(), m.tableCands().size(), what, r.stats());
                System.out.flush();
                if (r instanceof TlcResult.Failure) break;
            }
        }
    }
}
