package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter's instance of the v5.16 design, checked by plain TLC in the export directory,
 * gives the hand-written model's answer with the same distinct-state count (pinned in
 * tla-models/manifest.json); the kimage-after-loop variant finds the same placement; and an
 * exported leaf that Vmsa reads differently from the Java walk stops TLC (ASSUME) instead of
 * producing a verdict.
 */
class ExportedInstanceMatchesHandWrittenModelTest {

    private static TlcResult check(PageModel m, Path dir, String cfg) throws Exception {
        TlaExporter.write(m, dir);
        return TlcRunner.located().run(new TlcJob(dir, m.name(), cfg, Duration.ofSeconds(60), 1024, 1, "Termination")).result();
    }

    private static long pinned(String name) {
        return BundledModels.manifest().stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow().distinctStates();
    }

    @Test
    void upstreamExportHoldsWithTheHandWrittenStateCount(@TempDir Path dir) throws Exception {
        PageModel m = UpstreamPageModel.upstream();
        TlcResult r = check(m, dir, m.name() + ".cfg");
        TlcResult.NoError ok = assertInstanceOf(TlcResult.NoError.class, r, () -> r + "\n" + TlaExporter.module(m));
        assertEquals(pinned("upstream-v5.16"), ok.stats().distinctStates());
        assertTrue(Files.exists(dir.resolve("KexecVerify.tla")), "export directory must be self-contained");
    }

    @Test
    void upstreamExportTerminates(@TempDir Path dir) throws Exception {
        PageModel m = UpstreamPageModel.upstream();
        TlcResult r = check(m, dir, m.name() + "Liveness.cfg");
        TlcResult.NoError ok = assertInstanceOf(TlcResult.NoError.class, r, r::toString);
        assertEquals(pinned("upstream-v5.16-liveness"), ok.stats().distinctStates());
    }

    @Test
    void kimageReadAfterLoopExportFindsTheDestinationPlacement(@TempDir Path dir) throws Exception {
        PageModel m = UpstreamPageModel.kimageReadAfterLoop();
        TlcResult r = check(m, dir, m.name() + ".cfg");
        TlcResult.Violation v = assertInstanceOf(TlcResult.Violation.class, r, r::toString);
        assertEquals("NoClobber", v.property(), v.trace().describe());
        assertEquals(2L, v.trace().last().vars().get("kimagePage"), v.trace().describe());
        assertEquals(pinned("kimage-read-after-loop"), v.stats().distinctStates());
    }

    @Test
    void leafReadDifferentlyFromTheJavaWalkStopsTlc(@TempDir Path dir) throws Exception {
        PageModel good = UpstreamPageModel.upstream();
        List<PageModel.WalkFact> facts = new ArrayList<>(good.walkFacts());
        // claim the PAGE_KERNEL_ROX idmap page is executable at non-VHE EL2: Vmsa says bit 54 = XN
        facts.add(new PageModel.WalkFact("EL2", "idmap", UpstreamPageModel.id(3), "fetch", false, "NONE"));
        PageModel bad = new PageModel(good.name(), good.el2Regime(), good.initEl(), good.bootEl(), good.program(), good.tables(),
                good.initSys(), good.initTlb(), good.walkValid(), good.vectorCode(), good.entries(), good.destPages(),
                good.kimageCands(), good.tableCands(), good.placedRoots(), good.fixedTablePages(), good.vectorPages(),
                good.initIcStale(), good.deviceFetchFaults(), facts);
        TlcResult r = check(bad, dir, bad.name() + ".cfg");
        TlcResult.Failure f = assertInstanceOf(TlcResult.Failure.class, r, r::toString);
        assertTrue(f.reason().contains("2104") || f.reason().toLowerCase().contains("assum"), f.reason());
    }
}
