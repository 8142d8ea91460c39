package org.kexecverify.mutation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.verdict.Obligation;

/** The committed-table check fails for a must-catch survivor, a changed catch, a new or vanished mutant, and an unexplained survivor. */
class MutantTableFailsOnSurvivorsAndStaleRowsTest {
    static final String SHA = "0123456789abcdef0123456789abcdef";
    static final Mutant IC = new Mutant("arm64_relocate_new_kernel", 0x10c, "ic iallu", "nop", Mutant.NOP);
    static final Mutant DSB = new Mutant("arm64_relocate_new_kernel", 0x108, "dsb nsh", "nop", Mutant.NOP);

    static MutationRun.Outcome caught(Mutant m, Obligation o, String... engines) {
        Map<Obligation, TreeSet<String>> c = new TreeMap<>();
        if (o != null) c.put(o, new TreeSet<>(List.of(engines)));
        return new MutationRun.Outcome(m, c);
    }

    static MutationRun.Result result(MutationRun.Outcome... os) {
        return new MutationRun.Result("upstream-el2", SHA, Map.of(), List.of(os));
    }

    static MutantTable table(String icCaught, String icExpect, String dsbCaught, String dsbExpect, String dsbReason) {
        return new MutantTable(List.of(
                new MutantTable.Row("upstream-el2", SHA.substring(0, 16), IC.id(), icCaught, icExpect, ""),
                new MutantTable.Row("upstream-el2", SHA.substring(0, 16), DSB.id(), dsbCaught, dsbExpect, dsbReason)));
    }

    @Test
    void aCurrentTableHasNoProblems() {
        MutationRun.Result r = result(caught(IC, Obligation.COHERENT_HANDOFF, "emu", "tla"), caught(DSB, null));
        List<String> p = table("COHERENT_HANDOFF:emu,tla", "must-catch", "-", "survives", "single PE: no observer").check(List.of(r));
        assertEquals(List.of(), p);
    }

    @Test
    void aMustCatchMutantThatSurvivesFails() {
        MutationRun.Result r = result(caught(IC, null), caught(DSB, null));
        List<String> p = table("COHERENT_HANDOFF:emu,tla", "must-catch", "-", "survives", "single PE").check(List.of(r));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("SURVIVOR")), p.toString());
    }

    @Test
    void aChangedCatchIsAStaleTable() {
        MutationRun.Result r = result(caught(IC, Obligation.COHERENT_HANDOFF, "emu"), caught(DSB, null));
        List<String> p = table("COHERENT_HANDOFF:emu,tla", "must-catch", "-", "survives", "single PE").check(List.of(r));
        assertTrue(p.stream().anyMatch(s -> s.contains("now caught by COHERENT_HANDOFF:emu")), p.toString());
    }

    @Test
    void aNewOrVanishedMutantIsAStaleTable() {
        MutationRun.Result r = result(caught(IC, Obligation.COHERENT_HANDOFF, "emu", "tla"));
        List<String> p = table("COHERENT_HANDOFF:emu,tla", "must-catch", "-", "survives", "single PE").check(List.of(r));
        assertTrue(p.stream().anyMatch(s -> s.contains("no longer exists")), p.toString());
        MutantTable one = new MutantTable(List.of(new MutantTable.Row("upstream-el2", SHA.substring(0, 16), IC.id(), "COHERENT_HANDOFF:emu,tla", "must-catch", "")));
        List<String> q = one.check(List.of(result(caught(IC, Obligation.COHERENT_HANDOFF, "emu", "tla"), caught(DSB, null))));
        assertTrue(q.stream().anyMatch(s -> s.contains("that the table lacks")), q.toString());
    }

    @Test
    void aSurvivorWithoutAReasonFails() {
        MutationRun.Result r = result(caught(IC, Obligation.COHERENT_HANDOFF, "emu", "tla"), caught(DSB, null));
        List<String> p = table("COHERENT_HANDOFF:emu,tla", "must-catch", "-", "survives", "").check(List.of(r));
        assertTrue(p.stream().anyMatch(s -> s.startsWith("unexplained survivor")), p.toString());
    }

    @Test
    void updatingKeepsExpectationsAndReasons() {
        MutationRun.Result r = result(caught(IC, Obligation.COHERENT_HANDOFF, "emu"), caught(DSB, null));
        MutantTable u = table("COHERENT_HANDOFF:emu,tla", "must-catch", "-", "survives", "single PE").updated(List.of(r));
        assertEquals("COHERENT_HANDOFF:emu", u.rows().get(0).caughtBy());
        assertEquals("must-catch", u.rows().get(0).expect());
        assertEquals("single PE", u.rows().get(1).reason());
    }
}
