package org.kexecverify.emulator.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.asm.Assembler;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;

/**
 * A PTE rewritten with a cacheable store and not cleaned: a cacheable table walk (SCTLR_EL2.C = 1,
 * TCR_EL2.IRGN0 = Write-Back) reads it from the D-cache, a non-cacheable walk (IRGN0 = 0b00) reads the old
 * value from RAM until {@code dc civac} writes the line back.
 */
class WalkCacheabilityTest {
    static final long RAM = 0x4000_0000L;
    static final long CODE = 0x4008_0000L;
    static final long DATA_VA = 0x4100_0000L;
    static final long P1 = 0x4200_0000L;
    static final long P2 = 0x4200_1000L;
    static final long TABLES = 0x4400_0000L;

    static final String REWRITE_PTE = """
            	ldr	x10, [x0]		// walk: VA -> P1
            	str	x2, [x1]		// PTE -> P2, cacheable store: the line is dirty
            	tlbi	alle2
            	dsb	ish
            	isb
            	ldr	x11, [x0]		// walks again
            	dc	civac, x1		// PTE reaches RAM
            	tlbi	alle2
            	dsb	ish
            	isb
            	ldr	x12, [x0]		// walks again
            done:	nop
            """;

    static Machine machine(long irgn0) {
        Assembly asm = Assembler.assemble("walk-cacheability.S", REWRITE_PTE, CODE);
        Ram ram = Ram.of(RAM, 256L << 20);
        TableBuilder tb = new TableBuilder(ram.physical(), TableBuilder.bump(TABLES, 1 << 20), 16);
        tb.mapRange(CODE, CODE, 0x2000, Pgprot.PAGE_HYP_EXEC.bits());
        tb.mapPage(DATA_VA, P1, Pgprot.PAGE_HYP.bits());
        long pte = tb.entryFor(DATA_VA, 3);
        tb.mapPage(pte & -4096L, pte & -4096L, Pgprot.PAGE_HYP.bits());
        ram.load(CODE, asm.code());
        ram.physical().write64(P1, 0x1111);
        ram.physical().write64(P2, 0x2222);
        Machine m = new Machine(ram);
        m.setSysReg(SysRegId.MAIR_EL2, 0x0000_bbff_440c_0400L);
        m.setSysReg(SysRegId.TCR_EL2, Layouts.of(SysReg.TCR_EL2, Regime.EL2).encode(Map.of("T0SZ", 16L, "PS", 5L, "IRGN0", irgn0, "ORGN0", 1L, "SH0", 3L)));
        m.setSysReg(SysRegId.TTBR0_EL2, tb.root());
        m.setSysReg(SysRegId.SCTLR_EL2, Layouts.of(SysReg.SCTLR_EL2, Regime.EL2).encode(Map.of("M", 1L, "C", 1L, "I", 1L)));
        m.setEl(2, true);
        m.setPc(CODE);
        m.setStopAddresses(asm.symbol("done"));
        m.setX(0, DATA_VA);
        m.setX(1, pte);
        m.setX(2, Pgprot.PAGE_HYP.page(P2));
        RunResult r = m.run(1000);
        assertInstanceOf(RunResult.Completed.class, r, () -> r + " " + m.exceptions());
        return m;
    }

    @Test
    void cacheableWalkSeesTheDirtyPte() {
        Machine m = machine(1);
        assertEquals(0x1111, m.x(10));
        assertEquals(0x2222, m.x(11), "IRGN0 = WB: the walk reads the dirty D-cache line");
        assertEquals(0x2222, m.x(12));
    }

    @Test
    void nonCacheableWalkReadsRamUntilTheLineIsCleaned() {
        Machine m = machine(0);
        assertEquals(0x1111, m.x(10));
        assertEquals(0x1111, m.x(11), "IRGN0 = Non-cacheable: the walk reads RAM, where the old PTE still is");
        assertEquals(0x2222, m.x(12), "after dc civac RAM holds the new PTE");
    }
}
