package org.kexecverify.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kexecverify.cli.Scenarios;
import org.kexecverify.model.engine.ModelEngine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;

/**
 * The bundled scenarios' model-engine verdicts, pinned, with each scenario's code resolved (Linux 6.1/6.12
 * built from Debian's packages on first use, project .S files assembled by GNU as). The expectations live here, in the test;
 * the engine derives its verdicts from the walk. A failure prints the explanation and the walk.
 */
class BundledScenarioModelVerdictsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "rfc-v2-el2|REFUTED|REFUTED|PROVED|PROVED|PROVED|PROVED",
            "rfc-v2-el1|PROVED|PROVED|PROVED|PROVED|PROVED|PROVED",
            "rfc-v2-el2h|REFUTED|REFUTED|REFUTED|REFUTED|PROVED|PROVED",
            "rfc-v2-el2-fixed|PROVED|PROVED|PROVED|PROVED|PROVED|PROVED",
            "upstream-el2|PROVED|PROVED|PROVED|PROVED|PROVED|PROVED",
            "upstream-el2h|PROVED|PROVED|PROVED|PROVED|PROVED|PROVED",
            "upstream-el1|PROVED|PROVED|PROVED|PROVED|PROVED|PROVED",
            "upstream-el2-trixie|PROVED|PROVED|PROVED|PROVED|PROVED|PROVED",
            "hibernate-resume|INCONCLUSIVE|INCONCLUSIVE|INCONCLUSIVE|PROVED|INCONCLUSIVE|INCONCLUSIVE",
            "upstream-el2-kimage-after-copy|PROVED|PROVED|PROVED|PROVED|REFUTED|PROVED",
            "upstream-el2-tables-ordinary|PROVED|PROVED|PROVED|PROVED|REFUTED|PROVED",
            "upstream-el2-dc-ivac|PROVED|PROVED|PROVED|PROVED|PROVED|PROVED",
    })
    void verdicts(String name, String idmap, String vectors, String data, String registers, String clobber, String entryEl) throws Exception {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/" + name + ".yaml"));
        Map<Obligation, Verdict> by = new ModelEngine().check(plan).stream().collect(Collectors.toMap(Verdict::obligation, v -> v));
        expect(by, Obligation.IDMAP_COVERS_CODE, idmap);
        expect(by, Obligation.VECTORS_EXECUTABLE, vectors);
        expect(by, Obligation.DATA_ACCESSIBLE, data);
        expect(by, Obligation.REGISTERS_VALID, registers);
        expect(by, Obligation.NO_CLOBBER, clobber);
        expect(by, Obligation.ENTRY_EL_PRESERVED, entryEl);
    }

    private static void expect(Map<Obligation, Verdict> by, Obligation o, String outcome) {
        Verdict v = by.get(o);
        String walk = v instanceof Verdict.Refuted r ? "\n" + r.counterexample().witness().getOrDefault("walk", "") : "";
        assertEquals(outcome, v.outcome(), o + ": " + v.explanation() + walk);
    }

    /** The reviewers' example: the cover letter's dump pasted into a scenario gives the same verdicts as rfc-v2-el2. */
    @org.junit.jupiter.api.Test
    void pastedSeedDumpGivesTheSameVerdictsAsTheBundledScenario() throws Exception {
        RelocationPlan fromDump = Scenarios.plan(Path.of("../examples/seed-2019-el2-from-dump.yaml"));
        RelocationPlan bundled = Scenarios.plan(Path.of("../scenarios/rfc-v2-el2.yaml"));
        List<String> a = new ModelEngine().check(fromDump).stream().map(v -> v.obligation() + "=" + v.outcome()).toList();
        List<String> b = new ModelEngine().check(bundled).stream().map(v -> v.obligation() + "=" + v.outcome()).toList();
        assertEquals(b, a);
    }

    @org.junit.jupiter.api.Test
    void rfcV2El2IsRefutedBecauseOfBit54AtLevel3AndTheHypStubVectorsAreExecuteNeverToo() throws Exception {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/rfc-v2-el2.yaml"));
        List<Verdict> vs = new ModelEngine().check(plan);
        Verdict.Refuted idmap = (Verdict.Refuted) vs.stream().filter(v -> v.obligation() == Obligation.IDMAP_COVERS_CODE).findFirst().orElseThrow();
        Map<String, Object> w = idmap.counterexample().witness();
        assertEquals("PERMISSION", w.get("fault"), String.valueOf(w.get("walk")));
        assertEquals(3L, w.get("level"), String.valueOf(w.get("walk")));
        Verdict.Refuted vec = (Verdict.Refuted) vs.stream().filter(v -> v.obligation() == Obligation.VECTORS_EXECUTABLE).findFirst().orElseThrow();
        assertEquals(0x40090800L + 0x200, vec.counterexample().witness().get("va"));
        // __hyp_stub_vectors sit in the old kernel image, which overlaps the new kernel's destination:
        // trans_table maps that page as a destination, PAGE_KERNEL, so the vector fetch faults on bit 54 too.
        String walk = String.valueOf(vec.counterexample().witness().get("walk"));
        assertEquals(true, walk.contains("Permission fault, level 3"), walk);
        assertEquals(true, vec.explanation().contains("exception loop"), vec.explanation());
    }
}
