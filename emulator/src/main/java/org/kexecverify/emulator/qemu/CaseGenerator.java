package org.kexecverify.emulator.qemu;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.WalkOptions;

/**
 * Seeded generator of MMU-enable cases. The same seed gives the same cases on every machine.
 * Weights keep most pages close to a working kexec idmap (so that later steps are reached) and
 * mutate one thing at a time often enough to cover every fault kind and level:
 * PTE_UXN/PXN/RDONLY/USER/AF/VALID, table XN/PXN/AP bits, MAIR Device vs Normal, T0SZ (start level
 * and VA range), PS/IPS against code and tables placed above 4 GB, 4 KB pages vs 2 MB / 1 GB blocks.
 */
public final class CaseGenerator {

    /** MAIR attribute bytes drawn from: MT_NORMAL, MT_NORMAL_NC, MT_NORMAL_WT, MT_DEVICE_nGnRnE, _nGnRE, _GRE. */
    private static final int[] MAIR_PALETTE = {0xff, 0xff, 0xff, 0x44, 0xbb, 0x00, 0x04, 0x0c};
    private static final int[] PS_CHOICES = {0, 0, 1, 2, 5, 5, 5};
    private static final long LOW_REGION = 0x4400_0000L;
    private static final int LOW_REGIONS = (int) ((0x8000_0000L - LOW_REGION) >>> 21);
    private static final long HIGH_REGION = 0x1_0000_0000L;
    private static final int HIGH_REGIONS = (int) ((0x1_3fc0_0000L - HIGH_REGION) >>> 21);
    static final long LOW_TABLES = 0x4200_0000L;
    static final long HIGH_TABLES = 0x1_3fe0_0000L;

    /**
     * QEMU's answer to the CONSTRAINED UNPREDICTABLE instruction fetch from Device memory: it is
     * not faulted (target/arm/ptw.c records MAIR attributes in cacheattrs only; get_S1prot() decides
     * execute permission from XN/PXN/WXN alone), i.e. the fetch behaves as Normal Non-cacheable.
     */
    public static final WalkOptions QEMU_CHOICES = new WalkOptions(WalkOptions.DeviceFetch.AS_NORMAL_NON_CACHEABLE, false);

    private final long seed;

    public CaseGenerator(long seed) {
        this.seed = seed;
    }

    public List<QemuCase> generate(int count) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<QemuCase> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(one(i, rnd.split()));
        }
        return out;
    }

    private static QemuCase one(int id, SplittableRandom r) {
        int rp = r.nextInt(100);
        Regime regime = rp < 30 ? Regime.EL1_0 : rp < 75 ? Regime.EL2 : Regime.EL2_0;
        Cpu cpu = regime == Regime.EL2_0 || r.nextBoolean() ? Cpu.MAX : Cpu.CORTEX_A57;

        int t0sz;
        int tp = r.nextInt(100);
        if (tp < 80) {
            t0sz = 16 + r.nextInt(16); // 16..31: every page fits
        } else if (tp < 93) {
            t0sz = 32 + r.nextInt(2); // 32..33: low pages only
        } else {
            t0sz = 34 + r.nextInt(6); // 34..39: VA out of range, start level 2
        }
        int ps = PS_CHOICES[r.nextInt(PS_CHOICES.length)];

        RegisterLayout mairL = Layouts.of(regime.el() == 1 ? SysReg.MAIR_EL1 : SysReg.MAIR_EL2, regime);
        long mair = 0;
        int normalIndex = r.nextInt(8);
        for (int i = 0; i < 8; i++) {
            int attr = i == normalIndex ? 0xff : MAIR_PALETTE[r.nextInt(MAIR_PALETTE.length)];
            mair = mairL.field("Attr" + i).set(mair, attr);
        }
        int lp = r.nextInt(100);
        int leafLevel = lp < 60 ? 3 : lp < 90 ? 2 : 1;

        Set<Integer> usedLow = new HashSet<>();
        Set<Integer> usedHigh = new HashSet<>();
        long codePa = place(r, usedLow, usedHigh, 15);
        long vectorPa = place(r, usedLow, usedHigh, 5);
        long dataPa = place(r, usedLow, usedHigh, 15);
        long tablesPa = (r.nextInt(100) < 8 ? HIGH_TABLES : LOW_TABLES) + PhysicalPage.SIZE * 16L * r.nextInt(8);

        PageSpec code = page(r, normalIndex, 25, 40);
        PageSpec vector = page(r, normalIndex, 8, 10);
        PageSpec data = page(r, normalIndex, 25, 40);
        return new QemuCase(id, regime, cpu, r.nextInt(100) < 12, r.nextBoolean(), t0sz, ps, mair, leafLevel,
                codePa, vectorPa, dataPa, tablesPa, code, vector, data,
                r.nextInt(100) < 50, r.nextInt(100) < 80, r.nextInt(100) < 70, r.nextBoolean(), QEMU_CHOICES);
    }

    /** A page in its own 2 MB region; {@code highPercent} of them above 4 GB. */
    private static long place(SplittableRandom r, Set<Integer> usedLow, Set<Integer> usedHigh, int highPercent) {
        boolean high = r.nextInt(100) < highPercent;
        Set<Integer> used = high ? usedHigh : usedLow;
        int regions = high ? HIGH_REGIONS : LOW_REGIONS;
        int region;
        do {
            region = r.nextInt(regions);
        } while (!used.add(region));
        long base = (high ? HIGH_REGION : LOW_REGION) + ((long) region << 21);
        return base + PhysicalPage.SIZE * r.nextInt(512);
    }

    /** A page that works with probability about (100 - mutatePercent)%, else one or two bits flipped. */
    private static PageSpec page(SplittableRandom r, int normalIndex, int mutatePercent, int uxnPercent) {
        boolean valid = true;
        int attr = r.nextInt(100) < 80 ? normalIndex : r.nextInt(8);
        boolean ap2 = false;
        boolean ap1 = r.nextInt(100) < 15;
        boolean pxn = false;
        boolean uxn = r.nextInt(100) < uxnPercent; // PAGE_KERNEL_EXEC keeps PTE_UXN
        boolean af = true;
        boolean xnT = false;
        boolean pxnT = false;
        boolean apT1 = false;
        boolean apT0 = false;
        int mutations = r.nextInt(100) < mutatePercent ? 1 + r.nextInt(2) : 0;
        for (int m = 0; m < mutations; m++) {
            switch (r.nextInt(10)) {
                case 0 -> valid = false;
                case 1 -> ap2 = true;
                case 2 -> ap1 = !ap1;
                case 3 -> pxn = true;
                case 4 -> uxn = true;
                case 5 -> af = false;
                case 6 -> xnT = true;
                case 7 -> pxnT = true;
                case 8 -> apT1 = true;
                default -> apT0 = true;
            }
        }
        return new PageSpec(valid, attr, ap2, ap1, pxn, uxn, af, xnT, pxnT, apT1, apT0);
    }

    /** Size of a translation granule page here (4 KB). */
    private static final class PhysicalPage {
        static final long SIZE = 4096;
    }
}
