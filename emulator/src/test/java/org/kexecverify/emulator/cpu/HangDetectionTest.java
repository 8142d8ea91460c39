package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.programs.Program;

/** Hangs end the run with the loop described: b . in an invalid vector, a fault loop, WFI, and the step budget. */
class HangDetectionTest {
    /**
     * The stub vectors have Linux 6.1's shape: the EL2h synchronous entry branches back into the previous entry's
     * NOP padding, a 32-instruction loop with no side effect, found by the state-repeat check, not by a self branch.
     */
    @Test
    void faultAtEl2WithStubVectorsSpinsThroughTheEl2hSyncEntrysPadding() {
        Rig rig = new Rig("""
                	.word	0			// UDF: undefined at EL2
                done:	nop
                """);
        long vectors = 0x4009_0000L;
        rig.m.ram().load(vectors, Program.STUB_VECTORS.assemble(vectors).code());
        rig.m.setSysReg(SysRegId.VBAR_EL2, vectors);
        RunResult r = rig.run();
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, r, r::toString);
        assertEquals(RunResult.Hang.Kind.SPIN, h.kind(), h.description());
        assertEquals(vectors + 0x200, h.pc(), h.description());
        assertTrue(h.description().contains("through 32 instruction(s) from 0x" + Long.toHexString(vectors + 0x184)), h.description());
        assertTrue(h.description().contains("VBAR_EL2+0x200"), h.description());
        assertTrue(h.description().contains("undefined instruction"), h.description());
    }

    @Test
    void selfBranchIsStillASelfLoop() {
        Rig rig = new Rig("""
                1:	b	1b
                done:	nop
                """);
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, rig.run());
        assertEquals(RunResult.Hang.Kind.SELF_LOOP, h.kind(), h.description());
    }

    @Test
    void loopThatOnlyLoadsIsASpinButOneThatStoresIsNot() {
        Rig spin = new Rig("""
                1:	ldr	x2, [x1]
                	cbz	x2, 1b
                done:	nop
                """);
        spin.m.setX(1, spin.asm.symbol("done"));
        spin.m.ram().write64(spin.asm.symbol("done") + 8, 0);
        spin.m.setX(1, spin.asm.symbol("done") + 8);
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, spin.run(), "polling memory nothing writes never ends");
        assertEquals(RunResult.Hang.Kind.SPIN, h.kind(), h.description());
        Rig stores = new Rig("""
                1:	str	x2, [x1]
                	b	1b
                done:	nop
                """);
        stores.m.setX(1, stores.asm.symbol("done") + 8);
        RunResult r = stores.m.run(5000);
        assertEquals(RunResult.Hang.Kind.STEP_BUDGET, assertInstanceOf(RunResult.Hang.class, r).kind(),
                "a loop with a side effect is not declared a hang by the state check");
    }

    @Test
    void handlerReturningToTheSameFaultIsAFaultLoop() {
        Rig rig = new Rig("""
                	ldr	x0, [x1]		// x1 is not RAM: synchronous external abort
                done:	nop
                	.org	0x800
                vectors:
                	.org	0xa00
                	mrs	x2, esr_el2
                	eret				// back to the same load
                """);
        rig.m.setSysReg(SysRegId.VBAR_EL2, rig.asm.symbol("vectors"));
        rig.m.setX(1, 0x1000);
        RunResult r = rig.run();
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, r, r::toString);
        assertEquals(RunResult.Hang.Kind.FAULT_LOOP, h.kind(), h.description());
        assertTrue(h.description().contains("data abort (read) at EL2"), h.description());
        assertTrue(h.description().contains("no change of state"), h.description());
    }

    @Test
    void wfiWithoutInterruptsHangs() {
        Rig rig = new Rig("""
                	wfi
                done:	nop
                """);
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, rig.run());
        assertEquals(RunResult.Hang.Kind.WAIT_FOR_INTERRUPT, h.kind());
    }

    @Test
    void loopThatChangesStateRunsOutOfBudget() {
        Rig rig = new Rig("""
                1:	add	x0, x0, #1
                	b	1b
                done:	nop
                """);
        RunResult r = rig.m.run(5000);
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, r);
        assertEquals(RunResult.Hang.Kind.STEP_BUDGET, h.kind());
        assertEquals(2500, rig.m.x(0));
        assertTrue(h.description().startsWith("step budget of 5000 exhausted"), h.description());
    }
}
