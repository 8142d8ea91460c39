package org.kexecverify.smt.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.smt.Region;
import org.kexecverify.smt.SmtInput;

/**
 * A machine with an identity map over a relocation region, as trans_pgd builds one: 1 GiB of
 * low RAM at 0x40000000 for the tables, the region itself in RAM, tables from a bump allocator.
 * The region is mapped with 4 KB pages, or with 2 MB / 1 GB blocks when asked (a 1 TiB region
 * would need 2^28 page entries).
 */
public final class IdmapMachine {
    public static final long LOW_RAM = 0x4000_0000L;
    public static final long LOW_RAM_SIZE = 0x4000_0000L;
    public static final long TABLES = 0x7f00_0000L;
    /** MAIR as Linux v5.3 programs it: Attr0 Device-nGnRnE ... Attr4 Normal WB (MT_NORMAL). */
    public static final long MAIR = 0xbbff440c0400L;
    /** The seed's SCTLR_EL2 (M, A, C, SA, I, IESB) and TCR_EL2 (T0SZ=16, 4 KB, PS=44-bit). */
    public static final long SCTLR_EL2 = 0x30e5183fL;
    public static final long TCR_EL2 = 0x80843510L;
    /** SCTLR_EL1 with M, C, I; TCR_EL1 T0SZ=T1SZ=16, 4 KB/4 KB, IPS 48-bit. */
    public static final long SCTLR_EL1 = 0x30d0180dL & ~0x2L;
    public static final long TCR_EL1 = 0x5b5103510L;

    /** Granule of the leaf entries. */
    public enum Leaf { PAGE_4K, BLOCK_2M, BLOCK_1G }

    public final PhysicalMemory mem;
    public final TableBuilder tables;
    public final Regime regime;
    public final List<Region> regions = new ArrayList<>();
    private long vbar = -1;

    public IdmapMachine(Regime regime, List<RamRange> extraRam) {
        List<RamRange> ram = new ArrayList<>(List.of(new RamRange(LOW_RAM, LOW_RAM_SIZE)));
        ram.addAll(extraRam);
        this.mem = new PhysicalMemory(ram);
        this.regime = regime;
        this.tables = new TableBuilder(mem, TableBuilder.bump(TABLES, 0x100_0000L), 16);
    }

    public IdmapMachine(Regime regime) { this(regime, List.of()); }

    /** Identity-maps [start, start+size) with {@code attrs} leaves of the given granule. */
    public IdmapMachine idmap(long start, long size, long attrs, Leaf leaf) {
        switch (leaf) {
            case PAGE_4K -> tables.mapRange(start, start, size, attrs);
            case BLOCK_2M -> { for (long o = 0; Long.compareUnsigned(o, size) < 0; o += 1L << 21) tables.mapBlock(start + o, start + o, 2, attrs); }
            case BLOCK_1G -> { for (long o = 0; Long.compareUnsigned(o, size) < 0; o += 1L << 30) tables.mapBlock(start + o, start + o, 1, attrs); }
        }
        return this;
    }

    public IdmapMachine code(String name, long start, long size) {
        regions.add(Region.code(name, start, start + size));
        return this;
    }

    public IdmapMachine region(Region r) {
        regions.add(r);
        return this;
    }

    public IdmapMachine vbar(long v) {
        this.vbar = v;
        return this;
    }

    public TranslationRegs regs() {
        return switch (regime) {
            case EL1_0 -> new TranslationRegs(regime, SCTLR_EL1, TCR_EL1, MAIR, tables.root(), 0, TranslationRegs.MMFR0_48BIT);
            case EL2 -> new TranslationRegs(regime, SCTLR_EL2, TCR_EL2, MAIR, tables.root(), 0, TranslationRegs.MMFR0_48BIT);
            case EL2_0 -> new TranslationRegs(regime, SCTLR_EL1, TCR_EL1, MAIR, tables.root(), 0, TranslationRegs.MMFR0_48BIT);
        };
    }

    public SmtInput input(String name) {
        return new SmtInput(name, regs(), mem, regions, vbar < 0 ? OptionalLong.empty() : OptionalLong.of(vbar),
                List.of(SmtInput.VECTOR_CURRENT_EL_SPX_SYNC), WalkOptions.DEFAULT, null);
    }

    /** Leaf attributes for a block: the pgprot with TYPE clear. */
    public static long block(Pgprot p) { return DescriptorBits.TYPE.set(p.bits(LinuxMair.mtNormalIndex(MAIR)), 0); }
}
