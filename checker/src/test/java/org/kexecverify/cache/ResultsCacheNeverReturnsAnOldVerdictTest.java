package org.kexecverify.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.cli.Scenarios;
import org.kexecverify.engines.ModelEngineAdapter;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;

/**
 * The results cache answers an unchanged plan from disk and a changed one afresh: one PXN bit
 * set in the leaf that maps the relocation code turns the cached IDMAP_COVERS_CODE PROVED into a
 * fresh REFUTED. A result the machine decided (a timeout) is never stored; a damaged entry is a miss.
 */
class ResultsCacheNeverReturnsAnOldVerdictTest {
    private static Verdict idmap(List<Verdict> vs) {
        return vs.stream().filter(v -> v.obligation() == Obligation.IDMAP_COVERS_CODE).findFirst().orElseThrow();
    }

    @Test
    void onePxnBitInTheCodeLeafIsANewKeyAndANewVerdict(@TempDir Path dir) throws Exception {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/upstream-el2.yaml"));
        CachedEngine engine = new CachedEngine(new ModelEngineAdapter(WalkOptions.DEFAULT, org.kexecverify.model.progress.Progress.NONE),
                List.of(WalkOptions.DEFAULT), new ResultsCache(dir));

        Verdict first = idmap(engine.check(plan));
        assertInstanceOf(Verdict.Proved.class, first, first::toString);
        assertEquals(0, engine.hits());
        Verdict again = idmap(engine.check(plan));
        assertEquals(1, engine.hits(), "the unchanged plan was decided again instead of read from the cache");
        assertEquals(first, again);

        // the code's first page, as the EL1 phase fetches it: set PTE_PXN in the leaf descriptor
        Phase el1 = plan.phases().get(0);
        Region code = el1.code().get(0);
        Translation t = Walker.translate(el1.regs(), plan.memory(), code.va(), AccessType.FETCH, 4, WalkOptions.DEFAULT);
        Translation.Mapped m = assertInstanceOf(Translation.Mapped.class, t, t::toString);
        WalkStep leaf = m.steps().get(m.steps().size() - 1);
        PhysicalMemory changed = plan.memory().copyOf();
        changed.write64(leaf.descriptorAddress(), DescriptorBits.PXN.set(leaf.descriptor(), 1));
        RelocationPlan flipped = plan.withMemory(changed);

        Verdict after = idmap(engine.check(flipped));
        assertEquals(1, engine.hits(), "the plan with PTE_PXN set was answered from the cache");
        assertInstanceOf(Verdict.Refuted.class, after, () -> "PTE_PXN set at 0x" + Long.toHexString(leaf.descriptorAddress())
                + " in " + m.steps() + ", yet: " + after);
        Verdict fresh = idmap(new ModelEngineAdapter(WalkOptions.DEFAULT, org.kexecverify.model.progress.Progress.NONE).check(flipped));
        assertEquals(fresh.outcome(), after.outcome());
    }

    @Test
    void theCanonicalFormHasNoIdentityHashesAndCoversMemory() throws Exception {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/upstream-el2.yaml"));
        String text = Canonical.text(plan);
        var identity = Pattern.compile("@[0-9a-f]{6,}\\b").matcher(text);
        assertFalse(identity.find(), () -> "an identity hash code in the canonical form: ..." + text.substring(Math.max(0, identity.start() - 80), identity.end()));
        assertTrue(text.contains("mem("), "memory is not part of the canonical form");
        assertEquals(Canonical.sha256(plan), Canonical.sha256(plan));
    }

    @Test
    void aTimedOutVerdictIsNeverStoredAndADamagedEntryIsAMiss(@TempDir Path dir) throws Exception {
        ResultsCache cache = new ResultsCache(dir);
        Stats st = new Stats("tla", 20_000, 0, "distinct states");
        cache.put("a".repeat(64), List.of(new Verdict.Inconclusive(Obligation.NO_CLOBBER, "TLC did not decide NoClobber: TLC timed out after 20 s", st)));
        assertTrue(cache.get("a".repeat(64)).isEmpty(), "a timeout was cached");

        List<Verdict> ok = List.of(new Verdict.Proved(Obligation.NO_CLOBBER, "TLC explored all 46 distinct states", new Stats("tla", 1000, 46, "distinct states")));
        cache.put("b".repeat(64), ok);
        assertEquals(ok, cache.get("b".repeat(64)).orElseThrow());
        Path f;
        try (var s = Files.walk(dir)) {
            f = s.filter(p -> p.getFileName().toString().startsWith("bbbb")).findFirst().orElseThrow();
        }
        Files.writeString(f, "{\"key\": \"" + "b".repeat(64) + "\", \"verdicts\": [{\"outcome\": \"PROV");
        assertTrue(cache.get("b".repeat(64)).isEmpty(), "a damaged entry was read");
    }
}
