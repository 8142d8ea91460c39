package org.kexecverify.model.walk;

import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.regime.Regime;

/** A small machine: 1 GiB of RAM at 0x40000000, tables from 0x7ff00000, seed-like registers. */
final class WalkFixture {
    static final long RAM = 0x4000_0000L;
    static final long MAIR = 0xbbff440c0400L;
    static final long SCTLR_EL2 = 0x30e5183fL;
    static final long TCR_EL2 = 0x80843510L;
    /** SCTLR_EL1 with M, C, I (plus the RES1-before-v8.5 bits Linux sets). */
    static final long SCTLR_EL1 = 0x30d0180dL & ~0x2L;
    /** TCR_EL1: T0SZ=16, T1SZ=16, 4K/4K, IPS 48-bit, WBWA inner shareable. */
    static final long TCR_EL1 = 16 | (1L << 8) | (1L << 10) | (3L << 12) | (16L << 16) | (1L << 24) | (1L << 26) | (3L << 28) | (2L << 30) | (5L << 32);

    final PhysicalMemory mem = PhysicalMemory.ofRam(RAM, 0x4000_0000L);
    final TableBuilder tables;
    final Regime regime;

    WalkFixture(Regime regime) {
        this.regime = regime;
        this.tables = new TableBuilder(mem, TableBuilder.bump(0x7ff0_0000L, 0x10_0000L), 16);
    }

    TranslationRegs regs() {
        return switch (regime) {
            case EL1_0 -> new TranslationRegs(regime, SCTLR_EL1, TCR_EL1, MAIR, tables.root(), 0, TranslationRegs.MMFR0_48BIT);
            case EL2 -> new TranslationRegs(regime, SCTLR_EL2, TCR_EL2, MAIR, tables.root(), 0, TranslationRegs.MMFR0_48BIT);
            case EL2_0 -> new TranslationRegs(regime, SCTLR_EL1, TCR_EL1, MAIR, tables.root(), 0, TranslationRegs.MMFR0_48BIT);
        };
    }

    Translation walk(long va, AccessType at) {
        return Walker.translate(regs(), mem, va, at);
    }
}
