package org.kexecverify.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;

/**
 * The project's A64 programs ({@code designs/*.S}) assembled with GNU as at test time
 * into {@link DesignCode}, standing in for the {@code code:} section the bundled scenarios do not
 * have yet; and the Linux 6.1 relocation code when a build of it is at hand (never committed).
 */
final class ProjectPrograms {
    private ProjectPrograms() {}

    static final Path ASM = Path.of("../designs");
    static final String ENTRY = "arm64_relocate_new_kernel";
    static final String VECTORS = "trans_pgd_stub_vectors";

    /** The scenario with the code its code: section names, resolved as the checker does, and its plan. */
    static RelocationPlan planWithCode(Path file) throws Exception {
        return ScenarioBuilders.build(org.kexecverify.kernels.ResolvedScenarios.load(file));
    }

    /** True when the scenario's code could be had here (a kernel: section needs Debian's packages once). */
    static boolean hasCode(Path file) throws Exception {
        return org.kexecverify.kernels.ResolvedScenarios.load(file).code().get().isPresent();
    }

    /** The same plan with other code. */
    static RelocationPlan withCode(RelocationPlan plan, DesignCode code) throws Exception {
        return ScenarioBuilders.build(plan.scenario().withCode(new ProgramCode.Resolved(code)));
    }

    private static final Map<String, DesignCode> CACHE = new HashMap<>();

    /** {@code file} (and the stub vectors when it is a v5.16 program) assembled with aarch64-linux-gnu-as. */
    static synchronized DesignCode assemble(String file) throws IOException, InterruptedException {
        DesignCode c = CACHE.get(file);
        if (c != null) return c;
        String src = Files.readString(ASM.resolve(file), StandardCharsets.UTF_8);
        DesignCode.Blob entry = blob(file, src, ENTRY);
        Map<String, DesignCode.Blob> syms = new HashMap<>();
        syms.put(ENTRY, entry);
        String vectors = null;
        if (src.contains("HVC_SOFT_RESTART")) {
            vectors = VECTORS;
            syms.put(VECTORS, blob("trans_pgd_stub_vectors.S", Files.readString(ASM.resolve("trans_pgd_stub_vectors.S")), VECTORS));
        }
        c = new DesignCode("project " + file + " (GNU as)", "project", ENTRY, vectors, offsets(src), syms);
        CACHE.put(file, c);
        return c;
    }

    /** The struct kimage offsets a project .S states: {@code .equ KIMAGE_*}, or RFC v2's kern_reloc_arg {@code KRELOC_*}. */
    static KimageOffsets offsets(String src) {
        Map<String, Long> v = new HashMap<>();
        Matcher m = Pattern.compile("\\.equ\\s+(K(?:IMAGE|RELOC)_[A-Z0-9_]+)\\s*,\\s*(0x[0-9a-fA-F]+|\\d+)").matcher(src);
        while (m.find()) v.put(m.group(1), Long.decode(m.group(2)));
        if (v.containsKey("KRELOC_HEAD")) {
            // struct kern_reloc_arg (RFC v2): head, entry_addr, kern_arg0, trans_table; the rest after it
            Map<String, Long> k = new HashMap<>();
            k.put("KIMAGE_HEAD", v.get("KRELOC_HEAD"));
            k.put("KIMAGE_START", v.get("KRELOC_ENTRY_ADDR"));
            k.put("KIMAGE_ARCH_DTB_MEM", v.get("KRELOC_KERN_ARG0"));
            k.put("KIMAGE_ARCH_TTBR0", v.get("KRELOC_TRANS_TABLE"));
            long next = 32;
            for (String r : List.of("KIMAGE_ARCH_EL2_VECTORS", "KIMAGE_ARCH_TTBR1", "KIMAGE_ARCH_ZERO_PAGE", "KIMAGE_ARCH_PHYS_OFFSET")) {
                k.put(r, next);
                next += 8;
            }
            return KimageOffsets.of(k);
        }
        return KimageOffsets.of(v);
    }

    /** Assembles {@code src} and cuts the .text section; {@code symbol}'s offset from nm. */
    static DesignCode.Blob blob(String name, String src, String symbol) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kv-as");
        try {
            Path s = dir.resolve(name);
            Files.writeString(s, src);
            run(dir, "aarch64-linux-gnu-as", "-o", "p.o", name);
            run(dir, "aarch64-linux-gnu-objcopy", "-O", "binary", "-j", ".text", "p.o", "p.bin");
            String nm = run(dir, "aarch64-linux-gnu-nm", "p.o");
            int off = -1;
            for (String line : nm.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[2].equals(symbol)) off = Integer.parseInt(f[0], 16);
            }
            if (off < 0) throw new IOException(name + ": no symbol " + symbol);
            return new DesignCode.Blob(symbol, Files.readAllBytes(dir.resolve("p.bin")), off, name, 0);
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String run(Path dir, String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
        return out;
    }

    /** {@code code} with the word at {@code symbol+off} replaced (a mutant). */
    static DesignCode mutate(DesignCode code, int off, int word, String what) {
        DesignCode.Blob e = code.entry();
        byte[] b = e.bytes();
        int at = e.entryOffset() + off;
        for (int i = 0; i < 4; i++) b[at + i] = (byte) (word >>> (8 * i));
        Map<String, DesignCode.Blob> syms = new HashMap<>(code.symbols());
        syms.put(e.name(), new DesignCode.Blob(e.name(), b, e.entryOffset(), e.file() + " (" + what + ")", e.fileOffset()));
        return new DesignCode(code.origin() + ", mutant: " + what, code.kernelVersion(), code.entrySymbol(), code.vectorsSymbol(),
                code.offsets(), syms);
    }

    /** Byte offsets (from the entry symbol) of every word equal to {@code word}. */
    static List<Integer> find(DesignCode code, int word) {
        DesignCode.Blob e = code.entry();
        List<Integer> out = new ArrayList<>();
        for (int o = e.entryOffset(); o + 4 <= e.size(); o += 4) if (e.word(o) == word) out.add(o - e.entryOffset());
        return out;
    }

    // ---- Linux 6.1 ----------------------------------------------------------------------------------

    static final Path UPSTREAM_EL2 = Path.of("../scenarios/upstream-el2.yaml");

    /** Linux 6.1's arm64_relocate_new_kernel and trans_pgd_stub_vectors, as upstream-el2's code: kernel: bookworm gives them. */
    static DesignCode linux61() throws Exception {
        return org.kexecverify.kernels.ResolvedScenarios.load(UPSTREAM_EL2).code().get()
                .orElseThrow(() -> new IllegalStateException("no Linux 6.1 code here"));
    }

    static boolean linux61Available() throws Exception {
        return hasCode(UPSTREAM_EL2);
    }

    static DesignCode.Blob section(Path obj, String section, String symbol) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kv-obj");
        try {
            run(dir, "aarch64-linux-gnu-objcopy", "-O", "binary", "-j", section, obj.toAbsolutePath().toString(), "s.bin");
            return new DesignCode.Blob(symbol, Files.readAllBytes(dir.resolve("s.bin")), 0, obj.toString(), 0);
        } finally {
            try (var w = Files.walk(dir)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
