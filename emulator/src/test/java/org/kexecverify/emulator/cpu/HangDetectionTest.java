package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.programs.Program;

/** Hangs end the run with the loop described: b . in an invalid vector, a fault loop, WFI, and the step budget. */
class HangDetectionTest {
    @Test
    void faultAtEl2WithStubVectorsSpinsInTheEl2hSyncEntry() {
        Rig rig = new Rig("""
                	.word	0			// UDF: undefined at EL2
                done:	nop
                """);
        long vectors = 0x4009_0000L;
        rig.m.ram().load(vectors, Program.STUB_VECTORS.assemble(vectors).code());
        rig.m.setSysReg(SysRegId.VBAR_EL2, vectors);
        RunResult r = rig.run();
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, r, r::toString);
        assertEquals(RunResult.Hang.Kind.SELF_LOOP, h.kind());
        assertEquals(vectors + 0x200, h.pc());
        assertTrue(h.description().contains("VBAR_EL2+0x200"), h.description());
        assertTrue(h.description().contains("undefined instruction"), h.description());
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
