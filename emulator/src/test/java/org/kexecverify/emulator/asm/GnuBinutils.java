package org.kexecverify.emulator.asm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs GNU binutils for aarch64 (as, ld, objcopy, objdump) as the independent reference assembler. */
final class GnuBinutils {
    private GnuBinutils() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("aarch64-linux-gnu-as", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Assembles and links {@code source} so that .text starts at {@code base}; returns the raw .text bytes. */
    static byte[] assemble(String source, long base) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("kv-gnu-as");
        try {
            Path s = dir.resolve("in.S");
            Files.writeString(s, source, StandardCharsets.UTF_8);
            run(dir, "aarch64-linux-gnu-as", "-o", "in.o", "in.S");
            run(dir, "aarch64-linux-gnu-ld", "-Ttext=0x" + Long.toHexString(base), "-e", "0x" + Long.toHexString(base),
                    "--no-warn-rwx-segments", "-o", "in.elf", "in.o");
            run(dir, "aarch64-linux-gnu-objcopy", "-O", "binary", "--only-section=.text", "in.elf", "in.bin");
            return Files.readAllBytes(dir.resolve("in.bin"));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /** objdump's disassembly of one word, for failure messages. */
    static String disassemble(int word) {
        try {
            Path dir = Files.createTempDirectory("kv-objdump");
            Path bin = dir.resolve("w.bin");
            Files.write(bin, new byte[] {(byte) word, (byte) (word >> 8), (byte) (word >> 16), (byte) (word >> 24)});
            Process p = new ProcessBuilder("aarch64-linux-gnu-objdump", "-D", "-b", "binary", "-m", "aarch64", bin.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(20, TimeUnit.SECONDS);
            Files.deleteIfExists(bin);
            Files.deleteIfExists(dir);
            String[] lines = out.strip().split("\n");
            String last = lines[lines.length - 1];
            int tab = last.indexOf('\t', last.indexOf('\t') + 1);
            return tab >= 0 ? last.substring(tab + 1).strip() : last.strip();
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static void run(Path dir, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of(cmd));
        Process p = new ProcessBuilder(c).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }
}
