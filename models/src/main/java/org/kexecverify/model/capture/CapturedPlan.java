package org.kexecverify.model.capture;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.kexecverify.model.desc.DescriptorBits;
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
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.Segment;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.walk.Granule;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * The plan of a captured scenario ({@code tables: {builder: captured}}): memory is the captured pages, with the code
 * pages filled from the kernel build the {@code code:} section names (after their SHA-256 is checked against the
 * capture); everything else follows from the captured registers and struct kimage, nothing from a re-implementation
 * of the kernel's table code.
 *
 * <pre>
 *   memory   captured.pages (+ zero_pages), code_pages re-read from the build (SHA-256 checked)
 *   list     KimageList.parse(memory, kimage->head)            -> copies; kimage.segments must be its destination runs
 *   phase 0  regime of the stop: EL1&0 (CurrentEL 1), EL2&0 (CurrentEL 2, HCR_EL2.E2H), EL2 (otherwise)
 *            SCTLR/TCR/MAIR/TTBR0 of that EL as captured; TTBR1 = kimage->arch.ttbr1 (the linear-map copy the code
 *            installs before its first list access); VBAR of that EL
 *            code  [kern_reloc, + code length)  identity (the PC at the stop)
 *            data  struct kimage at x0, indirection/source pages at PA - arch.phys_offset, destinations likewise
 *   phase 1  only when kimage->arch.el2_vectors != 0 at EL1 (the code then ends in hvc #0): EL2 with the captured
 *            EL2 registers, VBAR_EL2, the vector page fetched at +0x400
 *   regions  RAM, running kernel, struct kimage, CODE/VECTORS (control pages), TABLE (every table page reachable from
 *            TTBR0 and the copy, the zero page), INDIRECTION, SOURCE, DESTINATION
 * </pre>
 */
public final class CapturedPlan {
    public static final String DESIGN = "captured";

    private CapturedPlan() {}

    public static RelocationPlan build(Scenario s, Capture c) throws ScenarioError {
        String f = s.file();
        PhysicalMemory mem = new PhysicalMemory(s.ram());
        for (Map.Entry<Long, long[]> e : c.pages().entrySet()) {
            System.arraycopy(e.getValue(), 0, mem.pageForWrite(e.getKey() >>> 12), 0, PageWords.WORDS);
        }
        Set<Long> captured = new TreeSet<>(c.pages().keySet());
        captured.addAll(c.zeroPages());
        Capture.Kimage k = c.kimage();
        if (s.placement().kimage() != k.pa()) {
            throw new ScenarioError(f, "placement.kimage", String.format("0x%x is not captured.kimage.pa 0x%x", s.placement().kimage(), k.pa()));
        }

        // ---- the code, by reference
        Optional<DesignCode> code = s.code().get();
        int codeLen = 0;
        for (int i = 0; i < c.code().size(); i++) {
            Capture.CodeRef r = c.code().get(i);
            String q = "captured.code_pages[" + i + "]";
            if (r.role().equals(Capture.CodeRef.CODE)) codeLen = r.length();
            if (code.isEmpty()) continue;
            DesignCode d = code.get();
            DesignCode.Blob blob = r.role().equals(Capture.CodeRef.CODE) ? d.entry() : d.vectors().orElse(null);
            if (blob == null) throw new ScenarioError(f, q + ".symbol", r.symbol() + ": the code: section names no vectors (vectors: " + r.symbol() + ")");
            if (!blob.name().equals(r.symbol())) {
                throw new ScenarioError(f, q + ".symbol", "'" + r.symbol() + "' but the code: section's " + (r.role().equals(Capture.CodeRef.CODE) ? "entry" : "vectors")
                        + " is '" + blob.name() + "'");
            }
            if (r.offset() + r.length() > blob.size()) {
                throw new ScenarioError(f, q + ".length", String.format("%s in %s has %d bytes, fewer than offset %d + length %d", r.symbol(), d.kernelVersion(),
                        blob.size(), r.offset(), r.length()));
            }
            byte[] bytes = Arrays.copyOfRange(blob.bytes(), r.offset(), r.offset() + r.length());
            String sha = sha256(bytes);
            if (!sha.equals(r.sha256())) {
                throw new ScenarioError(f, q + ".sha256", String.format("%s+%d..%d in the code: section's build (%s) hashes to %s, the captured page at 0x%x "
                        + "held %s: code: does not name the kernel that was captured", r.symbol(), r.offset(), r.offset() + r.length(), d.kernelVersion(),
                        sha, r.pa(), r.sha256()));
            }
            mem.writeBytes(r.pa(), bytes);
            captured.add(r.pa());
        }
        if (code.isPresent()) {
            KimageOffsets o = code.get().offsets();
            // the fields relocate_kernel.S reads (KimageOffsets.KERNEL_FIELDS): a build defines those; the others' offsets are made up
            long[][] fields = {{o.head(), k.head()}, {o.start(), k.start()}, {o.dtbMem(), k.dtbMem()},
                {o.el2Vectors(), k.el2Vectors()}, {o.ttbr1(), k.ttbr1()}, {o.zeroPage(), k.zeroPage()}, {o.physOffset(), k.physOffset()}};
            String[] names = {"head", "start", "dtb_mem", "el2_vectors", "ttbr1", "zero_page", "phys_offset"};
            for (int i = 0; i < fields.length; i++) {
                if (fields[i][0] < 0 || fields[i][0] + 8 > k.size()) continue;
                long inMem = mem.read64(k.pa() + fields[i][0]);
                if (inMem != fields[i][1]) {
                    throw new ScenarioError(f, "captured.kimage." + names[i], String.format("0x%x, but the captured struct kimage holds 0x%x at +%d "
                            + "(%s's offset)", fields[i][1], inMem, fields[i][0], code.get().kernelVersion()));
                }
            }
        }

        // ---- the regime and registers at the stop
        int el = c.currentEl();
        long hcr = s.register(SysReg.HCR_EL2, 0);
        boolean e2h = el == 2 && Layouts.of(SysReg.HCR_EL2, Regime.EL2).get("E2H", hcr) != 0;
        Regime regime = el == 1 ? Regime.EL1_0 : e2h ? Regime.EL2_0 : Regime.EL2;
        String x = el == 1 ? "_EL1" : "_EL2";
        long mmfr0 = s.register(SysReg.ID_AA64MMFR0_EL1, TranslationRegs.MMFR0_48BIT);
        TranslationRegs regs = new TranslationRegs(regime, req(s, "SCTLR" + x), req(s, "TCR" + x), req(s, "MAIR" + x), req(s, "TTBR0" + x),
                regime.hasTwoRanges() ? k.ttbr1() : 0, mmfr0);
        long vbar = req(s, "VBAR" + x);

        // ---- table pages reachable from the roots, every one captured
        Map<Long, String> tables = new LinkedHashMap<>();
        tables(f, mem, regs, 0, "TTBR0" + x + " idmap (kimage->arch.ttbr0)", captured, tables);
        if (regime.hasTwoRanges()) tables(f, mem, regs, 1, "linear-map copy (kimage->arch.ttbr1)", captured, tables);

        // ---- the entry list
        KimageList list;
        try {
            list = KimageList.parse(mem, k.head());
        } catch (KimageList.ListError e) {
            throw new ScenarioError(f, "captured.kimage.head", "the entry list in the captured pages is broken: " + e.getMessage());
        }
        for (long ind : list.indirectionPages()) {
            if (!captured.contains(ind)) throw new ScenarioError(f, "captured.pages", String.format("indirection page 0x%x of the entry list was not captured", ind));
        }
        List<long[]> runs = new ArrayList<>();
        for (KimageList.Copy cp : list.copies()) {
            long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[0] + 4096 * last[1] == cp.destination()) last[1]++;
            else runs.add(new long[] {cp.destination(), 1});
        }
        List<Segment> segs = s.segments();
        if (segs.size() != runs.size()) {
            throw new ScenarioError(f, "kimage.segments", segs.size() + " segments, but the captured entry list has " + runs.size() + " destination runs");
        }
        for (int i = 0; i < runs.size(); i++) {
            if (segs.get(i).destination() != runs.get(i)[0] || segs.get(i).pages() != runs.get(i)[1]) {
                throw new ScenarioError(f, "kimage.segments[" + i + "]", String.format("dest 0x%x, %d pages, but the entry list's run %d is 0x%x, %d pages",
                        segs.get(i).destination(), segs.get(i).pages(), i, runs.get(i)[0], runs.get(i)[1]));
            }
        }
        if (!c.sources().isEmpty()) {
            if (c.sources().size() != runs.size()) {
                throw new ScenarioError(f, "captured.sources", c.sources().size() + " hashes for " + runs.size() + " destination runs");
            }
            int at = 0;
            for (int i = 0; i < runs.size(); i++) {
                Capture.SourceHash h = c.sources().get(i);
                if (h.destination() != runs.get(i)[0] || h.pages() != runs.get(i)[1]) {
                    throw new ScenarioError(f, "captured.sources[" + i + "]", String.format("destination 0x%x, %d pages, not the entry list's run 0x%x, %d pages",
                            h.destination(), h.pages(), runs.get(i)[0], runs.get(i)[1]));
                }
                List<Long> src = list.copies().subList(at, at + (int) h.pages()).stream().map(KimageList.Copy::source).toList();
                at += (int) h.pages();
                if (captured.containsAll(src)) {
                    String got = sourceHash(mem, src);
                    if (!got.equals(h.sha256())) {
                        throw new ScenarioError(f, "captured.sources[" + i + "].sha256", "the captured source pages hash to " + got);
                    }
                }
            }
        }

        // ---- regions
        long delta = -k.physOffset();
        Optional<KimageOffsets> offs = code.map(DesignCode::offsets);
        int kimageBytes = offs.map(KimageOffsets::size).orElse(k.size());
        List<PhysRegion> regions = new ArrayList<>();
        for (RamRange r : s.ram()) regions.add(new PhysRegion("RAM", PhysRegion.Kind.RAM, r.base(), r.size()));
        regions.add(new PhysRegion("running kernel image", PhysRegion.Kind.OLD_KERNEL, s.placement().oldKernelBase(), s.placement().oldKernelSize()));
        regions.add(new PhysRegion("struct kimage (captured)", PhysRegion.Kind.KIMAGE, k.pa(), kimageBytes));
        long codePage = k.kernReloc() & ~0xfffL;
        regions.add(new PhysRegion("control page", PhysRegion.Kind.CONTROL, codePage, 4096));
        regions.add(new PhysRegion("relocation code (kimage->arch.kern_reloc, captured)", PhysRegion.Kind.CODE, codePage, 4096));
        if (k.el2Vectors() != 0) {
            regions.add(new PhysRegion("control page", PhysRegion.Kind.CONTROL, k.el2Vectors() & ~0xfffL, 4096));
            regions.add(new PhysRegion("EL2 vector copy (kimage->arch.el2_vectors, captured)", PhysRegion.Kind.VECTORS, k.el2Vectors() & ~0xfffL, 4096));
        }
        tables.forEach((pa, what) -> regions.add(new PhysRegion("page-table page of the " + what, PhysRegion.Kind.TABLE, pa, 4096)));
        if (k.zeroPage() != 0) {
            // empty_zero_page: the running kernel's .bss, which kexec may choose as a destination (it does in Debian's 6.1 runs); the code
            // installs it in TTBR1 only for the break-before-make at entry, before the first copy, so it is not a page the copies must
            // spare (the emulator, which runs the code, would see it read after a copy)
            boolean inKernel = Long.compareUnsigned(k.zeroPage() - s.placement().oldKernelBase(), s.placement().oldKernelSize()) < 0;
            regions.add(new PhysRegion("zero page (kimage->arch.zero_page: TTBR1 break-before-make at entry, before any copy)",
                    inKernel ? PhysRegion.Kind.OLD_KERNEL : PhysRegion.Kind.CONTROL, k.zeroPage(), 4096));
        }
        for (long ind : list.indirectionPages()) regions.add(new PhysRegion("indirection page", PhysRegion.Kind.INDIRECTION, ind, 4096));
        for (long[] r : pageRuns(list.sourcePages())) regions.add(new PhysRegion("source pages", PhysRegion.Kind.SOURCE, r[0], r[1]));
        for (Segment g : segs) regions.add(new PhysRegion(g.name() + " destination", PhysRegion.Kind.DESTINATION, g.destination(), g.pages() * 4096));

        // ---- phases
        String linear = "captured " + (regime.hasTwoRanges() ? "TTBR1 (kimage->arch.ttbr1: the kernel's linear-map copy)" : "TTBR0");
        long dataDelta = regime.hasTwoRanges() ? delta : 0;
        List<Region> data = new ArrayList<>();
        data.add(new Region("struct kimage fields", k.va(), k.pa(), kimageBytes, org.kexecverify.model.walk.AccessType.READ, linear));
        for (long[] r : pageRuns(list.indirectionPages())) {
            data.add(new Region("kimage entry list (indirection pages)", r[0] + dataDelta, r[0], r[1], org.kexecverify.model.walk.AccessType.READ, linear));
        }
        for (long[] r : pageRuns(list.sourcePages())) {
            data.add(new Region("source pages", r[0] + dataDelta, r[0], r[1], org.kexecverify.model.walk.AccessType.READ, linear));
        }
        for (Segment g : segs) {
            data.add(new Region("destination of " + g.name(), g.destination() + dataDelta, g.destination(), g.pages() * 4096,
                    org.kexecverify.model.walk.AccessType.WRITE, linear));
        }
        String name = code.map(d -> d.entrySymbol() + " (" + d.entry().size() + " bytes, " + d.kernelVersion() + ")").orElse("relocation code (captured)");
        List<Phase> phases = new ArrayList<>();
        phases.add(new Phase("relocation code as captured at EL" + el + " (" + regime.displayName() + "), MMU " + (regs.mmuOn() ? "on" : "off")
                + ": TTBR0 idmap + TTBR1 linear-map copy", "kimage->arch.kern_reloc (captured stop)", regs, vbar,
                List.of(new Region(name, k.kernReloc(), k.kernReloc(), codeLen, org.kexecverify.model.walk.AccessType.FETCH,
                        "captured TTBR0 idmap (kimage->arch.ttbr0)")), data, List.of()));
        if (regime == Regime.EL1_0 && k.el2Vectors() != 0) {
            TranslationRegs el2 = new TranslationRegs(Regime.EL2, req(s, "SCTLR_EL2"), req(s, "TCR_EL2"), req(s, "MAIR_EL2"), req(s, "TTBR0_EL2"), 0, mmfr0);
            long vbar2 = req(s, "VBAR_EL2");
            phases.add(new Phase("EL2 vectors at VBAR_EL2 as captured (EL2 MMU " + (el2.mmuOn() ? "on" : "off") + "): HVC_SOFT_RESTART into the new kernel",
                    "relocation code: hvc #0 (kimage->arch.el2_vectors != 0)", el2, vbar2,
                    List.of(new Region("EL2 vector copy (el1_sync entry at +0x400)", vbar2, vbar2, 0x800, org.kexecverify.model.walk.AccessType.FETCH,
                            el2.mmuOn() ? "captured EL2 tables" : "MMU off at EL2: flat")),
                    List.of(), List.of(new VectorUse(0x400, "hvc #0 (HVC_SOFT_RESTART) from the relocation code at EL1"))));
        }
        return new RelocationPlan(s, mem, list, phases, regions, code.map(KimageReads::readAfterStore).orElse(false), DESIGN);
    }

    private static long req(Scenario s, String reg) throws ScenarioError {
        SysReg r = SysReg.parse(reg);
        return s.register(r).orElseThrow(() -> new ScenarioError(s.file(), "registers." + reg, "missing: the capture stopped at this EL and its plan needs " + reg));
    }

    /** Every table page reachable from {@code regs}' TTBR{range} (level 0-2 tables; leaves are not followed), each captured. */
    private static void tables(String f, PhysicalMemory mem, TranslationRegs regs, int range, String what, Set<Long> captured,
                               Map<Long, String> out) throws ScenarioError {
        long ttbr = range == 0 ? regs.ttbr0() : regs.ttbr1();
        long txsz = regs.tcrField(range == 0 ? "T0SZ" : "T1SZ");
        if (ttbr == 0 || !Granule.txszInRange(txsz) || !regs.mmuOn()) return;
        long root = ttbr & DescriptorBits.ADDRESS.mask();
        walk(f, mem, root & ~0xfffL, Granule.startLevel(txsz), what, captured, out);
    }

    private static void walk(String f, PhysicalMemory mem, long table, int level, String what, Set<Long> captured, Map<Long, String> out) throws ScenarioError {
        if (!captured.contains(table)) {
            throw new ScenarioError(f, "captured.pages", String.format("level-%d table 0x%x of the %s was not captured", level, table, what));
        }
        if (out.putIfAbsent(table, what + ", level " + level) != null || level >= 3) return;
        long[] w = mem.pageOrNull(table >>> 12);
        if (w == null) return;
        for (long d : w) {
            if (DescriptorBits.VALID.get(d) == 0 || DescriptorBits.TYPE.get(d) == 0) continue;
            walk(f, mem, DescriptorBits.ADDRESS.get(d) << 12, level + 1, what, captured, out);
        }
    }

    static List<long[]> pageRuns(List<Long> pages) {
        long[] sorted = pages.stream().mapToLong(Long::longValue).sorted().distinct().toArray();
        List<long[]> out = new ArrayList<>();
        for (long p : sorted) {
            long[] last = out.isEmpty() ? null : out.get(out.size() - 1);
            if (last != null && last[0] + last[1] == p) last[1] += 4096;
            else out.add(new long[] {p, 4096});
        }
        return out;
    }

    /** SHA-256 over the pages' bytes, in the given order (little-endian words). */
    public static String sourceHash(PhysicalMemory mem, List<Long> pages) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] b = new byte[4096];
            for (long p : pages) {
                long[] w = mem.pageOrNull(p >>> 12);
                Arrays.fill(b, (byte) 0);
                if (w != null) {
                    for (int i = 0; i < 512; i++) for (int j = 0; j < 8; j++) b[8 * i + j] = (byte) (w[i] >>> (8 * j));
                }
                md.update(b);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
