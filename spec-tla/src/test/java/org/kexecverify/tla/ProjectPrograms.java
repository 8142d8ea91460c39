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
 * The project's A64 programs ({@code emulator/src/main/asm/*.S}) assembled with GNU as at test time
 * into {@link DesignCode}, standing in for the {@code code:} section the bundled scenarios do not
 * have yet; and the Linux 6.1 relocation code when a build of it is at hand (never committed).
 */
final class ProjectPrograms {
    private ProjectPrograms() {}

    static final Path ASM = Path.of("../emulator/src/main/asm");
    static final String ENTRY = "arm64_relocate_new_kernel";
    static final String VECTORS = "trans_pgd_stub_vectors";

    /** Which project program each bundled scenario runs (the fixture a scenario's code: section will replace). */
    static final Map<String, String> PROGRAM_OF = Map.of(
            "upstream-el2.yaml", "relocate_kernel_v5_16.S",
            "upstream-el2-tables-ordinary.yaml", "relocate_kernel_v5_16.S",
            "upstream-el2-dc-ivac.yaml", "relocate_kernel_v5_16_dc_ivac.S",
            "upstream-el2-kimage-after-copy.yaml", "relocate_kernel_v5_16_kimage_after_copy.S",
            "rfc-v2-el1.yaml", "relocate_kernel_rfc_v2_el2.S",
            "rfc-v2-el2.yaml", "relocate_kernel_rfc_v2_el2.S",
            "rfc-v2-el2-fixed.yaml", "relocate_kernel_rfc_v2_el2.S",
            "rfc-v2-el2h.yaml", "relocate_kernel_rfc_v2_el2.S");

    /** The scenario's plan with its program's code (Missing for a scenario no program is written for). */
    static RelocationPlan planWithCode(Path file) throws Exception {
        Scenario s = ScenarioLoader.load(withoutCodeOptions(file));
        String prog = PROGRAM_OF.get(file.getFileName().toString());
        ProgramCode pc = prog == null ? ProgramCode.missing("no project program or kernel code is written for " + file.getFileName())
                : new ProgramCode.Resolved(assemble(prog));
        return ScenarioBuilders.build(s.withCode(pc));
    }

    /**
     * The scenario without the retired {@code tables.options} {@code dcache_op}/{@code kimage_reads} (what the code
     * does is in the code now; the fixture's program says it), as a temporary copy when it had them.
     */
    static Path withoutCodeOptions(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<String> kept = new ArrayList<>();
        for (String l : lines) if (!l.matches("\\s+(dcache_op|kimage_reads):.*")) kept.add(l);
        if (kept.size() == lines.size()) return file;
        if (kept.get(kept.size() - 1).trim().equals("options:")) kept.remove(kept.size() - 1);
        Path dir = Files.createTempDirectory("kv-scenario");
        Path copy = dir.resolve(file.getFileName());
        Files.write(copy, kept, StandardCharsets.UTF_8);
        copy.toFile().deleteOnExit();
        dir.toFile().deleteOnExit();
        return copy;
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

    // ---- Linux 6.1, when a build is at hand --------------------------------------------------------

    /** A defconfig build's {@code relocate_kernel.o} (and trans_pgd-asm.o beside it); never committed. */
    static Path linux61Dir() {
        return Path.of(System.getProperty("kexecverify.linux61.objects", "/tmp/tla-k61/6.1"));
    }

    static boolean linux61Available() {
        return Files.exists(linux61Dir().resolve("relocate_kernel.o")) && Files.exists(linux61Dir().resolve("trans_pgd-asm.o"));
    }

    /** Linux 6.1's arm64_relocate_new_kernel and trans_pgd_stub_vectors, with the defconfig asm-offsets. */
    static DesignCode linux61() throws IOException, InterruptedException {
        Path d = linux61Dir();
        DesignCode.Blob reloc = section(d.resolve("relocate_kernel.o"), ".kexec_relocate.text", ENTRY);
        DesignCode.Blob vec = section(d.resolve("trans_pgd-asm.o"), ".text", VECTORS);
        KimageOffsets off = KimageOffsets.of(Map.of("KIMAGE_HEAD", 0L, "KIMAGE_START", 24L, "KIMAGE_ARCH_DTB_MEM", 648L,
                "KIMAGE_ARCH_EL2_VECTORS", 664L, "KIMAGE_ARCH_TTBR1", 680L, "KIMAGE_ARCH_ZERO_PAGE", 688L,
                "KIMAGE_ARCH_PHYS_OFFSET", 696L, "KIMAGE_SIZE", 824L));
        return new DesignCode("Linux 6.1 defconfig build (" + d + ")", "6.1", ENTRY, VECTORS, off, Map.of(ENTRY, reloc, VECTORS, vec));
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
