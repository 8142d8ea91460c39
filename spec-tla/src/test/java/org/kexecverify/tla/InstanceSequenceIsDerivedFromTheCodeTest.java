package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.tla.program.ProgramUnsupported;

/**
 * The instance's instruction sequence comes from the decoded machine code (issue 11 item 3): the
 * v5.16 program, Linux 6.1's own arm64_relocate_new_kernel (when a build is at hand) and the RFC v2
 * program each give the sequence their bytes say, with every step naming symbol+offset and text; a
 * program with {@code ic iallu} replaced by {@code nop} gives a sequence without it; RFC v2 has no
 * per-page maintenance; a scenario with no code cannot be derived.
 */
class InstanceSequenceIsDerivedFromTheCodeTest {
    static final Path UPSTREAM = Path.of("../scenarios/upstream-el2.yaml");
    static final Path RFC = Path.of("../scenarios/rfc-v2-el2.yaml");
    static final int NOP = 0xd503201f;
    static final int IC_IALLU = 0xd508751f;

    static String ops(PageModel m) {
        return m.program().stream().map(i -> i.op() + (i.fields().containsKey("cmo") ? "(" + i.fields().get("cmo") + ")" : "")
                + (i.fields().containsKey("scope") ? "(" + i.fields().get("scope") + ")" : "")
                + (i.fields().containsKey("reg") ? "(" + i.fields().get("reg") + ")" : "")).collect(Collectors.joining(" "));
    }

    static String listing(PageModel m) {
        return m.program().stream().map(i -> i.op() + " " + i.fields() + "   <- " + i.src()).collect(Collectors.joining("\n"));
    }

    static PageModel derive(RelocationPlan plan) throws Exception {
        return ScenarioAbstraction.of(plan, WalkOptions.DEFAULT).model();
    }

    @Test
    void v516ProgramGivesItsOwnSequence() throws Exception {
        PageModel m = derive(ProjectPrograms.withCode(ProjectPrograms.planWithCode(UPSTREAM), ProjectPrograms.assemble("relocate_kernel_v5_16.S")));
        assertEquals("ldr_kimage ldr_kimage ldr_kimage ldr_kimage ldr_kimage ldr_kimage ldr_kimage"
                + " msr(TTBR1_EL1) isb tlbi(vmalle1) dsb msr(TTBR1_EL1) isb copy_loop(civac)"
                + " dsb ic_iallu dsb isb msr(SCTLR_EL1) isb hvc", ops(m), () -> listing(m));
        for (PageModel.Instruction i : m.program()) {
            assertTrue(i.src().startsWith("arm64_relocate_new_kernel+0x"), () -> "no symbol+offset: " + i.src() + "\n" + listing(m));
        }
        PageModel.Instruction hvc = m.program().get(m.program().size() - 1);
        assertTrue(hvc.src().contains("hvc #0"), () -> listing(m));
        PageModel.Instruction loop = m.program().stream().filter(i -> i.op().equals("copy_loop")).findFirst().orElseThrow();
        assertEquals(1, loop.fields().get("range"), () -> "the copy goes through the linear map (TTBR1)\n" + listing(m));
    }

    @Test
    void icIalluReplacedByNopLeavesNoIcIallu() throws Exception {
        DesignCode code = ProjectPrograms.assemble("relocate_kernel_v5_16.S");
        List<Integer> at = ProjectPrograms.find(code, IC_IALLU);
        assertEquals(1, at.size(), at::toString);
        RelocationPlan plan = ProjectPrograms.withCode(ProjectPrograms.planWithCode(UPSTREAM),
                ProjectPrograms.mutate(code, at.get(0), NOP, "ic iallu -> nop"));
        PageModel m = derive(plan);
        assertFalse(ops(m).contains("ic_iallu"), () -> listing(m));
    }

    @Test
    void rfcV2HasNoPerPageCleanAndEnablesTheMmuItself() throws Exception {
        PageModel m = derive(ProjectPrograms.planWithCode(RFC));
        // RFC v2 8/8: MMU off, L1 set/way clean, TLB invalidate, MMU on at EL2, copy (no per-page clean), MMU off, set/way again
        assertEquals("ldr_kimage ldr_kimage ldr_kimage ldr_kimage msr(SCTLR_EL1) isb msr(SCTLR_EL2) isb isb dc_sw(cisw) dsb isb"
                + " dsb tlbi(alle2) tlbi(alle1) dsb isb msr(TTBR0_EL2) isb msr(TCR_EL2) msr(MAIR_EL2) msr(SCTLR_EL2) ic_iallu dsb isb"
                + " copy_loop(none) msr(SCTLR_EL2) isb isb dc_sw(cisw) dsb isb dsb tlbi(alle2) tlbi(alle1) dsb isb dsb ic_iallu dsb isb"
                + " br_new_kernel", ops(m), () -> listing(m));
        assertEquals(new PageModel.Sctlr(false, false, false), m.initSys().get("SCTLR_EL2"), () -> listing(m));
    }

    @Test
    void aLoopThatChangesNothingIsASpin() throws Exception {
        DesignCode code = ProjectPrograms.mutate(ProjectPrograms.assemble("relocate_kernel_v5_16.S"), 0, 0x14000000, "b . at entry");
        PageModel m = derive(ProjectPrograms.withCode(ProjectPrograms.planWithCode(UPSTREAM), code));
        assertEquals("spin", ops(m), () -> listing(m));
        assertTrue(m.program().get(0).src().contains("+0x0: b ."), () -> listing(m));
    }

    @Test
    void rfcV2AtEl1TakesItsEl1Path() throws Exception {
        PageModel m = derive(ProjectPrograms.planWithCode(Path.of("../scenarios/rfc-v2-el1.yaml")));
                assertTrue(ops(m).contains("msr(TTBR0_EL1)") && ops(m).contains("copy_loop(none)") && ops(m).contains("dc_sw(cisw)"), () -> listing(m));
        assertFalse(ops(m).contains("_EL2"), () -> listing(m));
    }

    @Test
    void scenarioWithoutCodeIsNotDerived() throws Exception {
        RelocationPlan plan = ProjectPrograms.planWithCode(Path.of("../scenarios/hibernate-resume.yaml"));
        assertTrue(plan.scenario().code().get().isEmpty(), "hibernate-resume names no code");
        ProgramUnsupported e = assertThrows(ProgramUnsupported.class, () -> derive(plan));
        assertTrue(e.getMessage().contains("no machine code"), e.getMessage());
    }

    @Test
    void linux61RelocationCodeGivesItsOwnSequence() throws Exception {
        Assumptions.assumeTrue(ProjectPrograms.linux61Available(),
                "Linux 6.1's code (upstream-el2's code: kernel: bookworm) cannot be had here");
        DesignCode code = ProjectPrograms.linux61();
        assertEquals(288, code.entry().size(), "72 instructions");
        PageModel m = derive(ProjectPrograms.withCode(ProjectPrograms.planWithCode(UPSTREAM), code));
        assertEquals("ldr_kimage ldr_kimage ldr_kimage ldr_kimage ldr_kimage ldr_kimage ldr_kimage"
                + " msr(TTBR1_EL1) isb tlbi(vmalle1) dsb msr(TTBR1_EL1) isb copy_loop(civac)"
                + " dsb ic_iallu dsb isb isb msr(SCTLR_EL1) isb hvc", ops(m), () -> listing(m));
        System.out.println(listing(m));
    }
}
