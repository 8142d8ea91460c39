package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.Walker;

/**
 * The page abstraction maps concrete walks to the same verdict: for every bundled scenario, every
 * phase with the MMU on, the first, middle and last page of every code and data region, and every
 * access type, the models' Walker runs over the real descriptors; the leaf is exported with
 * {@link WalkLeaves} and TLC evaluates Vmsa.tla's {@code Translate} on it (as an ASSUME). TLC
 * starting the model means every fault kind agreed; a leaf with one bit flipped makes it refuse.
 */
class ConcreteWalkAbstractionTest {

    record Sample(String regime, String root, PageModel.Va va, PageModel.Leaf leaf, String access, boolean wxn,
                  String fault, String where) {}

    static List<Sample> samples() throws Exception {
        List<Sample> out = new ArrayList<>();
        Map<Long, Integer> pages = new HashMap<>();
        Map<Long, Integer> vaPages = new HashMap<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(Path.of("../scenarios"))) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        for (Path f : files) {
            RelocationPlan plan = ScenarioBuilders.build(ScenarioLoader.load(f));
            for (Phase ph : plan.phases()) {
                TranslationRegs regs = ph.regs();
                if (!regs.mmuOn()) continue;
                List<Region> regions = new ArrayList<>(ph.code());
                regions.addAll(ph.data());
                for (Region r : regions) {
                    if (r.size() == 0) continue;
                    long first = r.va() & ~0xfffL;
                    long lastPage = (r.va() + r.size() - 1) & ~0xfffL;
                    long mid = (first + ((lastPage - first) / 2)) & ~0xfffL;
                    for (long va : new long[] {first, mid, lastPage}) {
                        int range = regs.regime().hasTwoRanges() ? (int) (va >>> 63) : 0;
                        long ttbr = range == 0 ? regs.ttbr0() : regs.ttbr1();
                        String root = f.getFileName() + ":" + ph.name() + ":ttbr" + range + "=" + Long.toHexString(ttbr);
                        PageModel.Va v = new PageModel.Va(range, vaPages.computeIfAbsent(va, k -> vaPages.size() + 1));
                        for (AccessType at : AccessType.values()) {
                            Translation t = Walker.translate(regs, plan.memory(), va, at);
                            PageModel.Leaf leaf = WalkLeaves.leaf(regs, t, pa -> pages.computeIfAbsent(pa, k -> pages.size() + 1));
                            out.add(new Sample(regs.regime().name(), root, v, leaf, WalkLeaves.access(at), WalkLeaves.wxn(regs),
                                    WalkLeaves.fault(t), f.getFileName() + " / " + ph.name() + " / " + r.name() + " @0x" + Long.toHexString(va)));
                        }
                    }
                }
            }
        }
        return out;
    }

    static String module(List<Sample> samples) {
        Map<String, PageModel.Leaf> leaves = new LinkedHashMap<>();
        for (Sample s : samples) leaves.put("<<\"" + s.root() + "\", <<" + s.va().range() + ", " + s.va().page() + ">>>>", s.leaf());
        StringBuilder b = new StringBuilder("---- MODULE WalkCheck ----\nEXTENDS Vmsa, TLC\n");
        b.append("Leaves == ");
        List<String> parts = new ArrayList<>();
        leaves.forEach((k, l) -> parts.add("(" + k + " :> " + TlaExporter.leaf(l) + ")"));
        b.append(String.join(" @@\n  ", parts)).append('\n');
        b.append("Facts == {");
        List<String> facts = new ArrayList<>();
        for (Sample s : samples) {
            facts.add("[regime |-> \"" + s.regime() + "\", key |-> <<\"" + s.root() + "\", <<" + s.va().range() + ", "
                    + s.va().page() + ">>>>, access |-> \"" + s.access() + "\", wxn |-> " + (s.wxn() ? "TRUE" : "FALSE")
                    + ", fault |-> \"" + s.fault() + "\"]");
        }
        b.append(String.join(",\n  ", facts)).append("}\n");
        // WalkOptions.DEFAULT fetches Device memory as Normal Non-cacheable: DeviceFetchFaults = FALSE
        b.append("ASSUME \\A f \\in Facts : Translate(f.regime, Leaves[f.key], f.access, f.wxn, FALSE).fault = f.fault\n");
        b.append("VARIABLE x\nInit == x = 0\nNext == UNCHANGED x\n====\n");
        return b.toString();
    }

    static TlcResult check(List<Sample> samples, Path dir) throws Exception {
        TlaModules.copyTo(dir);
        Files.writeString(dir.resolve("WalkCheck.tla"), module(samples));
        Files.writeString(dir.resolve("WalkCheck.cfg"), "INIT Init\nNEXT Next\n");
        return TlcRunner.located().run(new TlcJob(dir, "WalkCheck", "WalkCheck.cfg", Duration.ofSeconds(60), 512, 1, "")).result();
    }

    @Test
    void vmsaReadsEveryExportedLeafAsTheJavaWalkDid(@TempDir Path dir) throws Exception {
        List<Sample> samples = samples();
        assertTrue(samples.size() >= 30, "too few concrete walks: " + samples.size());
        System.out.println("concrete walks checked against Vmsa.tla: " + samples.size());
        assertTrue(samples.stream().anyMatch(s -> s.regime().equals("EL2") && s.access().equals("fetch")
                        && s.fault().equals("PERMISSION") && s.leaf().bit54()),
                "expected the RFC v2 EL2 code page (bit 54 = XN) among the walks");
        assertTrue(samples.stream().anyMatch(s -> s.fault().equals("NONE")), "expected successful walks");
        TlcResult r = check(samples, dir);
        assertInstanceOf(TlcResult.NoError.class, r, () -> r + "\n" + module(samples));
    }

    @Test
    void aFlippedXnBitIsCaught(@TempDir Path dir) throws Exception {
        List<Sample> samples = new ArrayList<>(samples());
        Sample xn = samples.stream().filter(s -> s.regime().equals("EL2") && s.access().equals("fetch")
                && s.fault().equals("PERMISSION") && s.leaf().bit54()).findFirst().orElseThrow();
        PageModel.Leaf l = xn.leaf();
        PageModel.Leaf flipped = new PageModel.Leaf(l.valid(), l.level(), l.pa(), l.af(), l.ap2(), l.ap1(), l.pxn(),
                false, l.pxnTable(), l.xnTable(), l.apTable2(), l.device());
        samples.replaceAll(s -> s.root().equals(xn.root()) && s.va().equals(xn.va())
                ? new Sample(s.regime(), s.root(), s.va(), flipped, s.access(), s.wxn(), s.fault(), s.where()) : s);
        TlcResult r = check(samples, dir);
        TlcResult.Failure f = assertInstanceOf(TlcResult.Failure.class, r, r::toString);
        assertTrue(f.reason().contains("2104"), "expected TLC's assumption-false error, got: " + f.reason());
    }
}
