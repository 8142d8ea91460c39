package org.kexecverify.emulator.programs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.KimageStruct;

/**
 * Builds the machine state the kernel leaves behind when it branches to the relocation code of one design:
 * source pages with known contents, the kimage entry list (IND_DESTINATION 0x1, IND_INDIRECTION 0x2,
 * IND_DONE 0x4, IND_SOURCE 0x8, 511 entries per indirection page plus the chaining entry, as
 * {@code kimage_add_entry} writes it), control pages with the program, the EL2 vectors, the page tables each
 * design builds, and the registers at entry. A run stops when the CPU reaches the new image's entry point.
 *
 * <pre>
 *   0x4008_0000  old kernel image; __hyp_stub_vectors at +0x800 (VBAR_EL2 of the 2019 designs)
 *   0x4100_0000  destination = kimage->start (the new image)
 *   0x4800_0000  DTB
 *   0x8000_0000  control page: relocation code     0x8000_1000  EL2 vector copy
 *   0x8000_2000  struct kimage / kern_reloc_arg    0x8000_3000  empty_zero_page
 *   0x8010_0000  page-table pages                  0x8020_0000  indirection pages
 *   0x9000_0000  source pages (listed in a shuffled order)
 * </pre>
 */
public final class KexecSetup {
    public static final long RAM_BASE = 0x4000_0000L;
    public static final long RAM_SIZE = 0x8000_0000L;
    public static final long KERNEL_IMAGE = 0x4008_0000L;
    public static final long HYP_STUB_VECTORS = KERNEL_IMAGE + 0x800;
    public static final long DESTINATION = 0x4100_0000L;
    public static final long DTB = 0x4800_0000L;
    public static final long CODE = 0x8000_0000L;
    public static final long EL2_VECTORS = 0x8000_1000L;
    public static final long ARGS = 0x8000_2000L;
    public static final long ZERO_PAGE = 0x8000_3000L;
    public static final long TABLES = 0x8010_0000L;
    public static final long INDIRECTION = 0x8020_0000L;
    public static final long SOURCES = 0x9000_0000L;
    /** PAGE_OFFSET for 48-bit VAs (v5.4 and later): the linear map starts at the bottom of the upper range. */
    public static final long PAGE_OFFSET = 0xffff_0000_0000_0000L;
    public static final long MAIR_SEED = 0x0000_bbff_440c_0400L;
    private static final long PAGE = 4096;

    /** Which relocation design runs. */
    public enum Design {
        RFC_V2_EL2(Program.RFC_V2_EL2), MMU_OFF_2018(Program.MMU_OFF_2018), UPSTREAM_V5_16(Program.UPSTREAM_V5_16);

        private final Program program;

        Design(Program program) {
            this.program = program;
        }

        public Program program() {
            return program;
        }
    }

    /** A machine ready to run, with what is needed to check its outcome. */
    public record Prepared(Design design, Machine machine, Assembly code, long entry, List<long[]> copies, long seed) {
        /** Runs to the new image's entry point, a hang, or {@code budget} steps. */
        public RunResult run(long budget) {
            return machine.run(budget);
        }

        /** Destination pages whose RAM contents (what the new kernel reads with the MMU off) differ from the source. */
        public List<Long> mismatchedDestinations() {
            List<Long> bad = new ArrayList<>();
            PhysicalMemory pm = machine.ram().physical();
            for (long[] c : copies) {
                long src = c[0];
                long dst = c[1];
                for (long off = 0; off < PAGE; off += 8) {
                    if (pm.read64(dst + off) != expected(seed, src + off)) {
                        bad.add(dst);
                        break;
                    }
                }
            }
            return bad;
        }
    }

    private final Design design;
    private long bytes = 64 * PAGE;
    private long codeProt = -1;
    private boolean mapVectorsAtEl2;
    private boolean bootedAtEl2 = true;
    private long seed = 0x5eed;
    private String source;

    private KexecSetup(Design design) {
        this.design = design;
    }

    public static KexecSetup of(Design design) {
        return new KexecSetup(design);
    }

    /** Size of the image to relocate (rounded up to pages). */
    public KexecSetup imageBytes(long n) {
        bytes = (n + PAGE - 1) & -PAGE;
        return this;
    }

    /** RFC v2: the attributes of the relocation page in the transitional table (default PAGE_KERNEL_EXEC). */
    public KexecSetup codePageAttributes(long attrs) {
        codeProt = attrs;
        return this;
    }

    /** RFC v2: also identity-map the old kernel's EL2 vectors (which the RFC did not). */
    public KexecSetup mapVectorsAtEl2(boolean yes) {
        mapVectorsAtEl2 = yes;
        return this;
    }

    /** Upstream: booted at EL2 without VHE (HVC_SOFT_RESTART path) or at EL1 (plain branch). */
    public KexecSetup bootedAtEl2(boolean yes) {
        bootedAtEl2 = yes;
        return this;
    }

    /** Runs a variant of the design's program (e.g. with one instruction changed) instead of the shipped file. */
    public KexecSetup programSource(String text) {
        source = text;
        return this;
    }

    public KexecSetup seed(long s) {
        seed = s;
        return this;
    }

    /** The source contents: a fixed function of the seed and the source PA. */
    static long expected(long seed, long pa) {
        long z = pa * 0x9e3779b97f4a7c15L + seed;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    public Prepared build() {
        PhysicalMemory pm = new PhysicalMemory(List.of(new org.kexecverify.model.mem.RamRange(RAM_BASE, RAM_SIZE)));
        int pages = (int) (bytes / PAGE);
        // sources in a shuffled order, each filled with known data
        long[] srcOrder = new long[pages];
        for (int i = 0; i < pages; i++) {
            srcOrder[i] = SOURCES + PAGE * i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = pages - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            long t = srcOrder[i];
            srcOrder[i] = srcOrder[j];
            srcOrder[j] = t;
        }
        List<long[]> copies = new ArrayList<>(pages);
        for (int i = 0; i < pages; i++) {
            long src = srcOrder[i];
            long[] page = pm.pageForWrite(src >>> 12);
            for (int k = 0; k < 512; k++) {
                page[k] = expected(seed, src + 8L * k);
            }
            copies.add(new long[] {src, DESTINATION + PAGE * i});
        }
        List<Long> indirectionPages = new ArrayList<>();
        long head = writeEntryList(pm, srcOrder, indirectionPages);

        Assembly code = source == null ? design.program().assemble(CODE)
                : org.kexecverify.emulator.asm.Assembler.assemble(design.program().file() + " (variant)", source, CODE);
        load(pm, CODE, code.code());
        load(pm, EL2_VECTORS, Program.STUB_VECTORS.assemble(EL2_VECTORS).code());
        load(pm, HYP_STUB_VECTORS, Program.STUB_VECTORS.assemble(HYP_STUB_VECTORS).code());

        Ram ram = new Ram(pm);
        Machine m = new Machine(ram);
        long entry = DESTINATION;
        m.setSysReg(SysRegId.MAIR_EL1, MAIR_SEED);
        m.setSysReg(SysRegId.SCTLR_EL2, Layouts.of(SysReg.SCTLR_EL2, Regime.EL2).res1Mask());
        m.setSysReg(SysRegId.HCR_EL2, Layouts.of(SysReg.HCR_EL2, Regime.EL2).encode(Map.of("RW", 1L)));
        m.setSysReg(SysRegId.SCTLR_EL1, Layouts.of(SysReg.SCTLR_EL1, Regime.EL1_0).res1Mask());
        long entryPc = code.symbol(design.program().entry());
        switch (design) {
            case MMU_OFF_2018 -> {
                m.setSysReg(SysRegId.VBAR_EL2, HYP_STUB_VECTORS);
                m.setEl(2, true);
                m.setX(0, head);
                m.setX(1, entry);
                m.setX(2, DTB);
            }
            case RFC_V2_EL2 -> {
                m.setSysReg(SysRegId.VBAR_EL2, HYP_STUB_VECTORS);
                // a 44-bit machine: tcr_compute_pa_size gives PS = 0b100, as in the seed TCR_EL2 = 0x80843510
                m.setSysReg(SysRegId.ID_AA64MMFR0_EL1, 0x4);
                m.setSysReg(SysRegId.TCR_EL1, tcrEl1());
                TableBuilder tb = new TableBuilder(pm, TableBuilder.bump(TABLES, 0x10_0000), 16);
                long kernel = Pgprot.PAGE_KERNEL.bits();
                for (long[] c : copies) {
                    tb.mapPage(c[0], c[0], kernel);
                    tb.mapPage(c[1], c[1], kernel);
                }
                for (long ind : indirectionPages) {
                    tb.mapPage(ind, ind, kernel);
                }
                tb.mapPage(ARGS, ARGS, kernel);
                tb.mapPage(CODE, CODE, codeProt >= 0 ? codeProt : Pgprot.PAGE_KERNEL_EXEC.bits());
                if (mapVectorsAtEl2) {
                    tb.mapPage(HYP_STUB_VECTORS & -PAGE, HYP_STUB_VECTORS & -PAGE, Pgprot.PAGE_HYP_EXEC.bits());
                }
                pm.write64(ARGS, head);
                pm.write64(ARGS + 8, entry);
                pm.write64(ARGS + 16, DTB);
                pm.write64(ARGS + 24, tb.root());
                m.setEl(2, true);
                m.setX(0, ARGS);
            }
            case UPSTREAM_V5_16 -> {
                long physOffset = RAM_BASE - PAGE_OFFSET;
                TableBuilder idmap = new TableBuilder(pm, TableBuilder.bump(TABLES, 0x8_0000), 16);
                idmap.mapPage(CODE, CODE, Pgprot.PAGE_KERNEL_ROX.bits());
                TableBuilder linear = new TableBuilder(pm, TableBuilder.bump(TABLES + 0x8_0000, 0x8_0000), 16);
                long block = DescriptorBits.TYPE.set(Pgprot.PAGE_KERNEL.bits(), 0);
                for (long pa = RAM_BASE; pa < RAM_BASE + RAM_SIZE; pa += 0x20_0000) {
                    linear.mapBlock(pa - physOffset, pa, 2, block);
                }
                pm.write64(ARGS + KimageStruct.HEAD, head);
                pm.write64(ARGS + KimageStruct.START, entry);
                pm.write64(ARGS + KimageStruct.ARCH_EL2_VECTORS, bootedAtEl2 ? EL2_VECTORS : 0);
                pm.write64(ARGS + KimageStruct.ARCH_DTB_MEM, DTB);
                pm.write64(ARGS + KimageStruct.ARCH_ZERO_PAGE, ZERO_PAGE);
                pm.write64(ARGS + KimageStruct.ARCH_PHYS_OFFSET, physOffset);
                pm.write64(ARGS + KimageStruct.ARCH_TTBR1, linear.root());
                m.setSysReg(SysRegId.VBAR_EL2, EL2_VECTORS);
                m.setSysReg(SysRegId.TCR_EL1, tcrEl1());
                m.setSysReg(SysRegId.TTBR0_EL1, idmap.root());
                m.setSysReg(SysRegId.TTBR1_EL1, linear.root());
                m.setSysReg(SysRegId.SCTLR_EL1, Layouts.of(SysReg.SCTLR_EL1, Regime.EL1_0).encode(Map.of("M", 1L, "C", 1L, "I", 1L, "SA", 1L)));
                m.setEl(1, true);
                m.setX(0, ARGS - physOffset);
            }
            default -> throw new IllegalStateException(design.toString());
        }
        m.setPc(entryPc);
        m.setStopAddresses(entry);
        return new Prepared(design, m, code, entry, copies, seed);
    }

    /** TCR_EL1 of a 48-bit, 4 KB-granule kernel with inner-shareable write-back walks, 48-bit IPS. */
    private static long tcrEl1() {
        return Layouts.of(SysReg.TCR_EL1, Regime.EL1_0).encode(Map.ofEntries(
                Map.entry("T0SZ", 16L), Map.entry("T1SZ", 16L), Map.entry("TG0", 0L), Map.entry("TG1", 2L),
                Map.entry("IRGN0", 1L), Map.entry("ORGN0", 1L), Map.entry("SH0", 3L),
                Map.entry("IRGN1", 1L), Map.entry("ORGN1", 1L), Map.entry("SH1", 3L), Map.entry("IPS", 5L)));
    }

    private static void load(PhysicalMemory pm, long pa, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            pm.write8(pa + i, bytes[i]);
        }
    }

    /** Writes the entry list the way kimage_add_entry does; returns kimage->head. */
    private static long writeEntryList(PhysicalMemory pm, long[] sources, List<Long> indPages) {
        List<Long> entries = new ArrayList<>();
        entries.add(DESTINATION | 0x1);
        for (long s : sources) {
            entries.add(s | 0x8);
        }
        entries.add(0x4L); // IND_DONE
        long head = 0;
        long slot = -1;
        long lastSlot = -1;
        long nextInd = INDIRECTION;
        for (long e : entries) {
            if (slot == lastSlot) {
                long ind = nextInd;
                nextInd += PAGE;
                indPages.add(ind);
                if (slot < 0) {
                    head = ind | 0x2;
                } else {
                    pm.write64(slot, ind | 0x2);
                }
                slot = ind;
                lastSlot = ind + PAGE - 8;
            }
            pm.write64(slot, e);
            slot += 8;
        }
        return head;
    }
}
