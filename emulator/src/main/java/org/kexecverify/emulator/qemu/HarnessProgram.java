package org.kexecverify.emulator.qemu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bare-metal case runner ({@code harness.S}), assembled and linked with GNU binutils into a
 * raw image loaded by {@code qemu -kernel} at {@link #LOAD_ADDRESS}.
 *
 * <pre>
 *  0x40080000  _start, case loop, UART, harness EL2 vectors
 *  0x40081000  code_el2   template: optional TLBI, msr sctlr_el2 (M=1), BRK, ldr, str, report
 *  0x40082000  code_el1   template: same at EL1 (entered by eret), reports with hvc
 *  0x40083000  vec_el2    template vector page (VBAR_EL2), stub reports ESR/FAR
 *  0x40084000  vec_el1    template vector page (VBAR_EL1)
 *  0x400a0000  blob       case records and page contents (CaseImageBuilder)
 * </pre>
 */
public final class HarnessProgram {

    /** Where QEMU's virt board loads a raw (non-ELF, headerless) AArch64 kernel image. */
    public static final long LOAD_ADDRESS = 0x4008_0000L;

    private final byte[] binary;
    private final Map<String, Long> symbols;

    private HarnessProgram(byte[] binary, Map<String, Long> symbols) {
        this.binary = binary;
        this.symbols = Map.copyOf(symbols);
    }

    /** Assembles and links the harness in a fresh directory under {@code workDir}. */
    public static HarnessProgram build(Toolchain tools, Path workDir) {
        try {
            Path dir = Files.createTempDirectory(Files.createDirectories(workDir), "harness");
            Path src = extract("harness.S", dir);
            Path lds = extract("harness.ld", dir);
            Path obj = dir.resolve("harness.o");
            Path elf = dir.resolve("harness.elf");
            Path bin = dir.resolve("harness.bin");
            run(List.of(tools.as().toString(), "-march=armv8.1-a", "-o", obj.toString(), src.toString()));
            run(List.of(tools.ld().toString(), "--no-warn-rwx-segments", "-T", lds.toString(), "-o", elf.toString(), obj.toString()));
            run(List.of(tools.objcopy().toString(), "-O", "binary", elf.toString(), bin.toString()));
            String nm = run(List.of(tools.nm().toString(), elf.toString()));
            Map<String, Long> syms = new HashMap<>();
            for (String line : nm.split("\n")) {
                String[] parts = line.trim().split("\\s+");
                if (parts.length == 3) {
                    syms.put(parts[2], Long.parseUnsignedLong(parts[0], 16));
                }
            }
            return new HarnessProgram(Files.readAllBytes(bin), syms);
        } catch (IOException e) {
            throw new UncheckedIOException("building harness.S", e);
        }
    }

    /** The linked program bytes, to be placed at {@link #LOAD_ADDRESS}. */
    public byte[] binary() {
        return binary.clone();
    }

    /** Address of a global symbol of harness.S (e.g. {@code code_el2}, {@code blob}). */
    public long symbol(String name) {
        Long v = symbols.get(name);
        if (v == null) {
            throw new IllegalStateException("harness.S has no symbol " + name);
        }
        return v;
    }

    private static Path extract(String resource, Path dir) throws IOException {
        try (InputStream in = HarnessProgram.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing resource " + resource);
            }
            Path out = dir.resolve(resource);
            Files.write(out, in.readAllBytes());
            return out;
        }
    }

    private static String run(List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd.get(0) + " failed (exit " + p.exitValue() + "): " + text);
        }
        return text;
    }
}
