package org.kexecverify.model.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.plan.VectorUse;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.KimageReads;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * Named builders that reproduce what a kernel version builds for kexec relocation, writing real
 * descriptors into memory and describing the phases the CPU goes through:
 * <ul>
 *   <li>{@code rfc-v2-trans-table}: RFC v2 7/8 + 8/8 (2019): identity maps of every source,
 *       destination and indirection page (PAGE_KERNEL), the relocation code page
 *       (PAGE_KERNEL_EXEC), the argument page (PAGE_KERNEL); relocation with the MMU on in the boot
 *       regime, VBAR left where the boot code put it;</li>
 *   <li>{@code upstream-trans-pgd}: the v5.16 design: linear-map copy in TTBR1_EL1, one-page idmap
 *       of the relocation code (PAGE_KERNEL_ROX), relocation at EL1, EL2 stub vectors copied to a
 *       control page, HVC_SOFT_RESTART into the new kernel at EL2 with the EL2 MMU off;</li>
 *   <li>{@code hibernate-resume}: RFC v2 3/8: hibernate's exit page mapped PAGE_KERNEL_EXEC in TTBR0,
 *       restore through a writable linear-map copy in TTBR1, at EL1;</li>
 *   <li>{@code explicit}: the scenario's own mappings and raw entries.</li>
 * </ul>
 */
public final class ScenarioBuilders {
    private ScenarioBuilders() {}

    public static final List<String> NAMES = List.of("rfc-v2-trans-table", "upstream-trans-pgd", "hibernate-resume", "explicit", "captured");
    public static final List<String> OPTIONS = List.of("code_prot", "data_prot", "vectors", "code_va");

    /** The {@code tables.options} each builder reads; any other option under that builder is an error, never ignored. */
    public static final Map<String, List<String>> OPTIONS_BY_BUILDER = Map.of(
            "rfc-v2-trans-table", List.of("code_prot", "data_prot", "vectors"),
            "upstream-trans-pgd", List.of(),
            "hibernate-resume", List.of("code_prot"),
            "explicit", List.of("code_va"),
            "captured", List.of());

    /** PAGE_OFFSET for 48-bit VAs in v5.4+ (the linear map starts at the bottom of the TTBR1 range). */
    public static final long PAGE_OFFSET = 0xffff_0000_0000_0000L;
    /** Segments the model enumerates page by page: at most 16 GiB in total. */
    public static final long MAX_SEGMENT_BYTES = 16L << 30;
    /** INIT_SCTLR_EL2_MMU_OFF: SCTLR_EL2_RES1, little-endian. */
    public static final long SCTLR_EL2_MMU_OFF = 0x30c50830L;

    /** Mutable state shared by the builders while a plan is made. */
    private static final class Ctx {
        final Scenario s;
        final String f;
        final PhysicalMemory mem;
        final Set<Long> destPages = new HashSet<>();
        final Set<Long> used = new HashSet<>();
        final PageAllocator control;
        final PageAllocator tables;
        final PageAllocator ordinary;
        final List<PhysRegion> regions = new ArrayList<>();
        final List<KimageList.Copy> copies = new ArrayList<>();
        KimageList list;

        Ctx(Scenario s) throws ScenarioError {
            this.s = s;
            this.f = s.file();
            this.mem = new PhysicalMemory(s.ram());
            long total = 0;
            for (Segment g : s.segments()) {
                total += g.pages() * 4096;
                if (total > MAX_SEGMENT_BYTES || total < 0) {
                    throw new ScenarioError(f, "kimage.segments", "total segment size is past the 16 GiB the model enumerates page by page");
                }
            }
            Placement p = s.placement();
            for (long a = p.oldKernelBase(); a < p.oldKernelBase() + p.oldKernelSize(); a += 4096) used.add(a);
            long kbytes = offsets().size();
            if (!mem.isRam(p.kimage(), kbytes)) {
                throw new ScenarioError(f, "placement.kimage", String.format("struct kimage at 0x%x is %d bytes (the code's KIMAGE_SIZE) and does not "
                        + "fit inside one RAM range", p.kimage(), kbytes));
            }
            for (long a = p.kimage() & ~0xfffL; Long.compareUnsigned(a, p.kimage() + kbytes - 1) <= 0; a += 4096) used.add(a);
            for (Segment g : s.segments()) {
                for (long i = 0; i < g.pages(); i++) destPages.add(g.destination() + 4096 * i);
            }
            control = new PageAllocator("control pages", p.controlPages(), s.ram(), used, destPages);
            tables = p.tablePages() >= 0 ? new PageAllocator("table pages (ordinary allocation)", p.tablePages(), s.ram(), used, null) : control;
            ordinary = new PageAllocator("source pages", p.sources(), s.ram(), used, destPages);
            for (RamRange r : s.ram()) regions.add(new PhysRegion("RAM", PhysRegion.Kind.RAM, r.base(), r.size()));
            regions.add(new PhysRegion("running kernel image", PhysRegion.Kind.OLD_KERNEL, p.oldKernelBase(), p.oldKernelSize()));
            regions.add(new PhysRegion("struct kimage", PhysRegion.Kind.KIMAGE, p.kimage(), offsets().size()));
        }

        /** The struct kimage offsets of the scenario's code (the project layout when there is no code). */
        KimageOffsets offsets() {
            return s.code().get().map(DesignCode::offsets).orElse(KimageStruct.PROJECT);
        }

        /**
         * Bytes of the relocation code that machine_kexec_post_load copies into the control page: the code's section
         * (a page when the scenario has no code).
         */
        long codeBytes() throws ScenarioError {
            long n = s.code().get().map(d -> (long) d.entry().size()).orElse(4096L);
            if (n > 4096) {
                throw new ScenarioError(f, "code.entry", "the relocation code is " + n + " bytes, more than the 4 KiB control page (KEXEC_CONTROL_PAGE_SIZE)");
            }
            return n;
        }

        /** "arm64_relocate_new_kernel (288 bytes)" or the builder's generic name. */
        String codeName(String dflt) {
            return s.code().get().map(d -> d.entrySymbol() + " (" + d.entry().size() + " bytes, " + d.kernelVersion() + ")").orElse(dflt);
        }

        long control() throws ScenarioError {
            try {
                long pa = control.next();
                regions.add(new PhysRegion("control page", PhysRegion.Kind.CONTROL, pa, 4096));
                return pa;
            } catch (IllegalStateException e) {
                throw new ScenarioError(f, "placement.control_pages", e.getMessage());
            }
        }

        LongSupplier tableAlloc() {
            return () -> {
                long pa;
                try {
                    pa = tables.next();
                } catch (IllegalStateException e) {
                    throw new TablePagesExhausted(s.placement().tablePages() >= 0 ? "placement.table_pages" : "placement.control_pages", e.getMessage());
                }
                regions.add(new PhysRegion("page-table page", PhysRegion.Kind.TABLE, pa, 4096));
                return pa;
            };
        }

        void loadSegments() throws ScenarioError {
            try {
                for (Segment g : s.segments()) {
                    long first = -1;
                    for (long i = 0; i < g.pages(); i++) {
                        long src = ordinary.next();
                        if (first < 0) first = src;
                        copies.add(new KimageList.Copy(src, g.destination() + 4096 * i));
                    }
                    regions.add(new PhysRegion(g.name() + " destination", PhysRegion.Kind.DESTINATION, g.destination(), g.pages() * 4096));
                }
                for (List<long[]> runs = runs(copies.stream().mapToLong(KimageList.Copy::source).toArray()); !runs.isEmpty(); runs.remove(0)) {
                    long[] r = runs.get(0);
                    regions.add(new PhysRegion("source pages", PhysRegion.Kind.SOURCE, r[0], r[1]));
                }
                list = KimageList.write(mem, copies, () -> {
                    long pa = ordinary.next();
                    regions.add(new PhysRegion("indirection page", PhysRegion.Kind.INDIRECTION, pa, 4096));
                    return pa;
                });
            } catch (IllegalStateException e) {
                throw new ScenarioError(f, "placement.sources", e.getMessage());
            }
        }

        /** Data regions for the list, sources and destinations at VA = pa + delta. */
        List<Region> listData(long delta, String mappedWith) {
            List<Region> out = new ArrayList<>();
            for (long[] r : runs(list.indirectionPages().stream().mapToLong(Long::longValue).toArray())) {
                out.add(new Region("kimage entry list (indirection pages)", r[0] + delta, r[0], r[1], AccessType.READ, mappedWith));
            }
            for (long[] r : runs(copies.stream().mapToLong(KimageList.Copy::source).toArray())) {
                out.add(new Region("source pages", r[0] + delta, r[0], r[1], AccessType.READ, mappedWith));
            }
            for (Segment g : s.segments()) {
                out.add(new Region("destination of " + g.name(), g.destination() + delta, g.destination(), g.pages() * 4096, AccessType.WRITE, mappedWith));
            }
            return out;
        }
    }

    /** A page-table allocation that ran out of RAM inside a TableBuilder (which takes a LongSupplier). */
    private static final class TablePagesExhausted extends RuntimeException {
        final String field;

        TablePagesExhausted(String field, String msg) {
            super(msg, null, false, false);
            this.field = field;
        }
    }

    /** The linear-map copy is built with 2 MB blocks, one call per block: larger RAM is not modelled. */
    public static final long MAX_LINEAR_MAP_BYTES = 4L << 40;

    /** Coalesces page addresses into [start, bytes) runs, in first-seen order. */
    static List<long[]> runs(long[] pages) {
        long[] sorted = pages.clone();
        java.util.Arrays.sort(sorted);
        List<long[]> out = new ArrayList<>();
        for (long p : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1)[0] + out.get(out.size() - 1)[1] == p) {
                out.get(out.size() - 1)[1] += 4096;
            } else if (out.isEmpty() || out.get(out.size() - 1)[0] + out.get(out.size() - 1)[1] <= p) {
                out.add(new long[] {p, 4096});
            }
        }
        return out;
    }

    public static RelocationPlan build(Scenario s) throws ScenarioError {
        checkKimageReads(s);
        if (s.tables().captured() != null) {
            // captured from a running kernel: no builder, the captured memory and registers (CapturedPlan)
            RelocationPlan plan = org.kexecverify.model.capture.CapturedPlan.build(s, s.tables().captured());
            TableGraph.check(s.file(), plan);
            return plan;
        }
        Ctx c = new Ctx(s);
        RelocationPlan plan;
        try {
            plan = switch (s.tables().builder()) {
                case "rfc-v2-trans-table" -> rfcV2(c);
                case "upstream-trans-pgd" -> upstream(c);
                case "hibernate-resume" -> hibernate(c);
                case "explicit" -> explicit(c);
                default -> throw new ScenarioError(s.file(), "tables.builder", "unknown builder '" + s.tables().builder() + "'");
            };
        } catch (TablePagesExhausted e) {
            throw new ScenarioError(s.file(), e.field, e.getMessage());
        }
        for (TableSpec.RawEntry e : s.tables().entries()) c.mem.write64(e.address(), e.value());
        TableGraph.check(s.file(), plan);
        if (!s.tables().entries().isEmpty() && c.list != null) {
            // relocate_kernel.S walks the list from memory, starting at kimage->head: raw entries may have rewritten either
            long headAt = s.placement().kimage() + c.offsets().head();
            long head = c.mem.read64(headAt);
            try {
                KimageList.parse(c.mem, head);
            } catch (KimageList.ListError e) {
                String by = s.tables().entries().stream().filter(r -> r.address() == headAt).map(TableSpec.RawEntry::field).findFirst()
                        .orElse("tables.entries");
                throw new ScenarioError(s.file(), by, String.format("the kimage entry list relocate_kernel.S walks from kimage->head "
                        + "(0x%x at 0x%x) is broken: %s", head, headAt, e.getMessage()));
            }
        }
        return plan;
    }

    /** A load the code makes from struct kimage beyond the struct's bytes is bad input (the offsets do not fit the code). */
    private static void checkKimageReads(Scenario s) throws ScenarioError {
        DesignCode code = s.code().get().orElse(null);
        if (code == null) return;
        for (KimageReads.Read r : KimageReads.of(code)) {
            if (r.structOffset() < 0 || r.structOffset() + 8 > code.offsets().size()) {
                throw new ScenarioError(s.file(), "code.entry", String.format("%s+0x%x (%s) reads struct kimage+%d, outside its %d bytes "
                        + "(KIMAGE_SIZE of the code's offsets)", code.entrySymbol(), r.codeOffset() - code.entry().entryOffset(),
                        code.entry().file(), r.structOffset(), code.offsets().size()));
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /**
     * MT_NORMAL's AttrIndx in tables used under the scenario's {@code mairReg}: Linux's pgprots encode the
     * index its own MAIR gives Normal Write-Back memory (4 in the v5.3-era layout, 0 in 6.1), so the
     * builder takes it from the MAIR, never from a constant.
     */
    private static int mtNormal(Ctx c, SysReg mairReg) throws ScenarioError {
        long mair = req(c, mairReg);
        int i = LinuxMair.mtNormalIndex(mair);
        if (i < 0) throw new ScenarioError(c.f, "registers." + mairReg.name(), String.format(
                "0x%x has no Normal Write-Back attribute (0xff, MAIR_ATTR_NORMAL): no AttrIndx for MT_NORMAL in the %s tables",
                mair, c.s.tables().builder()));
        return i;
    }

    private static long prot(Ctx c, String key, int mtNormal) throws ScenarioError {
        String v = c.s.tables().option(key, defaultOption(c.s.tables().builder(), key));
        try {
            return org.kexecverify.model.desc.PgprotExpression.attributes(v, mtNormal);
        } catch (IllegalArgumentException e) {
            throw new ScenarioError(c.f, "tables.options." + key, e.getMessage());
        }
    }

    private static String protName(Ctx c, String key) {
        return c.s.tables().option(key, defaultOption(c.s.tables().builder(), key));
    }

    /** What each option of a builder is when the scenario does not give it (the kernel code's own choice). */
    private static final Map<String, Map<String, String>> OPTION_DEFAULTS = Map.of(
            "rfc-v2-trans-table", Map.of("code_prot", Pgprot.PAGE_KERNEL_EXEC.name(), "data_prot", Pgprot.PAGE_KERNEL.name(), "vectors", "none"),
            "hibernate-resume", Map.of("code_prot", Pgprot.PAGE_KERNEL_EXEC.name()));

    /** The value {@code builder} uses for {@code key} when a scenario leaves it out (null: no default, as code_va). */
    public static String defaultOption(String builder, String key) {
        return OPTION_DEFAULTS.getOrDefault(builder, Map.of()).get(key);
    }

    /** Whether the code can read a struct kimage field after its first store: found in the machine code ({@link KimageReads}). */
    private static boolean kimageReadAfterCopy(Ctx c) {
        return c.s.code().get().map(KimageReads::readAfterStore).orElse(false);
    }

    private static long mmfr0(Scenario s) {
        return s.register(SysReg.ID_AA64MMFR0_EL1, TranslationRegs.MMFR0_48BIT);
    }

    private static long req(Ctx c, SysReg r) throws ScenarioError {
        return c.s.register(r).orElseThrow(() -> new ScenarioError(c.f, "registers." + r.name(), "missing: the " + c.s.tables().builder()
                + " builder needs " + r.name() + " for the " + c.s.regime().displayName() + " regime"));
    }

    /** The boot regime's MMU-on registers from the scenario (TTBRs filled in by the builder). */
    private static TranslationRegs bootRegs(Ctx c, long ttbr0, long ttbr1) throws ScenarioError {
        Regime r = c.s.regime();
        if (r == Regime.EL1_0) {
            return new TranslationRegs(r, req(c, SysReg.SCTLR_EL1), req(c, SysReg.TCR_EL1), req(c, SysReg.MAIR_EL1), ttbr0, ttbr1, mmfr0(c.s));
        }
        return new TranslationRegs(r, req(c, SysReg.SCTLR_EL2), req(c, SysReg.TCR_EL2), req(c, SysReg.MAIR_EL2), ttbr0, ttbr1, mmfr0(c.s));
    }

    private static int t0sz(TranslationRegs regs) {
        return (int) regs.tcrField("T0SZ");
    }

    private static void writeKimage(Ctx c, long start, long el2Vectors, long ttbr0, long ttbr1, long physOffset, long reloc) {
        writeKimage(c, start, el2Vectors, ttbr0, ttbr1, physOffset, reloc, 0);
    }

    private static void writeKimage(Ctx c, long start, long el2Vectors, long ttbr0, long ttbr1, long physOffset, long reloc, long zeroPage) {
        long k = c.s.placement().kimage();
        KimageOffsets o = c.offsets();
        c.mem.write64(k + o.head(), c.list.head());
        c.mem.write64(k + o.start(), start);
        c.mem.write64(k + o.dtbMem(), c.s.segments().get(c.s.segments().size() - 1).destination());
        c.mem.write64(k + o.el2Vectors(), el2Vectors);
        c.mem.write64(k + o.ttbr0(), ttbr0);
        c.mem.write64(k + o.ttbr1(), ttbr1);
        c.mem.write64(k + o.physOffset(), physOffset);
        c.mem.write64(k + o.kernReloc(), reloc);
        c.mem.write64(k + o.zeroPage(), zeroPage);
    }

    private static long vbarFor(Ctx c, int el) {
        return el == 1 ? c.s.register(SysReg.VBAR_EL1, c.s.placement().kernelVectors())
                : c.s.register(SysReg.VBAR_EL2, c.s.placement().hypStubVectors());
    }

    // ---- rfc-v2-trans-table ------------------------------------------------------------------------

    private static RelocationPlan rfcV2(Ctx c) throws ScenarioError {
        TranslationRegs proto = bootRegs(c, 0, 0);
        int t0sz = t0sz(proto);
        if (t0sz < 16 || t0sz > 39) throw new ScenarioError(c.f, "registers." + proto.tcrReg(), "T0SZ " + t0sz + " cannot be used to build 4 KB tables");
        TableBuilder tb = new TableBuilder(c.mem, c.tableAlloc(), t0sz);
        long code = c.control();
        c.regions.add(new PhysRegion("relocation code (arm64_relocate_new_kernel copy)", PhysRegion.Kind.CODE, code, 4096));
        long arg = c.control();
        c.regions.add(new PhysRegion("kern_reloc_arg", PhysRegion.Kind.ARGUMENTS, arg, 4096));
        c.loadSegments();
        int mtNormal = mtNormal(c, proto.mairReg());
        long codeProt = prot(c, "code_prot", mtNormal);
        long dataProt = prot(c, "data_prot", mtNormal);
        String codeBy = protName(c, "code_prot") + " (RFC v2 7/8 trans_table idmap of the relocation function)";
        String dataBy = protName(c, "data_prot") + " (RFC v2 7/8 trans_table idmap)";
        Set<Long> mapped = new LinkedHashSet<>();
        for (KimageList.Copy cp : c.copies) {
            if (mapped.add(cp.source())) tb.mapPage(cp.source(), cp.source(), dataProt);
            if (mapped.add(cp.destination())) tb.mapPage(cp.destination(), cp.destination(), dataProt);
        }
        for (long ind : c.list.indirectionPages()) if (mapped.add(ind)) tb.mapPage(ind, ind, dataProt);
        tb.mapPage(code, code, codeProt);
        tb.mapPage(arg, arg, dataProt);

        int el = c.s.regime().el();
        long vbar = vbarFor(c, el);
        String vectors = c.s.tables().option("vectors", defaultOption(c.s.tables().builder(), "vectors"));
        String vbarWhere;
        switch (vectors) {
            case "none" -> vbarWhere = "left where the boot code put it (not mapped by trans_table)";
            case "copy" -> {
                long vec = c.control();
                c.regions.add(new PhysRegion("EL" + el + " vector copy", PhysRegion.Kind.VECTORS, vec, 4096));
                tb.mapPage(vec, vec, codeProt);
                vbar = vec;
                vbarWhere = "copied into a control page and mapped " + protName(c, "code_prot");
            }
            default -> throw new ScenarioError(c.f, "tables.options.vectors", "expected none or copy, got '" + vectors + "'");
        }
        TranslationRegs regs = bootRegs(c, tb.root(), c.s.regime().hasTwoRanges() ? c.s.register(c.s.regime().el() == 1 ? SysReg.TTBR1_EL1 : SysReg.TTBR1_EL2, 0) : 0);
        long ttbrGiven = c.s.register(regs.ttbrReg(0), tb.root());
        if (ttbrGiven != tb.root()) {
            throw new ScenarioError(c.f, "registers." + regs.ttbrReg(0), String.format(
                    "0x%x differs from the trans_table root 0x%x the builder allocated at placement.control_pages", ttbrGiven, tb.root()));
        }
        for (Long t : tb.tablePages()) mapped.add(t);
        writeKimage(c, c.s.segments().get(0).destination(), 0, tb.root(), 0, 0, code);
        // RFC v2 8/8: machine_kexec fills struct kern_reloc_arg {head, entry_addr, kern_arg0 = dtb, trans_table} in a
        // control page and passes its PA in x0; the code names its fields (KimageOffsets of the .S)
        KimageOffsets o = c.offsets();
        c.mem.write64(arg + o.head(), c.list.head());
        c.mem.write64(arg + o.start(), c.s.segments().get(0).destination());
        c.mem.write64(arg + o.dtbMem(), c.s.segments().get(c.s.segments().size() - 1).destination());
        c.mem.write64(arg + o.ttbr0(), tb.root());
        List<Region> data = new ArrayList<>();
        data.add(new Region("kern_reloc_arg (argument page)", arg, arg, 4096, AccessType.READ, dataBy));
        data.addAll(c.listData(0, dataBy));
        String elName = "EL" + el;
        Phase p = new Phase("relocate_kernel.S (RFC v2 8/8) at " + elName + " with the MMU on, VBAR " + vbarWhere,
                "relocate_kernel.S: msr sctlr_el" + el,
                regs, vbar,
                List.of(new Region(c.codeName("relocation code (arm64_relocate_new_kernel copy)"), code, code, c.codeBytes(), AccessType.FETCH, codeBy)),
                data, List.of());
        return new RelocationPlan(c.s, c.mem, c.list, List.of(p), c.regions, kimageReadAfterCopy(c), "rfc-v2-trans-table");
    }

    // ---- upstream-trans-pgd ------------------------------------------------------------------------

    private static long physOffset(Scenario s) {
        long min = s.ram().stream().mapToLong(RamRange::base).min().orElse(0);
        return min & ~((1L << 30) - 1);  // ARM64_MEMSTART_ALIGN, 1 GB with 4 KB pages
    }

    /** trans_pgd_create_copy() of the linear map: RAM at PAGE_OFFSET + (pa - PHYS_OFFSET), 2 MB blocks where aligned. */
    private static TableBuilder linearMapCopy(Ctx c, int t1sz, int mtNormal) throws ScenarioError {
        TableBuilder tb = new TableBuilder(c.mem, c.tableAlloc(), t1sz);
        long off = physOffset(c.s);
        long total = 0;
        for (RamRange r : c.s.ram()) {
            total += r.size();
            if (total < 0 || Long.compareUnsigned(total, MAX_LINEAR_MAP_BYTES) > 0) {
                throw new ScenarioError(c.f, "ram", "the " + c.s.tables().builder() + " linear-map copy is modelled block by block up to 4 TiB of RAM");
            }
        }
        long sect = DescriptorBits.TYPE.set(Pgprot.PAGE_KERNEL.bits(mtNormal), 0);
        for (RamRange r : c.s.ram()) {
            long pa = r.base();
            while (Long.compareUnsigned(pa, r.end()) < 0) {
                long va = PAGE_OFFSET + (pa - off);
                if ((pa & 0x1f_ffffL) == 0 && Long.compareUnsigned(r.end() - pa, 0x20_0000L) >= 0) {
                    tb.mapBlock(va, pa, 2, sect);
                    pa += 0x20_0000L;
                } else {
                    tb.mapPage(va, pa, Pgprot.PAGE_KERNEL.bits(mtNormal));
                    pa += 4096;
                }
            }
        }
        return tb;
    }

    private static RelocationPlan upstream(Ctx c) throws ScenarioError {
        Regime boot = c.s.regime();
        boolean nvhe = boot == Regime.EL2;
        long vec = -1;
        if (nvhe) {
            vec = c.control();
            c.regions.add(new PhysRegion("EL2 vector copy (trans_pgd_copy_el2_vectors)", PhysRegion.Kind.VECTORS, vec, 4096));
        }
        long sctlr1 = req(c, SysReg.SCTLR_EL1);
        long tcr1 = req(c, SysReg.TCR_EL1);
        long mair1 = req(c, SysReg.MAIR_EL1);
        Regime relocRegime = boot == Regime.EL2_0 ? Regime.EL2_0 : Regime.EL1_0;
        long t1sz = Layouts.of(SysReg.TCR_EL1, Regime.EL1_0).get("T1SZ", tcr1);
        if (t1sz < 16 || t1sz > 39) throw new ScenarioError(c.f, "registers.TCR_EL1", "T1SZ " + t1sz + " cannot be used for the linear-map copy");
        int mtNormal = mtNormal(c, SysReg.MAIR_EL1);
        TableBuilder ttbr1 = linearMapCopy(c, (int) t1sz, mtNormal);
        long code = c.control();
        c.regions.add(new PhysRegion("relocation code (control_code_page)", PhysRegion.Kind.CODE, code, 4096));
        // empty_zero_page for the TTBR1 break-before-make: a zeroed page that is never a destination
        long zero = c.control();
        c.regions.add(new PhysRegion("zero page (TTBR1 break-before-make)", PhysRegion.Kind.TABLE, zero, 4096));
        for (long off = 0; off < 4096; off += 8) c.mem.write64(zero + off, 0);
        c.loadSegments();
        // trans_pgd_idmap_page(): max_msb 47 (or 51 with PA bits above 48), t0sz = 64 - (max_msb + 1)
        int idT0sz = (code >>> 48) != 0 ? 12 : 16;
        TableBuilder ttbr0 = new TableBuilder(c.mem, c.tableAlloc(), idT0sz);
        ttbr0.mapPage(code, code, Pgprot.PAGE_KERNEL_ROX.bits(mtNormal));
        long tcr = Layouts.of(SysReg.TCR_EL1, Regime.EL1_0).field("T0SZ").set(tcr1, idT0sz);
        TranslationRegs regs = new TranslationRegs(relocRegime, sctlr1, tcr, mair1, ttbr0.root(), ttbr1.root(), mmfr0(c.s));
        long delta = PAGE_OFFSET - physOffset(c.s);
        long kimage = c.s.placement().kimage();
        writeKimage(c, c.s.segments().get(0).destination(), nvhe ? vec : 0, ttbr0.root(), ttbr1.root(), -delta, code, zero);
        String linear = "PAGE_KERNEL linear-map copy (trans_pgd_create_copy, TTBR1)";
        List<Region> data = new ArrayList<>();
        data.add(new Region("struct kimage fields", kimage + delta, kimage, c.offsets().size(), AccessType.READ, linear));
        data.addAll(c.listData(delta, linear));
        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase("relocate_kernel.S (v5.16) at " + (relocRegime == Regime.EL1_0 ? "EL1" : "EL2 (VHE)") + ", MMU on: TTBR0 idmap + TTBR1 linear-map copy",
                "machine_kexec: cpu_install_ttbr0; relocate_kernel.S entry",
                regs, vbarFor(c, relocRegime.el()),
                List.of(new Region(c.codeName("relocation code (control_code_page)"), code, code, c.codeBytes(), AccessType.FETCH,
                        "PAGE_KERNEL_ROX (trans_pgd_idmap_page, TTBR0)")),
                data, List.of()));
        if (nvhe) {
            long sctlr2 = c.s.register(SysReg.SCTLR_EL2, SCTLR_EL2_MMU_OFF);
            TranslationRegs el2 = new TranslationRegs(Regime.EL2, sctlr2, c.s.register(SysReg.TCR_EL2, 0x80800000L),
                    c.s.register(SysReg.MAIR_EL2, mair1), c.s.register(SysReg.TTBR0_EL2, 0), 0, mmfr0(c.s));
            phases.add(new Phase("trans_pgd_stub_vectors at EL2 (EL2 MMU as booted): HVC_SOFT_RESTART into the new kernel",
                    "relocate_kernel.S: hvc #0 (HVC_SOFT_RESTART)", el2, vec,
                    List.of(new Region("EL2 vector copy (el1_sync entry at +0x400)", vec, vec, 0x800, AccessType.FETCH, "MMU off at EL2: flat")),
                    List.of(), List.of(new VectorUse(0x400, "hvc #0 (HVC_SOFT_RESTART) from relocate_kernel.S at EL1"))));
        }
        return new RelocationPlan(c.s, c.mem, c.list, phases, c.regions, kimageReadAfterCopy(c), "upstream-trans-pgd");
    }

    // ---- hibernate-resume ------------------------------------------------------------------------

    private static RelocationPlan hibernate(Ctx c) throws ScenarioError {
        long sctlr1 = req(c, SysReg.SCTLR_EL1);
        long tcr1 = req(c, SysReg.TCR_EL1);
        long mair1 = req(c, SysReg.MAIR_EL1);
        long t1sz = Layouts.of(SysReg.TCR_EL1, Regime.EL1_0).get("T1SZ", tcr1);
        long t0sz = Layouts.of(SysReg.TCR_EL1, Regime.EL1_0).get("T0SZ", tcr1);
        if (t1sz < 16 || t1sz > 39 || t0sz < 16 || t0sz > 39) throw new ScenarioError(c.f, "registers.TCR_EL1", "T0SZ/T1SZ out of range for 4 KB tables");
        int mtNormal = mtNormal(c, SysReg.MAIR_EL1);
        TableBuilder ttbr1 = linearMapCopy(c, (int) t1sz, mtNormal);
        long exit = c.control();
        c.regions.add(new PhysRegion("hibernate exit text (safe page)", PhysRegion.Kind.CODE, exit, 4096));
        c.loadSegments();
        long codeProt = prot(c, "code_prot", mtNormal);
        TableBuilder ttbr0 = new TableBuilder(c.mem, c.tableAlloc(), (int) t0sz);
        ttbr0.mapPage(exit, exit, codeProt);
        TranslationRegs regs = new TranslationRegs(Regime.EL1_0, sctlr1, tcr1, mair1, ttbr0.root(), ttbr1.root(), mmfr0(c.s));
        long delta = PAGE_OFFSET - physOffset(c.s);
        writeKimage(c, c.s.segments().get(0).destination(), 0, ttbr0.root(), ttbr1.root(), -delta, exit);
        String linear = "PAGE_KERNEL linear-map copy (trans_table, TTBR1)";
        Phase p = new Phase("swsusp_arch_suspend_exit (RFC v2 3/8) at EL1: restore pages through the linear-map copy",
                "hibernate.c: swsusp_arch_resume -> hibernate exit page",
                regs, vbarFor(c, 1),
                List.of(new Region("hibernate exit text (safe page)", exit, exit, 4096, AccessType.FETCH,
                        protName(c, "code_prot") + " (create_safe_exec_page, TTBR0)")),
                c.listData(delta, linear), List.of());
        return new RelocationPlan(c.s, c.mem, c.list, List.of(p), c.regions, false, "hibernate-resume");
    }

    // ---- explicit ------------------------------------------------------------------------------------

    private static RelocationPlan explicit(Ctx c) throws ScenarioError {
        TranslationRegs proto = bootRegs(c, 0, 0);
        int t0sz = t0sz(proto);
        if (t0sz < 16 || t0sz > 39) throw new ScenarioError(c.f, "registers." + proto.tcrReg(), "T0SZ " + t0sz + " cannot be used to build 4 KB tables");
        TableBuilder tb = new TableBuilder(c.mem, c.tableAlloc(), t0sz);
        c.loadSegments();
        for (TableSpec.Mapping m : c.s.tables().mappings()) {
            long top = 1L << (64 - t0sz);
            if (Long.compareUnsigned(m.va(), top) >= 0 || Long.compareUnsigned(m.size(), top - m.va()) > 0) {
                throw new ScenarioError(c.f, m.field(), String.format("VA range [0x%x, +0x%x) is outside the TTBR0 range of T0SZ=%d (VAs below 0x%x)", m.va(), m.size(), t0sz, top));
            }
            try {
                tb.mapRange(m.va(), m.pa(), m.size(), m.attrs());
            } catch (IllegalStateException e) {
                throw new ScenarioError(c.f, m.field(), e.getMessage());
            }
        }
        String codeVa = c.s.tables().option("code_va", null);
        if (codeVa == null) throw new ScenarioError(c.f, "tables.options.code_va", "missing: the explicit builder needs the VA of the relocation code");
        long code = ScenarioLoader.number(c.f, "tables.options.code_va", com.fasterxml.jackson.databind.node.TextNode.valueOf(codeVa));
        long ttbr0 = c.s.register(proto.ttbrReg(0), tb.root());
        long ttbr1 = c.s.regime().hasTwoRanges() ? c.s.register(proto.ttbrReg(1), 0) : 0;
        TranslationRegs regs = bootRegs(c, ttbr0, ttbr1);
        writeKimage(c, c.s.segments().get(0).destination(), 0, ttbr0, ttbr1, 0, code);
        Phase p = new Phase("relocation code at EL" + regs.regime().el() + " with the scenario's explicit tables", "relocate_kernel.S: msr sctlr_el" + regs.regime().el(),
                regs, vbarFor(c, regs.regime().el()),
                List.of(new Region(c.codeName("relocation code"), code & ~0xfffL, code & ~0xfffL, c.codeBytes(), AccessType.FETCH, "tables.mappings")),
                c.listData(0, "tables.mappings"), List.of());
        return new RelocationPlan(c.s, c.mem, c.list, List.of(p), c.regions, kimageReadAfterCopy(c), "explicit");
    }

    static String lower(String s) { return s.toLowerCase(Locale.ROOT); }
}
