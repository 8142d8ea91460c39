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
import org.kexecverify.tla.PageModel.WalkFact;

/**
 * The v5.16 design of {@code tla-models/UpstreamV516.tla} built as a {@link PageModel} in Java, so
 * the exporter's output can be checked against the hand-written model (same outcome, same number
 * of distinct states).
 */
final class UpstreamPageModel {
    private UpstreamPageModel() {}

    static Va id(int p) { return new Va(0, p); }
    static Va lm(int p) { return new Va(1, p); }
    static Va img(int p) { return new Va(1, 100 + p); }

    /** Linux pgprots as leaves (same bits as Vmsa.tla's PAGE_* operators). */
    static Leaf pageKernel(int pa) { return new Leaf(true, 3, pa, true, false, false, true, true, false, false, false, false); }
    static Leaf pageKernelRox(int pa) { return new Leaf(true, 3, pa, true, true, false, false, true, false, false, false, false); }

    static Instruction k(String op, String src, Map<String, Object> f) {
        return new Instruction(op, img(1), 1, "machine_kexec.c: " + src, f);
    }

    static Instruction r(String op, String src, Map<String, Object> f) {
        return new Instruction(op, id(3), 3, "relocate_kernel.S: " + src, f);
    }

    static Map<String, Object> f(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    static List<Instruction> machineKexec() {
        return List.of(
                k("hvc", "__hyp_set_vectors(kimage->arch.el2_vectors): hvc #0", f("fn", "HVC_SET_VECTORS", "arg", id(4))),
                k("msr", "cpu_install_ttbr0: cpu_set_reserved_ttbr0: msr ttbr0_el1", f("reg", "TTBR0_EL1", "val", "reserved")),
                k("isb", "cpu_install_ttbr0: isb", f()),
                k("tlbi", "cpu_install_ttbr0: local_flush_tlb_all: tlbi vmalle1", f("scope", "vmalle1")),
                k("dsb", "cpu_install_ttbr0: local_flush_tlb_all: dsb nsh", f()),
                k("isb", "cpu_install_ttbr0: local_flush_tlb_all: isb", f()),
                k("msr", "cpu_install_ttbr0: __cpu_set_tcr_t0sz: msr tcr_el1", f("reg", "TCR_EL1", "val", "tcr_el1_idmap_t0sz")),
                k("msr", "cpu_install_ttbr0: msr ttbr0_el1, arch.ttbr0", f("reg", "TTBR0_EL1", "val", "idmap")),
                k("isb", "cpu_install_ttbr0: isb", f()),
                k("branch", "kern_reloc(kimage): blr to the idmapped relocation code", f()));
    }

    static Instruction ldr(String field, String src) {
        return r("ldr_kimage", src, f("field", field, "range", 1));
    }

    static List<Instruction> earlyLoads() {
        return List.of(ldr("start", "ldr x28, [x0, #KIMAGE_START]"),
                ldr("el2_vectors", "ldr x27, [x0, #KIMAGE_ARCH_EL2_VECTORS]"),
                ldr("dtb_mem", "ldr x26, [x0, #KIMAGE_ARCH_DTB_MEM]"));
    }

    static List<Instruction> lateLoads() {
        return List.of(ldr("start", "ldr x4, [x0, #KIMAGE_START]"),
                ldr("el2_vectors", "ldr x1, [x0, #KIMAGE_ARCH_EL2_VECTORS]"),
                ldr("dtb_mem", "ldr x0, [x0, #KIMAGE_ARCH_DTB_MEM]"));
    }

    static List<Instruction> listSetup() {
        return List.of(ldr("ttbr1", "ldr x17, [x0, #KIMAGE_ARCH_TTBR1]"),
                ldr("head", "ldr x16, [x0, #KIMAGE_HEAD]"),
                r("msr", "break_before_make_ttbr_switch: msr ttbr1_el1, zero_page", f("reg", "TTBR1_EL1", "val", "zero_page")),
                r("isb", "break_before_make_ttbr_switch: isb", f()),
                r("tlbi", "break_before_make_ttbr_switch: tlbi vmalle1", f("scope", "vmalle1")),
                r("dsb", "break_before_make_ttbr_switch: dsb nsh", f()),
                r("msr", "break_before_make_ttbr_switch: msr ttbr1_el1, x17", f("reg", "TTBR1_EL1", "val", "lm_copy")),
                r("isb", "break_before_make_ttbr_switch: isb", f()));
    }

    static List<Instruction> tail(String cmo) {
        return List.of(r("copy_loop", ".Lloop", f("cmo", cmo, "range", 1)));
    }

    static List<Instruction> afterLoop() {
        return List.of(r("dsb", "dsb nsh", f()), r("ic_iallu", "ic iallu", f()), r("dsb", "dsb nsh", f()), r("isb", "isb", f()));
    }

    static List<Instruction> enter() {
        return List.of(r("msr", "turn_off_mmu: msr sctlr_el1", f("reg", "SCTLR_EL1", "val", new Sctlr(false, false, false))),
                r("isb", "turn_off_mmu: isb", f()),
                r("hvc", "hvc #0 (HVC_SOFT_RESTART)", f("fn", "HVC_SOFT_RESTART", "arg", new Va(0, 0))));
    }

    @SafeVarargs
    static List<Instruction> concat(List<Instruction>... parts) {
        List<Instruction> out = new ArrayList<>();
        for (List<Instruction> p : parts) out.addAll(p);
        return out;
    }

    static PageModel build(String name, List<Instruction> program, Set<Integer> tableCands) {
        Map<String, Map<Va, Leaf>> tables = new HashMap<>();
        Map<Va, Leaf> swapper = new HashMap<>();
        Map<Va, Leaf> lmCopy = new HashMap<>();
        for (int p = 1; p <= 9; p++) {
            swapper.put(lm(p), pageKernel(p));
            lmCopy.put(lm(p), pageKernel(p));
        }
        swapper.put(img(1), pageKernelRox(1));
        tables.put("swapper", swapper);
        tables.put("lm_copy", lmCopy);
        tables.put("idmap", Map.of(id(3), pageKernelRox(3)));
        // roots that map nothing still need their VAs listed for the VAs constant
        Map<Va, Leaf> none = new HashMap<>();
        for (int p = 1; p <= 9; p++) none.put(id(p), Leaf.invalid(0));
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
        sys.put("VBAR_EL1", img(1));
        sys.put("VBAR_EL2", id(1));

        Set<WalkConfig> walkValid = new java.util.HashSet<>();
        for (String tcr : List.of("tcr_el1_kernel", "tcr_el1_idmap_t0sz")) walkValid.add(new WalkConfig("EL1_0", tcr, "mair_el1"));
        // EL2 keeps its MMU off in this design: every EL2 configuration is accepted (never walked).
        for (String tcr : List.of("none")) walkValid.add(new WalkConfig("EL2", tcr, "none"));

        List<WalkFact> facts = List.of(
                new WalkFact("EL1_0", "idmap", id(3), "fetch", false, "NONE"),
                new WalkFact("EL2", "idmap", id(3), "fetch", false, "PERMISSION"),
                new WalkFact("EL1_0", "lm_copy", lm(2), "write", false, "NONE"),
                new WalkFact("EL1_0", "lm_copy", lm(2), "fetch", false, "PERMISSION"),
                new WalkFact("EL1_0", "swapper", img(1), "write", false, "PERMISSION"),
                new WalkFact("EL1_0", "user", id(3), "read", false, "TRANSLATION"));

        return new PageModel(name, "EL2", 1, 2, program, tables, sys,
                Set.of(new TlbTag("EL1_0", 0, "user"), new TlbTag("EL1_0", 1, "swapper")),
                walkValid,
                Map.of(new VectorSlot(1, 1024), "el1_sync", new VectorSlot(4, 1024), "el1_sync"),
                List.of(new Entry("ind", 6, 0), new Entry("dest", 1, 6), new Entry("src", 7, 6),
                        new Entry("src", 8, 6), new Entry("done", 0, 6)),
                new TreeSet<>(Set.of(1, 2)), new TreeSet<>(Set.of(2, 9)), new TreeSet<>(tableCands),
                Set.of("idmap", "lm_copy"),
                Map.of("swapper", Set.of(1), "reserved", Set.of(1), "zero_page", Set.of(1)),
                new TreeSet<>(Set.of(4)), true, true, facts);
    }

    static PageModel upstream() {
        return build("ExportedUpstreamV516", concat(machineKexec(), earlyLoads(), listSetup(), tail("civac"), afterLoop(), enter()),
                Set.of(5));
    }

    static PageModel kimageReadAfterLoop() {
        return build("ExportedKimageReadAfterLoop",
                concat(machineKexec(), listSetup(), tail("civac"), afterLoop(), lateLoads(), enter()), Set.of(5));
    }
}
