package org.kexecverify.linux;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;

/**
 * Linux's own relocation code, read at test time from a kernel build the developer made outside the repository
 * (nothing of it is committed): {@code $KEXEC_VERIFY_LINUX_6_1} / {@code $KEXEC_VERIFY_LINUX_6_12} name a
 * {@code linux-source-*} tree after
 * {@code make ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- defconfig prepare arch/arm64/kernel/relocate_kernel.o
 * arch/arm64/mm/trans_pgd-asm.o}. The bytes are cut with binutils' objcopy, the symbol offsets read with nm, the
 * struct kimage offsets from {@code include/generated/asm-offsets.h}. Tests skip with the reason when the build or
 * binutils is absent. Stands in for the scenario code resolver (branch {@code code}) until it lands (a copy of the
 * emulator module's test helper of the same name).
 */
public final class LinuxBuild {
    private LinuxBuild() {}

    public static final String ENTRY = "arm64_relocate_new_kernel";
    public static final String VECTORS = "trans_pgd_stub_vectors";

    /** The code of the build named by {@code $KEXEC_VERIFY_LINUX_<version with _>}, or the test is skipped. */
    public static DesignCode code(String version) {
        String var = "KEXEC_VERIFY_LINUX_" + version.replace('.', '_');
        String dir = System.getenv(var);
        assumeTrue(dir != null && !dir.isBlank(), var + " is not set: no Linux " + version + " build to read the relocation code from "
                + "(build linux-source-" + version + " for arm64 outside the repository and point " + var + " at it)");
        Path tree = Path.of(dir);
        Path reloc = tree.resolve("arch/arm64/kernel/relocate_kernel.o");
        Path stub = tree.resolve("arch/arm64/mm/trans_pgd-asm.o");
        Path offs = tree.resolve("include/generated/asm-offsets.h");
        assumeTrue(Files.isRegularFile(reloc) && Files.isRegularFile(stub) && Files.isRegularFile(offs),
                var + "=" + dir + " lacks relocate_kernel.o, trans_pgd-asm.o or asm-offsets.h");
        assumeTrue(tool("aarch64-linux-gnu-objcopy") && tool("aarch64-linux-gnu-nm"), "binutils-aarch64-linux-gnu is not installed");
        try {
            String release = Files.readString(tree.resolve("include/config/kernel.release")).strip();
            Map<String, Long> o = new HashMap<>();
            Matcher m = Pattern.compile("(?m)^#define (KIMAGE_\\w+) (\\d+)").matcher(Files.readString(offs));
            while (m.find()) o.put(m.group(1), Long.parseLong(m.group(2)));
            DesignCode.Blob entry = blob(reloc, ".kexec_relocate.text", ENTRY);
            DesignCode.Blob vectors = blob(stub, ".text", VECTORS);
            return new DesignCode("Linux " + release + " defconfig build at " + tree, release, ENTRY, VECTORS, KimageOffsets.of(o),
                    Map.of(ENTRY, entry, VECTORS, vectors));
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("reading the Linux " + version + " build at " + tree + ": " + e.getMessage(), e);
        }
    }

    private static DesignCode.Blob blob(Path obj, String section, String symbol) throws IOException, InterruptedException {
        String rel = run(List.of("aarch64-linux-gnu-readelf", "-SW", obj.toString()));
        if (rel.contains(".rela" + section + " ")) throw new IllegalStateException(obj + ": " + section + " has relocations; its bytes are not final");
        Path out = Files.createTempFile("kv-section", ".bin");
        try {
            run(List.of("aarch64-linux-gnu-objcopy", "-O", "binary", "-j", section, obj.toString(), out.toString()));
            byte[] bytes = Files.readAllBytes(out);
            Matcher m = Pattern.compile("(?m)^([0-9a-f]+) \\w " + Pattern.quote(symbol) + "$").matcher(run(List.of("aarch64-linux-gnu-nm", obj.toString())));
            if (!m.find()) throw new IllegalStateException(obj + " has no symbol " + symbol);
            return new DesignCode.Blob(symbol, bytes, Integer.parseInt(m.group(1), 16), obj.toString(), 0);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static boolean tool(String name) {
        try {
            return new ProcessBuilder(name, "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(String.join(" ", cmd) + ": " + out);
        return out;
    }
}
