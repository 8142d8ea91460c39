package org.kexecverify.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.smt.bench.IdmapMachine;
import org.kexecverify.smt.bench.IdmapMachine.Leaf;
import org.kexecverify.smt.placement.PlacementPlan;

/** Every exported .smt2 file gets the engine's answer from stock /usr/bin/z3: sat = refuted, unsat = proved. */
class ExportedSmt2AnsweredByStockZ3Test {
    static final Path Z3 = Path.of("/usr/bin/z3");

    static String runZ3(Path file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Z3.toString(), "-T:60", file.toString()).redirectErrorStream(true).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timeout";
        }
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    }

    @Test
    void bundledScenarioExportsAreAnsweredByStockZ3(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Z3), "stock z3 not installed at /usr/bin/z3");
        Path f = Path.of("..", "scenarios", "rfc-v2-el2.yaml");
        Assumptions.assumeTrue(Files.isRegularFile(f), "bundled scenario rfc-v2-el2.yaml not present");
        var plan = org.kexecverify.model.scenario.ScenarioBuilders.build(org.kexecverify.kernels.ResolvedScenarios.load(f));
        try (SmtEngine engine = new SmtEngine(SmtOptions.DEFAULT)) {
            List<Path> files = Smt2Export.write(engine, plan, dir, true);
            assertFalse(files.isEmpty());
            int sat = 0;
            for (Path p : files) {
                long t0 = System.nanoTime();
                String a = runZ3(p);
                System.out.printf("%s: %s in %d ms (%d bytes)%n", p.getFileName(), a, (System.nanoTime() - t0) / 1_000_000, Files.size(p));
                assertTrue(a.equals("sat") || a.equals("unsat"), p + ": z3 said " + a);
                if (a.equals("sat")) sat++;
            }
            assertTrue(sat > 0, "the RFC v2 EL2 design exports at least one refutable query");
        }
    }

    @Test
    void stockZ3AgreesWithTheEngineOnEveryExportedQuery(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Z3), "stock z3 not installed at /usr/bin/z3");
        long code = 0x4100_0000L;
        List<SmtInput> inputs = new ArrayList<>();
        IdmapMachine bad = new IdmapMachine(Regime.EL2).idmap(code, 25L << 20, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", code, 25L << 20).vbar(0x4008_0800L)
                .region(Region.data("entry list", code, code + 0x1000, AccessType.WRITE, true));
        inputs.add(bad.input("rfc-v2-el2").withPlacement(new PlacementPlan(KimageClobberedDuringRelocationTest.SEGMENTS,
                List.of(PlacementPlan.PlacedObject.controlPage("relocation code page"), PlacementPlan.PlacedObject.kimage(2)), true)));
        IdmapMachine good = new IdmapMachine(Regime.EL2).idmap(code, 25L << 20, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", code, 25L << 20).vbar(code + 0x800)
                .region(Region.data("entry list", code, code + 0x1000, AccessType.READ, true));
        inputs.add(good.input("fixed-el2").withPlacement(new PlacementPlan(KimageClobberedDuringRelocationTest.SEGMENTS,
                List.of(PlacementPlan.PlacedObject.controlPage("relocation code page"), PlacementPlan.PlacedObject.kimage(0)), true)));
        int files = 0;
        try (SmtEngine engine = new SmtEngine(SmtOptions.DEFAULT)) {
            for (SmtInput in : inputs) {
                List<Path> written = Smt2Export.write(engine, in, dir);
                assertEquals(SmtEngine.DECIDES.size(), written.size(), "one file per obligation");
                for (Obligation o : SmtEngine.DECIDES) {
                    Verdict v = engine.decide(in, o);
                    assertFalse(v instanceof Verdict.Inconclusive, v.explanation());
                    Path f = dir.resolve(Smt2Export.fileName(in, o));
                    String answer = runZ3(f);
                    String expected = v instanceof Verdict.Refuted ? "sat" : "unsat";
                    assertEquals(expected, answer, in.name() + " " + o + ": engine said " + v.outcome() + " (" + v.explanation() + "), z3 " + f + " said " + answer);
                    files++;
                }
            }
        }
        assertEquals(10, files);
        try (var s = Files.list(dir)) {
            assertEquals(0, s.filter(p -> p.getFileName().toString().endsWith(".tmp")).count(), "no temporary files left");
        }
    }
}
