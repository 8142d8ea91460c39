package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;

/**
 * Issue 11: replacing {@code ic iallu} with {@code nop} in the relocation code left every tla
 * verdict PROVED, because the instance was a hand list. With the sequence derived from the code, the
 * mutant refutes COHERENT_HANDOFF, and the mutant without break-before-make's {@code tlbi vmalle1}
 * refutes TLB_CLEAN_BEFORE_ENABLE, on the v5.16 program and on Linux 6.1's own bytes (when a build is
 * at hand); the unmutated code proves both.
 */
class MaintenanceMutantsAreCaughtByTlaTest {
    static final Path UPSTREAM = Path.of("../scenarios/upstream-el2.yaml");
    static final int NOP = 0xd503201f;
    static final int IC_IALLU = 0xd508751f;
    static final int TLBI_VMALLE1 = 0xd508871f;

    static Verdict check(RelocationPlan plan, Obligation ob, Path dir) throws Exception {
        PageModel m = ScenarioAbstraction.of(plan, WalkOptions.DEFAULT).model();
        TlaInstance inst = TlaInstance.export(m, dir, plan.scenario().name());
        List<Verdict> vs = new TlaEngine(TlcRunner.located(), Duration.ofSeconds(300), 1024).check(inst, EnumSet.of(ob));
        assertEquals(1, vs.size(), vs::toString);
        return vs.get(0);
    }

    static String explain(Verdict v, RelocationPlan plan) throws Exception {
        StringBuilder b = new StringBuilder(v.obligation() + " " + v.outcome() + ": " + v.explanation() + "\ninstance:\n");
        b.append(ScenarioAbstraction.of(plan, WalkOptions.DEFAULT).model().program().stream().map(i -> "  " + i.op() + " " + i.fields() + " <- " + i.src())
                .collect(Collectors.joining("\n")));
        if (v instanceof Verdict.Refuted r) {
            b.append("\ntrace:\n").append(r.counterexample().states().stream().map(s -> "  " + s.action() + " / " + s.source())
                    .collect(Collectors.joining("\n")));
        }
        return b.toString();
    }

    static RelocationPlan mutant(DesignCode code, int word, String what) throws Exception {
        List<Integer> at = ProjectPrograms.find(code, word);
        assertEquals(1, at.size(), () -> what + " at " + at);
        return ProjectPrograms.withCode(ProjectPrograms.planWithCode(UPSTREAM), ProjectPrograms.mutate(code, at.get(0), NOP, what));
    }

    void mutantsFlip(DesignCode code, Path dir) throws Exception {
        RelocationPlan plan = ProjectPrograms.withCode(ProjectPrograms.planWithCode(UPSTREAM), code);
        for (Obligation ob : List.of(Obligation.COHERENT_HANDOFF, Obligation.TLB_CLEAN_BEFORE_ENABLE)) {
            Verdict v = check(plan, ob, dir.resolve("orig-" + ob));
            assertInstanceOf(Verdict.Proved.class, v, explain(v, plan));
        }
        RelocationPlan noIc = mutant(code, IC_IALLU, "ic iallu -> nop");
        Verdict ic = check(noIc, Obligation.COHERENT_HANDOFF, dir.resolve("ic"));
        assertInstanceOf(Verdict.Refuted.class, ic, explain(ic, noIc));
        RelocationPlan noTlbi = mutant(code, TLBI_VMALLE1, "tlbi vmalle1 -> nop");
        Verdict tlbi = check(noTlbi, Obligation.TLB_CLEAN_BEFORE_ENABLE, dir.resolve("tlbi"));
        assertInstanceOf(Verdict.Refuted.class, tlbi, explain(tlbi, noTlbi));
    }

    @Test
    void v516MutantsFlipToRefuted(@TempDir Path dir) throws Exception {
        mutantsFlip(ProjectPrograms.assemble("relocate_kernel_v5_16.S"), dir);
    }

    @Test
    void linux61MutantsFlipToRefuted(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(ProjectPrograms.linux61Available(), "Linux 6.1's code (upstream-el2's code: kernel: bookworm) cannot be had here");
        mutantsFlip(ProjectPrograms.linux61(), dir);
    }
}
