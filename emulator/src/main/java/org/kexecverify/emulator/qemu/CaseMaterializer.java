package org.kexecverify.emulator.qemu;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * Turns a {@link QemuCase} into register values and identity-map translation tables. Every bit
 * position comes from the models' field tables ({@link Layouts}, {@link DescriptorBits}).
 */
public final class CaseMaterializer {

    /** RAM of {@code qemu -M virt -m 4G}: 0x4000_0000 .. 0x1_4000_0000. */
    public static final long RAM_BASE = 0x4000_0000L;
    public static final long RAM_SIZE = 4L << 30;
    /** Vector offset of a synchronous exception from the current EL using SP_ELx (Arm ARM D1.10.2). */
    public static final long CURRENT_EL_SPX_SYNC_OFFSET = 0x200;
    private static final long PAGE = PhysicalMemory.PAGE_SIZE;

    private final long idAa64mmfr0;

    /** @param idAa64mmfr0 ID_AA64MMFR0_EL1 of the CPU the case runs on (PARange bounds TCR.PS) */
    public CaseMaterializer(long idAa64mmfr0) {
        this.idAa64mmfr0 = idAa64mmfr0;
    }

    public MaterializedCase materialize(QemuCase c) {
        Regime r = c.regime();
        boolean el1 = r == Regime.EL1_0;
        RegisterLayout sctlrL = Layouts.of(el1 ? SysReg.SCTLR_EL1 : SysReg.SCTLR_EL2, r);
        RegisterLayout tcrL = Layouts.of(el1 ? SysReg.TCR_EL1 : SysReg.TCR_EL2, r);
        RegisterLayout mairL = Layouts.of(el1 ? SysReg.MAIR_EL1 : SysReg.MAIR_EL2, r);
        RegisterLayout ttbrL = Layouts.of(el1 ? SysReg.TTBR0_EL1 : SysReg.TTBR0_EL2, r);
        RegisterLayout hcrL = Layouts.of(SysReg.HCR_EL2, r);

        long sctlrOff = sctlrL.res1Mask();
        // INIT_SCTLR_EL1_MMU_OFF-style bits where the layout has them (RES1 before the features existed)
        for (String name : List.of("EOS", "EIS", "TSCXT", "nTLSMD", "LSMAOE", "SPAN")) {
            sctlrOff = setIfPresent(sctlrL, sctlrOff, name, 1);
        }
        long sctlrOn = sctlrL.field("M").set(sctlrOff, 1);
        if (c.caches()) {
            sctlrOn = sctlrL.field("C").set(sctlrOn, 1);
            sctlrOn = sctlrL.field("I").set(sctlrOn, 1);
        }
        if (c.wxn()) {
            sctlrOn = sctlrL.field("WXN").set(sctlrOn, 1);
        }

        long tcr = tcrL.res1Mask();
        tcr = tcrL.field("T0SZ").set(tcr, c.t0sz());
        tcr = tcrL.field("IRGN0").set(tcr, 1);
        tcr = tcrL.field("ORGN0").set(tcr, 1);
        tcr = tcrL.field("SH0").set(tcr, 3);
        tcr = tcrL.field("TG0").set(tcr, 0);
        if (r == Regime.EL2) {
            tcr = tcrL.field("PS").set(tcr, c.ps());
        } else {
            tcr = tcrL.field("IPS").set(tcr, c.ps());
            tcr = tcrL.field("T1SZ").set(tcr, c.t0sz());
            tcr = tcrL.field("EPD1").set(tcr, 1);
            tcr = tcrL.field("TG1").set(tcr, 2); // 4 KB granule encoding of TG1
        }

        long mair = c.mair();
        mairL.validate(mair); // decoding only; reserved attributes are legitimate case input

        long hcr = hcrL.field("RW").set(0, 1);
        EntryMode mode = EntryMode.EL1;
        if (r == Regime.EL2) {
            mode = EntryMode.EL2;
        } else if (r == Regime.EL2_0) {
            mode = EntryMode.EL2_VHE;
            hcr = hcrL.field("E2H").set(hcr, 1);
            hcr = hcrL.field("TGE").set(hcr, 1);
        }

        PhysicalMemory mem = new PhysicalMemory(List.of(new RamRange(RAM_BASE, RAM_SIZE)));
        Tables tables = new Tables(mem, c.tablesPa(), startLevel(c.t0sz()), c.leafLevel());
        tables.map(c.codePa(), c.code());
        tables.map(c.vectorPa(), c.vector());
        tables.map(c.dataPa(), c.data());
        long ttbr0 = ttbrL.field("BADDR").set(0, c.tablesPa() >>> 1);

        Map<Long, byte[]> pages = new HashMap<>();
        for (long pa : tables.allocated) {
            byte[] b = new byte[(int) PAGE];
            for (int i = 0; i < PAGE; i++) {
                b[i] = (byte) mem.read8(pa + i);
            }
            pages.put(pa, b);
        }
        // the code and vector templates are copied by harness.S; tell the model they are RAM too
        TranslationRegs regs = new TranslationRegs(r, sctlrOn, tcr, mair, ttbr0, 0, idAa64mmfr0);
        BareMetalCase bare = new BareMetalCase(mode, hcr, sctlrOn, sctlrOff, tcr, mair, ttbr0, 0,
                c.vectorPa(), c.codePa(), c.dataPa(), c.read(), c.write(), c.brk(), c.tlbi(), pages);
        return new MaterializedCase(c, regs, mem, bare);
    }

    /** First lookup level of a 4 KB-granule walk for {@code t0sz} (Arm ARM D8.2, 4 - ceil((64-T0SZ-12)/9)). */
    static int startLevel(int t0sz) {
        int inputBits = 64 - t0sz;
        int levels = Math.max(1, (inputBits - 12 + 8) / 9);
        return Math.max(0, 4 - levels);
    }

    private static long setIfPresent(RegisterLayout l, long v, String name, long value) {
        return l.find(name).filter(f -> f.kind() == org.kexecverify.model.reg.FieldKind.VALUE)
                .map(f -> f.set(v, value)).orElse(v);
    }

    /** Bump-allocated identity-map tables; shared table entries accumulate the pages' table attributes. */
    private static final class Tables {
        private final PhysicalMemory mem;
        private final long root;
        private final int startLevel;
        private final int leafLevel;
        private long next;
        private final java.util.List<Long> allocated = new java.util.ArrayList<>();

        Tables(PhysicalMemory mem, long root, int startLevel, int leafLevel) {
            this.mem = mem;
            this.root = root;
            this.startLevel = startLevel;
            this.leafLevel = Math.max(leafLevel, startLevel == 0 ? 1 : startLevel);
            this.next = root + PAGE;
            allocated.add(root);
            clear(root);
        }

        private void clear(long table) {
            for (long a = table; a < table + PAGE; a += 8) {
                mem.write64(a, 0);
            }
        }

        void map(long pa, PageSpec p) {
            long table = root;
            for (int level = startLevel; level <= 3; level++) {
                long entry = table + 8 * index(pa, level);
                long desc = mem.read64(entry);
                if (level == leafLevel) {
                    if (desc == 0) {
                        mem.write64(entry, leaf(pa, level, p));
                    }
                    return;
                }
                if (desc == 0) {
                    long t = next;
                    next += PAGE;
                    allocated.add(t);
                    clear(t);
                    desc = DescriptorBits.VALID.set(0, 1);
                    desc = DescriptorBits.TYPE.set(desc, 1);
                    desc = DescriptorBits.ADDRESS.set(desc, t >>> 12);
                } else if (DescriptorBits.TYPE.get(desc) == 0) {
                    return; // a block written for another page already covers this one
                }
                if (level == leafLevel - 1) {
                    desc = orBit(desc, DescriptorBits.UXN_TABLE, p.xnTable());
                    desc = orBit(desc, DescriptorBits.PXN_TABLE, p.pxnTable());
                    desc = orBit(desc, DescriptorBits.AP_TABLE1, p.apTable1());
                    desc = orBit(desc, DescriptorBits.AP_TABLE0, p.apTable0());
                }
                mem.write64(entry, desc);
                table = DescriptorBits.ADDRESS.get(desc) << 12;
            }
        }

        private static long orBit(long desc, Field f, boolean on) {
            return on ? f.set(desc, 1) : desc;
        }

        private static int index(long va, int level) {
            return (int) ((va >>> (12 + 9 * (3 - level))) & 511);
        }

        private static long leaf(long pa, int level, PageSpec p) {
            long blockMask = ~((1L << (12 + 9 * (3 - level))) - 1);
            long d = DescriptorBits.VALID.set(0, p.valid() ? 1 : 0);
            d = DescriptorBits.TYPE.set(d, level == 3 ? 1 : 0);
            d = DescriptorBits.ADDRESS.set(d, (pa & blockMask) >>> 12);
            d = DescriptorBits.ATTRINDX.set(d, p.attrIndx());
            d = DescriptorBits.SH.set(d, 3);
            d = DescriptorBits.AP2.set(d, p.ap2() ? 1 : 0);
            d = DescriptorBits.AP1.set(d, p.ap1() ? 1 : 0);
            d = DescriptorBits.AF.set(d, p.af() ? 1 : 0);
            d = DescriptorBits.PXN.set(d, p.pxn() ? 1 : 0);
            d = DescriptorBits.UXN.set(d, p.uxn() ? 1 : 0);
            return d;
        }
    }
}
