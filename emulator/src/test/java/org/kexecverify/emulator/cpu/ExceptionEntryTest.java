package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.a64.SysRegId;

/** Exception entry and return: HVC from EL1 to EL2 (EC 0x16, VBAR_EL2+0x400), ERET, UNDEFINED EL2 register access at EL1. */
class ExceptionEntryTest {
    private static final String PROG = """
            	.equ	HVC_SOFT_RESTART, 1
            el1_entry:
            	mov	x0, #HVC_SOFT_RESTART
            	hvc	#0
            back_at_el1:
            	mrs	x5, currentel
            	mrs	x6, sctlr_el2		// UNDEFINED at EL1
            	b	done
            	.org	0x800
            vectors:
            	.org	0x800 + 0x200
            cur_spx_sync:
            	mrs	x7, esr_el1
            	mrs	x8, elr_el1
            	add	x8, x8, #4
            	msr	elr_el1, x8
            	eret
            	.org	0x800 + 0x400
            lower_sync:
            	mrs	x1, esr_el2
            	mrs	x2, elr_el2
            	mrs	x3, spsr_el2
            	mrs	x4, currentel
            	eret
            	.org	0x1000
            done:	nop
            """;

    @Test
    void hvcFromEl1VectorsToEl2LowerElSyncAndEretReturns() {
        Rig rig = new Rig(PROG);
        rig.m.setSysReg(SysRegId.VBAR_EL2, rig.asm.symbol("vectors"));
        rig.m.setSysReg(SysRegId.VBAR_EL1, rig.asm.symbol("vectors"));
        rig.m.setEl(1, true);
        Machine m = rig.runToDone();
        assertEquals(0x16L << 26 | 1L << 25, m.x(1), "ESR_EL2: EC=0x16 (HVC64), IL=1, ISS=imm16=0");
        assertEquals(rig.asm.symbol("back_at_el1"), m.x(2), "ELR_EL2: the instruction after hvc");
        assertEquals(0b0101, m.x(3) & 0xf, "SPSR_EL2.M = EL1h");
        assertEquals(0x3c0, m.x(3) & 0x3c0, "SPSR_EL2.DAIF as it was (masked)");
        assertEquals(2 << 2, m.x(4), "CurrentEL in the EL2 handler");
        assertEquals(1 << 2, m.x(5), "CurrentEL after eret");
        assertEquals(0, m.x(7) >>> 26, "MRS SCTLR_EL2 at EL1 is UNDEFINED: ESR_EL1.EC = 0x00");
        assertEquals(rig.asm.symbol("back_at_el1") + 4, m.x(8) - 4, "ELR_EL1 = the faulting mrs");
        assertEquals(0, m.x(6), "the UNDEFINED mrs wrote nothing");
        assertEquals(2, m.exceptions().size(), m.exceptions().toString());
        assertEquals("VBAR_EL2+0x400", m.exceptions().get(0).vectorName());
        assertEquals("VBAR_EL1+0x200", m.exceptions().get(1).vectorName());
    }

    @Test
    void branchToMisalignedAddressTakesPcAlignmentFault() {
        Rig rig = new Rig("""
                	adr	x0, target
                	add	x0, x0, #2
                	br	x0
                target:	nop
                	.org	0x800
                vectors:
                	.org	0xa00
                done:	nop
                """);
        rig.m.setSysReg(SysRegId.VBAR_EL2, rig.asm.symbol("vectors"));
        rig.runToDone();
        ExceptionRecord e = rig.m.exceptions().get(0);
        assertEquals(0x22, e.ec(), e.toString());
        assertEquals(rig.asm.symbol("target") + 2, e.far());
    }

    @Test
    void eretToEl2FromEl1IsAnIllegalReturn() {
        Rig rig = new Rig("""
                	mov	x0, #0x9		// EL2h
                	msr	spsr_el1, x0
                	adr	x1, after
                	msr	elr_el1, x1
                	eret
                after:	nop
                	.org	0x800
                vectors:
                	.org	0xa00
                done:	nop
                """);
        rig.m.setSysReg(SysRegId.VBAR_EL1, rig.asm.symbol("vectors"));
        rig.m.setEl(1, true);
        RunResult r = rig.run();
        assertInstanceOf(RunResult.Completed.class, r, r.toString());
        assertEquals(1, rig.m.el());
        ExceptionRecord e = rig.m.exceptions().get(0);
        assertEquals(0x0e, e.ec(), "illegal execution state: " + e);
        assertTrue(e.cause().contains("illegal"));
    }
}
