package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.asm.Assembler;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;

/**
 * The TLB keeps a translation until TLBI removes it, and the I-cache keeps an instruction line until IC removes
 * it: a changed PTE without {@code tlbi alle2} and rewritten code without {@code ic ivau} both keep acting.
 */
class StaleTranslationTest {
    static final long RAM = 0x4000_0000L;
    static final long CODE = 0x4008_0000L;
    static final long DATA_VA = 0x4100_0000L;
    static final long P1 = 0x4200_0000L;
    static final long P2 = 0x4200_1000L;
    static final long TABLES = 0x4400_0000L;

    record Env(Machine m, Assembly asm, long pteAddress) {
    }

    static Env el2WithMmuOn(String source) {
        Assembly asm = Assembler.assemble("stale.S", source, CODE);
        Ram ram = Ram.of(RAM, 256L << 20);
        TableBuilder tb = new TableBuilder(ram.physical(), TableBuilder.bump(TABLES, 1 << 20), 16);
        // writable and executable at EL2 (so the I-cache test can rewrite its own code)
        tb.mapRange(CODE, CODE, 0x2000, org.kexecverify.model.desc.DescriptorBits.AP2.set(Pgprot.PAGE_HYP_EXEC.bits(), 0));
        tb.mapPage(DATA_VA, P1, Pgprot.PAGE_HYP.bits());
        long pte = tb.entryFor(DATA_VA, 3);
        tb.mapPage(pte & -4096L, pte & -4096L, Pgprot.PAGE_HYP.bits()); // the L3 table itself, so the program can rewrite the PTE
        ram.load(CODE, asm.code());
        ram.physical().write64(P1, 0x1111);
        ram.physical().write64(P2, 0x2222);
        Machine m = new Machine(ram);
        m.setSysReg(SysRegId.MAIR_EL2, 0x0000_bbff_440c_0400L);
        m.setSysReg(SysRegId.TCR_EL2, Layouts.of(SysReg.TCR_EL2, Regime.EL2).encode(Map.of("T0SZ", 16L, "PS", 5L, "IRGN0", 1L, "ORGN0", 1L, "SH0", 3L)));
        m.setSysReg(SysRegId.TTBR0_EL2, tb.root());
        m.setSysReg(SysRegId.SCTLR_EL2, Layouts.of(SysReg.SCTLR_EL2, Regime.EL2).encode(Map.of("M", 1L, "C", 1L, "I", 1L)));
        m.setEl(2, true);
        m.setPc(CODE);
        m.setStopAddresses(asm.symbol("done"));
        m.setX(0, DATA_VA);
        m.setX(1, pte);
        m.setX(2, Pgprot.PAGE_HYP.page(P2));
        return new Env(m, asm, pte);
    }

    @Test
    void changedPteWithoutTlbiStillTranslatesToTheOldPage() {
        Env e = el2WithMmuOn("""
                	ldr	x10, [x0]		// fills the TLB: VA -> P1
                	str	x2, [x1]		// PTE now points at P2 (cacheable store; the walker sees it)
                	dsb	ishst
                	ldr	x11, [x0]		// stale: still P1
                	tlbi	alle2
                	dsb	ish
                	isb
                	ldr	x12, [x0]		// walks again: P2
                done:	nop
                """);
        RunResult r = e.m().run(1000);
        assertInstanceOf(RunResult.Completed.class, r, () -> r + " " + e.m().exceptions());
        assertEquals(0x1111, e.m().x(10));
        assertEquals(0x1111, e.m().x(11), "stale TLB entry without tlbi");
        assertEquals(0x2222, e.m().x(12), "after tlbi alle2 the new PTE is used");
    }

    @Test
    void rewrittenInstructionRunsOnlyAfterIcInvalidate() {
        Env e = el2WithMmuOn("""
                	bl	func			// fills the I-cache line: returns 1
                	mov	x10, x0
                	adr	x3, func
                	ldr	w4, new_insn
                	str	w4, [x3]		// rewrite func's first instruction (cacheable store)
                	dc	cvau, x3		// clean to the PoU
                	dsb	ish
                	bl	func			// stale I-cache line: still returns 1
                	mov	x11, x0
                	ic	ivau, x3
                	dsb	ish
                	isb
                	bl	func			// refetched: returns 2
                	mov	x12, x0
                	b	done
                	.align	6
                func:	mov	x0, #1
                	ret
                new_insn:
                	mov	x0, #2
                	.align	6
                done:	nop
                """);
        RunResult r = e.m().run(1000);
        assertInstanceOf(RunResult.Completed.class, r, () -> r + " " + e.m().exceptions());
        assertEquals(1, e.m().x(10));
        assertEquals(1, e.m().x(11), "stale I-cache line without ic ivau");
        assertEquals(2, e.m().x(12), "after ic ivau the new instruction runs");
        assertTrue(e.m().ram().staleInstructionLines() == 0, "no stale line left after the invalidate");
    }
}
