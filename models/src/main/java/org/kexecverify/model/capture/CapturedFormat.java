package org.kexecverify.model.capture;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.reg.U64;
import org.kexecverify.model.scenario.ScenarioError;

/**
 * Reads and writes the {@code captured:} section of a scenario (format in README.md, "Captured scenarios"). Reading
 * validates every field: an error names the field path ({@code captured.pages.0x48d6f000}) in one line.
 */
public final class CapturedFormat {
    private CapturedFormat() {}

    public static final Set<String> KEYS = Set.of("what", "kernel", "cpu", "qemu", "date", "tool", "stop", "x", "sysregs", "kimage",
            "code_pages", "sources", "zero_pages", "pages");
    private static final Set<String> KIMAGE_KEYS = Set.of("va", "pa", "size", "head", "start", "dtb_mem", "kern_reloc", "el2_vectors",
            "ttbr0", "ttbr1", "zero_page", "phys_offset", "t0sz");

    // ---- reading -------------------------------------------------------------------------------------

    public static Capture parse(String f, JsonNode n, List<RamRange> ram) throws ScenarioError {
        String p = "captured";
        if (n == null || !n.isObject()) throw new ScenarioError(f, p, "must be a mapping (what, kernel, cpu, ..., pages)");
        allowOnly(f, p, n, KEYS);
        JsonNode k = req(f, p + ".kernel", n.get("kernel"));
        if (!k.isObject()) throw new ScenarioError(f, p + ".kernel", "must be a mapping {suite, package, version}");
        allowOnly(f, p + ".kernel", k, Set.of("suite", "package", "version"));
        Capture.Header h = new Capture.Header(text(f, p + ".what", n.get("what")), text(f, p + ".kernel.suite", k.get("suite")),
                text(f, p + ".kernel.package", k.get("package")), text(f, p + ".kernel.version", k.get("version")),
                text(f, p + ".cpu", n.get("cpu")), text(f, p + ".qemu", n.get("qemu")), text(f, p + ".date", n.get("date")),
                text(f, p + ".tool", n.get("tool")));

        JsonNode st = req(f, p + ".stop", n.get("stop"));
        if (!st.isObject()) throw new ScenarioError(f, p + ".stop", "must be a mapping {pc, cpsr, current_el, sp}");
        allowOnly(f, p + ".stop", st, Set.of("pc", "cpsr", "current_el", "sp"));
        long pc = num(f, p + ".stop.pc", st.get("pc"));
        long cpsr = num(f, p + ".stop.cpsr", st.get("cpsr"));
        long sp = num(f, p + ".stop.sp", st.get("sp"));
        long el = num(f, p + ".stop.current_el", st.get("current_el"));
        if (el != ((cpsr >>> 2) & 3)) {
            throw new ScenarioError(f, p + ".stop.current_el", String.format("%d contradicts cpsr 0x%x (CurrentEL = CPSR[3:2] = %d)", el, cpsr, (cpsr >>> 2) & 3));
        }
        if (el != 1 && el != 2) throw new ScenarioError(f, p + ".stop.current_el", "the relocation code runs at EL1 or EL2, not EL" + el);

        JsonNode xs = req(f, p + ".x", n.get("x"));
        if (!xs.isArray() || xs.size() != 31) throw new ScenarioError(f, p + ".x", "must be the 31 values x0..x30");
        List<Long> x = new ArrayList<>();
        for (int i = 0; i < 31; i++) x.add(num(f, p + ".x[" + i + "]", xs.get(i)));

        JsonNode sr = req(f, p + ".sysregs", n.get("sysregs"));
        if (!sr.isObject()) throw new ScenarioError(f, p + ".sysregs", "must be a mapping NAME: value (QEMU's gdbstub names)");
        Map<String, Long> sysregs = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = sr.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sysregs.put(e.getKey(), num(f, p + ".sysregs." + e.getKey(), e.getValue()));
        }

        JsonNode kn = req(f, p + ".kimage", n.get("kimage"));
        if (!kn.isObject()) throw new ScenarioError(f, p + ".kimage", "must be a mapping {va, pa, size, head, start, ...}");
        allowOnly(f, p + ".kimage", kn, KIMAGE_KEYS);
        long[] kv = new long[13];
        int i = 0;
        for (String key : List.of("va", "pa", "size", "head", "start", "dtb_mem", "kern_reloc", "el2_vectors", "ttbr0", "ttbr1", "zero_page",
                "phys_offset", "t0sz")) {
            kv[i++] = num(f, p + ".kimage." + key, kn.get(key));
        }
        if (kv[2] <= 0 || kv[2] > 4096 || (kv[1] & 0xfff) + kv[2] > 4096) {
            throw new ScenarioError(f, p + ".kimage.size", kv[2] + " bytes at 0x" + Long.toHexString(kv[1]) + " do not fit one page");
        }
        if (!inRam(ram, kv[1])) throw new ScenarioError(f, p + ".kimage.pa", String.format("0x%x is outside RAM", kv[1]));
        if (kv[0] + kv[11] != kv[1]) {
            throw new ScenarioError(f, p + ".kimage.phys_offset", String.format("va 0x%x + phys_offset 0x%x is 0x%x, not pa 0x%x", kv[0], kv[11],
                    kv[0] + kv[11], kv[1]));
        }
        if (x.get(0) != kv[0]) throw new ScenarioError(f, p + ".x[0]", String.format("0x%x is not struct kimage's va 0x%x", x.get(0), kv[0]));
        Capture.Kimage kimage = new Capture.Kimage(kv[0], kv[1], (int) kv[2], kv[3], kv[4], kv[5], kv[6], kv[7], kv[8], kv[9], kv[10], kv[11], kv[12]);
        if (pc != kimage.kernReloc()) {
            throw new ScenarioError(f, p + ".stop.pc", String.format("0x%x is not kimage->arch.kern_reloc 0x%x: the capture is not at the relocation entry",
                    pc, kimage.kernReloc()));
        }

        List<Capture.CodeRef> code = new ArrayList<>();
        JsonNode cp = req(f, p + ".code_pages", n.get("code_pages"));
        if (!cp.isArray() || cp.isEmpty()) throw new ScenarioError(f, p + ".code_pages", "must be a non-empty list of {role, pa, package, version, symbol, offset, length, sha256}");
        for (int j = 0; j < cp.size(); j++) {
            String q = p + ".code_pages[" + j + "]";
            JsonNode c = cp.get(j);
            if (!c.isObject()) throw new ScenarioError(f, q, "must be a mapping {role, pa, package, version, symbol, offset, length, sha256}");
            allowOnly(f, q, c, Set.of("role", "pa", "package", "version", "symbol", "offset", "length", "sha256"));
            String role = text(f, q + ".role", c.get("role"));
            if (!role.equals(Capture.CodeRef.CODE) && !role.equals(Capture.CodeRef.VECTORS)) {
                throw new ScenarioError(f, q + ".role", "'" + role + "' is neither '" + Capture.CodeRef.CODE + "' nor '" + Capture.CodeRef.VECTORS + "'");
            }
            long pa = num(f, q + ".pa", c.get("pa"));
            if ((pa & 0xfff) != 0) throw new ScenarioError(f, q + ".pa", String.format("0x%x is not 4 KB aligned", pa));
            if (!inRam(ram, pa)) throw new ScenarioError(f, q + ".pa", String.format("0x%x is outside RAM", pa));
            long off = num(f, q + ".offset", c.get("offset"));
            long len = num(f, q + ".length", c.get("length"));
            if (len <= 0 || len > 4096 || off < 0 || off > 1 << 20) throw new ScenarioError(f, q + ".length", len + " bytes from offset " + off + " do not fit a page");
            String sha = text(f, q + ".sha256", c.get("sha256"));
            if (!sha.matches("[0-9a-f]{64}")) throw new ScenarioError(f, q + ".sha256", "must be 64 lower-case hex digits");
            code.add(new Capture.CodeRef(role, pa, text(f, q + ".package", c.get("package")), text(f, q + ".version", c.get("version")),
                    text(f, q + ".symbol", c.get("symbol")), (int) off, (int) len, sha));
        }
        if (code.stream().noneMatch(c -> c.role().equals(Capture.CodeRef.CODE))) {
            throw new ScenarioError(f, p + ".code_pages", "no page with role '" + Capture.CodeRef.CODE + "'");
        }

        List<Capture.SourceHash> sources = new ArrayList<>();
        JsonNode sn = n.get("sources");
        if (sn != null) {
            if (!sn.isArray()) throw new ScenarioError(f, p + ".sources", "must be a list of {destination, pages, sha256}");
            for (int j = 0; j < sn.size(); j++) {
                String q = p + ".sources[" + j + "]";
                JsonNode s = sn.get(j);
                if (!s.isObject()) throw new ScenarioError(f, q, "must be a mapping {destination, pages, sha256}");
                allowOnly(f, q, s, Set.of("destination", "pages", "sha256"));
                String sha = text(f, q + ".sha256", s.get("sha256"));
                if (!sha.matches("[0-9a-f]{64}")) throw new ScenarioError(f, q + ".sha256", "must be 64 lower-case hex digits");
                sources.add(new Capture.SourceHash(num(f, q + ".destination", s.get("destination")), num(f, q + ".pages", s.get("pages")), sha));
            }
        }

        List<Long> zero = new ArrayList<>();
        JsonNode zn = n.get("zero_pages");
        if (zn != null) {
            if (!zn.isArray()) throw new ScenarioError(f, p + ".zero_pages", "must be a list of page addresses");
            for (int j = 0; j < zn.size(); j++) zero.add(page(f, p + ".zero_pages[" + j + "]", num(f, p + ".zero_pages[" + j + "]", zn.get(j)), ram));
        }
        SortedMap<Long, long[]> pages = new TreeMap<>();
        JsonNode pn = req(f, p + ".pages", n.get("pages"));
        if (!pn.isObject()) throw new ScenarioError(f, p + ".pages", "must be a mapping PA: page words");
        for (Iterator<Map.Entry<String, JsonNode>> it = pn.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String q = p + ".pages." + e.getKey();
            long pa;
            try {
                pa = U64.parse(e.getKey());
            } catch (IllegalArgumentException ex) {
                throw new ScenarioError(f, q, "the key is not a physical address (" + ex.getMessage() + ")");
            }
            page(f, q, pa, ram);
            if (zero.contains(pa)) throw new ScenarioError(f, q, "also listed in captured.zero_pages");
            if (!e.getValue().isTextual()) throw new ScenarioError(f, q, "must be the page's words as text (VALUE, VALUE*COUNT, VALUE*COUNT+STEP)");
            try {
                pages.put(pa, PageWords.decode(e.getValue().asText()));
            } catch (PageWords.Malformed m) {
                throw new ScenarioError(f, q, m.getMessage());
            }
        }
        return new Capture(h, pc, cpsr, sp, x, sysregs, kimage, code, sources, pages, zero, Map.of());
    }

    private static long page(String f, String q, long pa, List<RamRange> ram) throws ScenarioError {
        if ((pa & 0xfff) != 0) throw new ScenarioError(f, q, String.format("0x%x is not 4 KB aligned", pa));
        if (!inRam(ram, pa)) throw new ScenarioError(f, q, String.format("0x%x is outside RAM", pa));
        return pa;
    }

    private static boolean inRam(List<RamRange> ram, long pa) {
        return ram.stream().anyMatch(r -> r.contains(pa));
    }

    private static void allowOnly(String f, String path, JsonNode n, Set<String> keys) throws ScenarioError {
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) throw new ScenarioError(f, path + "." + k, "unknown field");
        }
    }

    private static JsonNode req(String f, String path, JsonNode n) throws ScenarioError {
        if (n == null || n.isNull()) throw new ScenarioError(f, path, "missing");
        return n;
    }

    private static String text(String f, String path, JsonNode n) throws ScenarioError {
        req(f, path, n);
        if (!n.isTextual()) throw new ScenarioError(f, path, "must be a string");
        return n.asText();
    }

    private static long num(String f, String path, JsonNode n) throws ScenarioError {
        req(f, path, n);
        if (n.isTextual() && n.asText().length() > 40) throw new ScenarioError(f, path, "value is wider than 64 bits");
        try {
            if (n.isIntegralNumber()) return U64.fit(n.bigIntegerValue(), n.asText());
            if (n.isTextual()) return U64.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new ScenarioError(f, path, "value " + e.getMessage());
        }
        throw new ScenarioError(f, path, "must be a number");
    }

    // ---- writing -------------------------------------------------------------------------------------

    /** The scenario fields a captured scenario carries besides {@code captured:} (all data the capture read). */
    public record Head(String name, String description, String regime, Map<String, Long> registers, List<RamRange> ram,
                       List<long[]> segments, long controlPages, long sources, long kimage, long oldKernelBase, long oldKernelSize,
                       long hypStubVectors, long kernelVectors, List<String> codeLines) {
    }

    /** The whole scenario file: a comment header, the ordinary scenario fields, then {@code captured:}. */
    public static String write(Head h, Capture c) {
        StringBuilder b = new StringBuilder();
        Capture.Header hd = c.header();
        b.append("# CAPTURED SCENARIO: ").append(hd.what()).append('\n');
        b.append("#   kernel  ").append(hd.kernel()).append(' ').append(hd.version()).append(" (").append(hd.suite()).append(")\n");
        b.append("#   cpu     QEMU -cpu ").append(hd.cpu()).append(", stopped at EL").append(c.currentEl()).append('\n');
        b.append("#   qemu    ").append(hd.qemu()).append('\n');
        b.append("#   date    ").append(hd.date()).append("   by ").append(hd.tool()).append('\n');
        b.append("# Tables, the entry list, struct kimage and the registers are data the kernel produced at run time. The code\n");
        b.append("# pages are kept by reference (captured.code_pages: package, symbol, offset, SHA-256): their bytes are read from\n");
        b.append("# the kernel build named under code: when the scenario loads. Sources are kept by hash (captured.sources).\n");
        b.append("name: ").append(h.name()).append('\n');
        b.append("description: ").append(quote(h.description())).append('\n');
        b.append("regime: ").append(h.regime()).append('\n');
        b.append("registers:                      # as captured, under the models' names (captured.sysregs has all QEMU exposed)\n");
        h.registers().forEach((r, v) -> b.append("  ").append(r).append(": ").append(hex(v)).append('\n'));
        b.append("ram:\n");
        for (RamRange r : h.ram()) b.append("  - {base: ").append(hex(r.base())).append(", size: ").append(hex(r.size())).append("}\n");
        b.append("kimage:\n  segments:                     # the destination runs of the captured entry list\n");
        for (long[] s : h.segments()) {
            b.append("    - {name: ").append(String.format("segment-%x", s[0])).append(", size: ").append(hex(s[1])).append(", dest: ")
                    .append(hex(s[0])).append("}\n");
        }
        b.append("placement:\n");
        b.append("  control_pages: ").append(hex(h.controlPages())).append("   # the relocation code's control page (kimage->arch.kern_reloc)\n");
        b.append("  sources: ").append(hex(h.sources())).append("         # lowest source or indirection page\n");
        b.append("  kimage: ").append(hex(h.kimage())).append("          # struct kimage (PA)\n");
        b.append("  old_kernel: {base: ").append(hex(h.oldKernelBase())).append(", size: ").append(hex(h.oldKernelSize()))
                .append("}   # _text (PA) and the Image header's image_size\n");
        if (!h.regime().equals("el1")) b.append("  hyp_stub_vectors: ").append(hex(h.hypStubVectors())).append("   # __hyp_stub_vectors (PA)\n");
        b.append("  kernel_vectors: ").append(hex(h.kernelVectors())).append("   # VBAR of the EL the code runs at\n");
        b.append("tables:\n  builder: captured              # memory, regions and phases from captured: below\n");
        b.append("code:\n");
        for (String l : h.codeLines()) b.append("  ").append(l).append('\n');
        b.append("captured:\n");
        b.append("  what: ").append(quote(hd.what())).append('\n');
        b.append("  kernel: {suite: ").append(hd.suite()).append(", package: ").append(hd.kernel()).append(", version: ")
                .append(quote(hd.version())).append("}\n");
        b.append("  cpu: ").append(quote(hd.cpu())).append('\n');
        b.append("  qemu: ").append(quote(hd.qemu())).append('\n');
        b.append("  date: ").append(quote(hd.date())).append('\n');
        b.append("  tool: ").append(quote(hd.tool())).append('\n');
        b.append("  stop: {pc: ").append(hex(c.pc())).append(", cpsr: ").append(hex(c.cpsr())).append(", current_el: ").append(c.currentEl())
                .append(", sp: ").append(hex(c.sp())).append("}\n");
        b.append("  x:                              # x0..x30 at the stop (x0 = struct kimage)\n");
        for (int i = 0; i < c.x().size(); i++) b.append("    - ").append(hex(c.x().get(i))).append("   # x").append(i).append('\n');
        b.append("  sysregs:                        # every register QEMU 7.2's gdbstub exposed (its names: SCTLR = SCTLR_EL1)\n");
        new TreeMap<>(c.sysregs()).forEach((r, v) -> b.append("    ").append(r).append(": ").append(hex(v)).append('\n'));
        Capture.Kimage k = c.kimage();
        b.append("  kimage: {va: ").append(hex(k.va())).append(", pa: ").append(hex(k.pa())).append(", size: ").append(k.size())
                .append(",\n           head: ").append(hex(k.head())).append(", start: ").append(hex(k.start())).append(", dtb_mem: ")
                .append(hex(k.dtbMem())).append(",\n           kern_reloc: ").append(hex(k.kernReloc())).append(", el2_vectors: ")
                .append(hex(k.el2Vectors())).append(", ttbr0: ").append(hex(k.ttbr0())).append(", ttbr1: ").append(hex(k.ttbr1()))
                .append(",\n           zero_page: ").append(hex(k.zeroPage())).append(", phys_offset: ").append(hex(k.physOffset()))
                .append(", t0sz: ").append(k.t0sz()).append("}\n");
        b.append("  code_pages:                     # kernel code, by reference\n");
        for (Capture.CodeRef r : c.code()) {
            b.append("    - {role: ").append(r.role()).append(", pa: ").append(hex(r.pa())).append(", package: ").append(r.pkg())
                    .append(", version: ").append(quote(r.version())).append(",\n       symbol: ").append(r.symbol()).append(", offset: ")
                    .append(r.offset()).append(", length: ").append(r.length()).append(", sha256: ").append(quote(r.sha256())).append("}\n");
        }
        b.append("  sources:                        # source pages by hash: SHA-256 over each destination run's sources, in list order\n");
        for (Capture.SourceHash s : c.sources()) {
            b.append("    - {destination: ").append(hex(s.destination())).append(", pages: ").append(s.pages()).append(", sha256: ")
                    .append(quote(s.sha256())).append("}\n");
        }
        b.append("  zero_pages: [");
        for (int i = 0; i < c.zeroPages().size(); i++) b.append(i == 0 ? "" : ", ").append(hex(c.zeroPages().get(i)));
        b.append("]\n");
        b.append("  pages:                          # 512 words each: VALUE, VALUE*COUNT (repeated), VALUE*COUNT+STEP (a run)\n");
        for (Map.Entry<Long, long[]> e : c.pages().entrySet()) {
            String note = c.notes().get(e.getKey());
            b.append("    \"").append(hex(e.getKey())).append("\": |").append(note == null ? "" : "   # " + note).append('\n');
            for (String l : PageWords.encode(e.getValue()).split("\n")) b.append("      ").append(l).append('\n');
        }
        return b.toString();
    }

    static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
