package org.kexecverify.smt.walk;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * A random machine for cross-checking the two walks: registers mostly sane with every field
 * sometimes wrong, a random table tree (tables, blocks, pages, invalid and reserved entries, all
 * attribute bits random, some pointers outside RAM or beyond the PA size) and VAs that reach its
 * entries, plus random ones. Built from one seed so a failure names the seed that reproduces it.
 */
record RandomLayout(long seed, TranslationRegs regs, PhysicalMemory mem, List<Long> vas) {

    static final long RAM0 = 0x4000_0000L;
    static final long RAM0_SIZE = 0x4000_0000L;
    static final long RAM1 = 0x8_8000_0000L;
    static final long RAM1_SIZE = 0x1000_0000L;

    static RandomLayout generate(long seed) {
        Random rnd = new Random(seed);
        Regime regime = Regime.values()[rnd.nextInt(Regime.values().length)];
        PhysicalMemory mem = new PhysicalMemory(List.of(new RamRange(RAM0, RAM0_SIZE), new RamRange(RAM1, RAM1_SIZE)));
        TranslationRegs names = new TranslationRegs(regime, 0, 0, 0, 0, 0, 0);
        RegisterLayout sctlrL = Layouts.of(names.sctlrReg(), regime);
        RegisterLayout tcrL = Layouts.of(names.tcrReg(), regime);

        long sctlr = sctlrL.res1Mask();
        sctlr = set(sctlrL, sctlr, "M", rnd.nextInt(10) != 0 ? 1 : 0);
        sctlr = set(sctlrL, sctlr, "A", rnd.nextInt(5) == 0 ? 1 : 0);
        sctlr = set(sctlrL, sctlr, "C", rnd.nextInt(2));
        sctlr = set(sctlrL, sctlr, "I", rnd.nextInt(2));
        sctlr = set(sctlrL, sctlr, "WXN", rnd.nextInt(5) == 0 ? 1 : 0);
        sctlr = set(sctlrL, sctlr, "EE", rnd.nextInt(12) == 0 ? 1 : 0);
        if (rnd.nextInt(8) == 0) sctlr ^= rnd.nextLong();

        boolean two = regime.hasTwoRanges();
        long tcr = tcrL.res1Mask();
        tcr = set(tcrL, tcr, "T0SZ", txsz(rnd));
        tcr = set(tcrL, tcr, "TG0", rnd.nextInt(10) != 0 ? 0 : rnd.nextInt(4));
        tcr = set(tcrL, tcr, two ? "IPS" : "PS", rnd.nextInt(3) != 0 ? 5 : rnd.nextInt(8));
        tcr = set(tcrL, tcr, two ? "TBI0" : "TBI", rnd.nextInt(4) == 0 ? 1 : 0);
        tcr = set(tcrL, tcr, two ? "HPD0" : "HPD", rnd.nextInt(4) == 0 ? 1 : 0);
        tcr = set(tcrL, tcr, "HA", rnd.nextInt(4) == 0 ? 1 : 0);
        if (two) {
            tcr = set(tcrL, tcr, "T1SZ", txsz(rnd));
            tcr = set(tcrL, tcr, "TG1", rnd.nextInt(10) != 0 ? 2 : rnd.nextInt(4));
            tcr = set(tcrL, tcr, "TBI1", rnd.nextInt(4) == 0 ? 1 : 0);
            tcr = set(tcrL, tcr, "HPD1", rnd.nextInt(4) == 0 ? 1 : 0);
            tcr = set(tcrL, tcr, "EPD0", rnd.nextInt(12) == 0 ? 1 : 0);
            tcr = set(tcrL, tcr, "EPD1", rnd.nextInt(12) == 0 ? 1 : 0);
        }
        if (rnd.nextInt(10) == 0) tcr ^= rnd.nextLong();

        long mair = rnd.nextInt(3) == 0 ? rnd.nextLong() : 0xbbff440c0400L;
        long mmfr0 = rnd.nextInt(4) != 0 ? TranslationRegs.MMFR0_48BIT : rnd.nextInt(16);

        long[] next = {RAM0 + 0x3000_0000L};
        Builder b = new Builder(rnd, mem, next, regime);
        long root0 = b.newTable();
        long root1 = two ? b.newTable() : 0;
        long ttbr0 = maybeJunk(rnd, root0);
        long ttbr1 = two ? maybeJunk(rnd, root1) : rnd.nextInt(4) == 0 ? rnd.nextLong() : 0;
        TranslationRegs regs = new TranslationRegs(regime, sctlr, tcr, mair, ttbr0, ttbr1, mmfr0);

        List<Long> vas = new ArrayList<>();
        int n = 1 + rnd.nextInt(6);
        for (int i = 0; i < n; i++) {
            int range = two && rnd.nextBoolean() ? 1 : 0;
            long raw = rnd.nextLong();
            long va = shapeVa(rnd, regs, range, raw);
            b.populate(range == 0 ? root0 : root1, startLevel(regs, range), va);
            vas.add(va);
            vas.add(va ^ (rnd.nextLong() & 0xfff));
            vas.add(va ^ (rnd.nextLong() & 0x1f_ffffL));
        }
        for (int i = 0; i < 3; i++) vas.add(rnd.nextLong());
        vas.add(shapeVa(rnd, regs, 0, rnd.nextLong()));
        return new RandomLayout(seed, regs, mem, vas);
    }

    private static long set(RegisterLayout l, long reg, String f, long v) { return l.field(f).set(reg, v); }

    private static long txsz(Random rnd) {
        int p = rnd.nextInt(20);
        if (p == 0) return rnd.nextInt(64);
        if (p < 8) return 16 + rnd.nextInt(24);
        return new long[] {16, 25, 34, 39, 24, 33}[rnd.nextInt(6)];
    }

    private static long maybeJunk(Random rnd, long root) {
        int p = rnd.nextInt(12);
        if (p == 0) return root | (1L << (32 + rnd.nextInt(16)));
        if (p == 1) return root | (rnd.nextLong() & 0xffe);
        if (p == 2) return root | ((long) rnd.nextInt(1 << 16) << 48);
        return root;
    }

    static int startLevel(TranslationRegs regs, int range) {
        long txsz = regs.tcrField(range == 0 ? "T0SZ" : "T1SZ");
        int in = 64 - (int) Math.max(16, Math.min(39, txsz));
        return 4 - (int) Math.ceil((in - 12) / 9.0);
    }

    /** A VA in the range's input size, sometimes with the top byte or top bits disturbed. */
    private static long shapeVa(Random rnd, TranslationRegs regs, int range, long raw) {
        long txsz = regs.tcrField(range == 0 ? "T0SZ" : "T1SZ");
        int in = 64 - (int) Math.max(16, Math.min(39, txsz));
        long low = raw & ((1L << in) - 1);
        long va = range == 0 ? low : low | (-1L << in);
        int p = rnd.nextInt(10);
        if (p == 0) va ^= (long) rnd.nextInt(256) << 56;
        if (p == 1) va ^= 1L << (in + rnd.nextInt(64 - in));
        return va;
    }

    /** Writes random entries along the walk of {@code va}. */
    private static final class Builder {
        final Random rnd;
        final PhysicalMemory mem;
        final long[] next;
        final Regime regime;

        Builder(Random rnd, PhysicalMemory mem, long[] next, Regime regime) {
            this.rnd = rnd;
            this.mem = mem;
            this.next = next;
            this.regime = regime;
        }

        long newTable() {
            long p = next[0];
            next[0] += PhysicalMemory.PAGE_SIZE;
            if (rnd.nextInt(6) == 0) mem.write64(p + 8L * rnd.nextInt(512), rnd.nextLong());
            return p;
        }

        long randomAttrs() {
            long a = rnd.nextLong() & ~DescriptorBits.ADDRESS.mask();
            if (rnd.nextInt(4) != 0) a = DescriptorBits.OA_HIGH.set(a, 0);
            if (rnd.nextInt(3) != 0) a = DescriptorBits.AF.set(a, 1);
            return a;
        }

        long randomOa(long alignMask) {
            int p = rnd.nextInt(10);
            long oa;
            if (p == 0) oa = rnd.nextLong() & DescriptorBits.ADDRESS.mask();
            else if (p == 1) oa = RAM1 + (rnd.nextLong() & (RAM1_SIZE - 1));
            else oa = RAM0 + (rnd.nextLong() & (RAM0_SIZE - 1));
            return oa & ~alignMask & DescriptorBits.ADDRESS.mask();
        }

        void populate(long table, int level, long va) {
            for (; level <= 3; level++) {
                int shift = 12 + 9 * (3 - level);
                long ea = table + 8 * ((va >>> shift) & 511);
                long existing = mem.read64(ea);
                if (DescriptorBits.VALID.get(existing) != 0 && DescriptorBits.TYPE.get(existing) != 0 && level < 3
                        && rnd.nextInt(5) != 0) {
                    table = DescriptorBits.ADDRESS.get(existing) << 12;
                    if (!mem.isRam(table)) return;
                    continue;
                }
                int p = rnd.nextInt(20);
                long attrs = randomAttrs();
                long d;
                if (level < 3 && p < 12) {
                    long t = rnd.nextInt(25) == 0 ? randomOa(0xfff) : newTable();
                    d = set(attrs, 1, 1, t);
                    mem.write64(ea, d);
                    table = t;
                    if (!mem.isRam(table)) return;
                    continue;
                } else if (p < 17) {
                    long mask = (1L << shift) - 1;
                    d = set(attrs, 1, level == 3 ? 1 : 0, randomOa(mask) | (rnd.nextInt(4) == 0 ? rnd.nextLong() & mask & DescriptorBits.ADDRESS.mask() : 0));
                } else if (p < 19) {
                    d = DescriptorBits.VALID.set(rnd.nextLong(), 0);
                } else {
                    d = set(attrs, 1, level == 3 ? 0 : 1, randomOa(0xfff));
                }
                mem.write64(ea, d);
                return;
            }
        }

        private static long set(long attrs, long valid, long type, long oa) {
            long d = DescriptorBits.VALID.set(attrs, valid);
            d = DescriptorBits.TYPE.set(d, type);
            return DescriptorBits.ADDRESS.set(d, DescriptorBits.ADDRESS.get(oa));
        }
    }

    @Override
    public String toString() {
        return String.format("seed %d: %s sctlr=0x%x tcr=0x%x mair=0x%x ttbr0=0x%x ttbr1=0x%x mmfr0=0x%x", seed, regs.regime(), regs.sctlr(),
                regs.tcr(), regs.mair(), regs.ttbr0(), regs.ttbr1(), regs.idAa64mmfr0());
    }

    static Field field(SysReg r, Regime g, String n) { return Layouts.of(r, g).field(n); }
}
