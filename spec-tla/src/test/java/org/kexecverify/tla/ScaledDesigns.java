package org.kexecverify.tla;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.kexecverify.tla.PageModel.Entry;
import org.kexecverify.tla.PageModel.Instruction;
import org.kexecverify.tla.PageModel.Leaf;
import org.kexecverify.tla.PageModel.Sctlr;
import org.kexecverify.tla.PageModel.TlbTag;
import org.kexecverify.tla.PageModel.Va;
import org.kexecverify.tla.PageModel.VectorSlot;
import org.kexecverify.tla.PageModel.WalkConfig;

/**
 * The v5.16 design and its variants with a chosen number of destination pages (each with its own
 * source page) and free pages, for measuring how far TLC gets. Layout: pages 1..n destinations
 * (1 is the old kernel image), then relocation code, stub vectors copy, table page, indirection
 * page, n sources, f free pages. struct kimage may sit on any destination or free page; the
 * table page on the control page or, for the page-allocation variant, on any destination or free
 * page.
 */
final class ScaledDesigns {
    private ScaledDesigns() {}

    enum Variant { UPSTREAM, UPSTREAM_LIVENESS, TABLES_FROM_PAGE_ALLOC, KIMAGE_READ_AFTER_LOOP, DC_IVAC_AFTER_COPY }

    static PageModel build(Variant v, int n, int free) {
        int code = n + 1, vec = n + 2, table = n + 3, ind = n + 4;
        int firstSrc = n + 5, firstFree = firstSrc + n, last = firstFree + free - 1;
        List<Instruction> prog = new ArrayList<>();
        prog.addAll(UpstreamPageModel.machineKexec());
        List<Instruction> relocCode = new ArrayList<>();
        if (v != Variant.KIMAGE_READ_AFTER_LOOP) relocCode.addAll(UpstreamPageModel.earlyLoads());
        relocCode.addAll(UpstreamPageModel.listSetup());
        relocCode.addAll(UpstreamPageModel.tail(v == Variant.DC_IVAC_AFTER_COPY ? "ivac" : "civac"));
        relocCode.addAll(UpstreamPageModel.afterLoop());
        if (v == Variant.KIMAGE_READ_AFTER_LOOP) relocCode.addAll(UpstreamPageModel.lateLoads());
        relocCode.addAll(UpstreamPageModel.enter());
        for (Instruction i : relocCode) {
            Map<String, Object> f = new LinkedHashMap<>(i.fields());
            if (f.get("arg") instanceof Va a && a.page() == 4) f.put("arg", UpstreamPageModel.id(vec));
            prog.add(new Instruction(i.op(), UpstreamPageModel.id(code), code, i.src(), f));
        }
        prog.set(0, new Instruction(prog.get(0).op(), prog.get(0).va(), prog.get(0).pa(), prog.get(0).src(),
                Map.of("fn", "HVC_SET_VECTORS", "arg", UpstreamPageModel.id(vec))));

        Map<String, Map<Va, Leaf>> tables = new HashMap<>();
        Map<Va, Leaf> swapper = new HashMap<>(), lmCopy = new HashMap<>(), none = new HashMap<>();
        for (int p = 1; p <= last; p++) {
            swapper.put(UpstreamPageModel.lm(p), UpstreamPageModel.pageKernel(p));
            lmCopy.put(UpstreamPageModel.lm(p), UpstreamPageModel.pageKernel(p));
            none.put(UpstreamPageModel.id(p), Leaf.invalid(0));
        }
        swapper.put(UpstreamPageModel.img(1), UpstreamPageModel.pageKernelRox(1));
        tables.put("swapper", swapper);
        tables.put("lm_copy", lmCopy);
        tables.put("idmap", Map.of(UpstreamPageModel.id(code), UpstreamPageModel.pageKernelRox(code)));
        tables.put("user", none);

        Map<String, Object> sys = new LinkedHashMap<>();
        Sctlr off = new Sctlr(false, false, false);
        sys.put("SCTLR_EL1", new Sctlr(true, true, false));
        sys.put("SCTLR_EL2", off);
        sys.put("TTBR0_EL1", "user");
        sys.put("TTBR1_EL1", "swapper");
        sys.put("TCR_EL1", "tcr_el1_kernel");
        sys.put("MAIR_EL1", "mair_el1");
        sys.put("TTBR0_EL2", "none");
        sys.put("TTBR1_EL2", "none");
        sys.put("TCR_EL2", "none");
        sys.put("MAIR_EL2", "none");
        sys.put("VBAR_EL1", UpstreamPageModel.img(1));
        sys.put("VBAR_EL2", UpstreamPageModel.id(1));

        List<Entry> entries = new ArrayList<>();
        entries.add(new Entry("ind", ind, 0));
        entries.add(new Entry("dest", 1, ind));
        for (int i = 0; i < n; i++) entries.add(new Entry("src", firstSrc + i, ind));
        entries.add(new Entry("done", 0, ind));

        TreeSet<Integer> dest = new TreeSet<>(), kimage = new TreeSet<>(), tableCands = new TreeSet<>();
        for (int p = 1; p <= n; p++) dest.add(p);
        kimage.addAll(dest);
        for (int p = firstFree; p <= last; p++) kimage.add(p);
        kimage.remove(1); // the old kernel image is not free memory
        if (kimage.isEmpty()) kimage.add(last);
        if (v == Variant.TABLES_FROM_PAGE_ALLOC) tableCands.addAll(kimage);
        else tableCands.add(table);

        return new PageModel("Scaled" + v.name().replace("_", "") + "D" + n + "F" + free, "EL2", 1, 2, prog, tables, sys,
                Set.of(new TlbTag("EL1_0", 0, "user"), new TlbTag("EL1_0", 1, "swapper")),
                Set.of(new WalkConfig("EL1_0", "tcr_el1_kernel", "mair_el1"),
                        new WalkConfig("EL1_0", "tcr_el1_idmap_t0sz", "mair_el1"), new WalkConfig("EL2", "none", "none")),
                Map.of(new VectorSlot(1, 1024), "el1_sync", new VectorSlot(vec, 1024), "el1_sync"),
                entries, dest, kimage, tableCands, Set.of("idmap", "lm_copy"),
                Map.of("swapper", Set.of(1), "reserved", Set.of(1), "zero_page", Set.of(1)),
                new TreeSet<>(Set.of(vec)), true, true, List.of());
    }
}
