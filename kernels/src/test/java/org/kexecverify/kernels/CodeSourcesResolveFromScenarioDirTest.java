package org.kexecverify.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioError;

/**
 * Every file source of a scenario's code: section through {@link ResolvedScenarios#load}: paths relative to the
 * scenario's directory, offsets from the code or the scenario, wrong code as one ScenarioError line naming the
 * scenario, the file, the symbol and the offset, code that cannot be had here as Missing with the reason.
 */
class CodeSourcesResolveFromScenarioDirTest {
    static final String AS = "aarch64-linux-gnu-as";
    static final String RELOC = """
            	.equ	KIMAGE_HEAD, 0
            	.equ	KIMAGE_START, 8
            	.equ	KIMAGE_ARCH_DTB_MEM, 16
            	.equ	KIMAGE_ARCH_EL2_VECTORS, 24
            	.equ	KIMAGE_ARCH_ZERO_PAGE, 32
            	.equ	KIMAGE_ARCH_TTBR1, 40
            	.equ	KIMAGE_ARCH_PHYS_OFFSET, 48
            	.text
            arm64_relocate_new_kernel:
            	ldr	x28, [x0, #KIMAGE_START]
            	ic	iallu
            	dsb	nsh
            	isb
            	br	x28
            	.balign	2048
            trans_pgd_stub_vectors:
            	.rept	512
            	b	.
            	.endr
            """;

    @TempDir
    Path dir;

    static boolean gnuAs() {
        try {
            Process p = new ProcessBuilder(AS, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    Path scenario(String code) throws IOException {
        Path f = dir.resolve("s.yaml");
        Files.writeString(f, withoutCode(Files.readString(Path.of("../scenarios/upstream-el2.yaml"))) + "\ncode:\n" + code.indent(2));
        return f;
    }

    Path assemble(String rel, String src) throws IOException, InterruptedException {
        Path s = dir.resolve(rel + ".S");
        Files.createDirectories(s.getParent());
        Files.writeString(s, src);
        Path o = dir.resolve(rel + ".o");
        Process p = new ProcessBuilder(AS, "-o", o.toString(), s.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(out);
        return o;
    }

    static DesignCode resolved(Scenario s) {
        ProgramCode c = s.code();
        assertInstanceOf(ProgramCode.Resolved.class, c, "not resolved: " + c.reason());
        return c.get().orElseThrow();
    }

    @Test
    void projectAssemblyTakesItsEquOffsets() throws Exception {
        Assumptions.assumeTrue(gnuAs(), AS + " is not installed");
        Files.writeString(dir.resolve("reloc.S"), RELOC);
        DesignCode c = resolved(ResolvedScenarios.load(scenario("asm: reloc.S\nentry: arm64_relocate_new_kernel\nvectors: trans_pgd_stub_vectors\n")));
        assertEquals("project", c.kernelVersion());
        assertEquals(2048 + 2048, c.entry().size(), "the whole .text: code padded to the vectors, then the vectors");
        assertEquals(0xd508751f, c.entry().word(4), "ic iallu");
        assertEquals(2048, c.vectors().orElseThrow().size());
        assertEquals(8, c.offsets().start());
        assertEquals(48, c.offsets().physOffset());
        assertTrue(c.origin().startsWith("project assembly " + dir.resolve("reloc.S")), c.origin());
    }

    @Test
    void objectsRelativeToTheScenarioWithGivenOffsets() throws Exception {
        Assumptions.assumeTrue(gnuAs(), AS + " is not installed");
        assemble("build/reloc", RELOC.replace("arm64_relocate_new_kernel:", ".globl arm64_relocate_new_kernel\narm64_relocate_new_kernel:"));
        DesignCode c = resolved(ResolvedScenarios.load(scenario("objects: [build/reloc.o]\nentry: arm64_relocate_new_kernel\nversion: \"6.1\"\n"
                + "offsets: {KIMAGE_HEAD: 0, KIMAGE_START: 24, KIMAGE_ARCH_DTB_MEM: 648, KIMAGE_ARCH_EL2_VECTORS: 664, KIMAGE_ARCH_TTBR1: 680,"
                + " KIMAGE_ARCH_ZERO_PAGE: 688, KIMAGE_ARCH_PHYS_OFFSET: 696}\n")));
        assertEquals(24, c.offsets().start(), "the scenario's offsets, not the object's .equ");
        assertEquals("6.1 (as the scenario states)", c.kernelVersion());
        assertEquals(dir.resolve("build/reloc.o").toString(), c.entry().file());
    }

    @Test
    void relocationInTheCodeIsOneLineNamingScenarioFileSymbolAndOffset() throws Exception {
        Assumptions.assumeTrue(gnuAs(), AS + " is not installed");
        assemble("unlinked", "\t.text\n\t.globl arm64_relocate_new_kernel\narm64_relocate_new_kernel:\n\tnop\n\tadrp x1, kimage_voffset\n\tret\n");
        Path s = scenario("objects: [unlinked.o]\nentry: arm64_relocate_new_kernel\nasm_offsets: asm-offsets.h\n");
        ScenarioError e = assertThrows(ScenarioError.class, () -> ResolvedScenarios.load(s));
        assertEquals(s.toString() + ": code: " + dir.resolve("unlinked.o") + ": arm64_relocate_new_kernel+0x4: R_AARCH64_ADR_PREL_PG_HI21 against"
                + " 'kimage_voffset' at offset 0x4 of .text (arm64_relocate_new_kernel): the bytes are not final until linked;"
                + " give the linked vmlinux or Image + System.map", e.oneLine());
    }

    @Test
    void objectWithoutTheSymbolIsBadInput() throws Exception {
        Assumptions.assumeTrue(gnuAs(), AS + " is not installed");
        Files.writeString(dir.resolve("reloc.S"), RELOC);
        Path s = scenario("asm: reloc.S\nentry: arm64_relocate_old_kernel\n");
        ScenarioError e = assertThrows(ScenarioError.class, () -> ResolvedScenarios.load(s));
        assertTrue(e.oneLine().startsWith(s + ": code: " + dir.resolve("reloc.S") + " (assembled by " + AS + "): arm64_relocate_old_kernel: no such symbol"),
                e.oneLine());
    }

    @Test
    void assemblerErrorNamesTheLine() throws Exception {
        Assumptions.assumeTrue(gnuAs(), AS + " is not installed");
        Files.writeString(dir.resolve("bad.S"), "\t.text\nentry:\n\tnop\n\tfrobnicate x0\n");
        ScenarioError e = assertThrows(ScenarioError.class, () -> ResolvedScenarios.load(scenario("asm: bad.S\nentry: entry\n")));
        assertTrue(e.getMessage().contains("line 4: Error: unknown mnemonic `frobnicate'"), e.oneLine());
    }

    @Test
    void missingAssemblerMakesTheCodeMissingWithTheReason() throws Exception {
        Files.writeString(dir.resolve("reloc.S"), RELOC);
        String old = System.getProperty("kexecverify.gnu-as");
        System.setProperty("kexecverify.gnu-as", dir.resolve("no-such-as").toString());
        try {
            Scenario s = ResolvedScenarios.load(scenario("asm: reloc.S\nentry: arm64_relocate_new_kernel\n"));
            ProgramCode.Missing m = assertInstanceOf(ProgramCode.Missing.class, s.code());
            assertTrue(m.reason().contains("needs GNU as for aarch64") && m.reason().contains("binutils-aarch64-linux-gnu"), m.reason());
        } finally {
            if (old == null) System.clearProperty("kexecverify.gnu-as"); else System.setProperty("kexecverify.gnu-as", old);
        }
    }

    @Test
    void imageWithSystemMapAndAsmOffsets() throws Exception {
        long text = 0xffff800008000000L;
        ByteBuffer b = ByteBuffer.allocate(0x4000).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x14000000 | (0x1000 >> 2));
        b.putLong(16, 0x5000);
        b.put(0x38, (byte) 'A').put(0x39, (byte) 'R').put(0x3a, (byte) 'M').put(0x3b, (byte) 0x64);
        b.putInt(0x2000, 0xd508751f);
        b.putInt(0x2004, 0xd65f03c0);
        Files.write(dir.resolve("Image"), b.array());
        Files.writeString(dir.resolve("System.map"), String.format("%016x T _text%n%016x T primary_entry%n%016x T arm64_relocate_new_kernel%n"
                + "%016x T __relocate_new_kernel_end%n%016x B _end%n", text, text + 0x1000, text + 0x2000, text + 0x2008, text + 0x5000));
        Files.writeString(dir.resolve("asm-offsets.h"), "#define KIMAGE_ARCH_DTB_MEM 648 /* x */\n#define KIMAGE_ARCH_EL2_VECTORS 664\n"
                + "#define KIMAGE_ARCH_ZERO_PAGE 688\n#define KIMAGE_ARCH_PHYS_OFFSET 696\n#define KIMAGE_ARCH_TTBR1 680\n#define KIMAGE_HEAD 0\n#define KIMAGE_START 24\n");
        DesignCode c = resolved(ResolvedScenarios.load(scenario("image: Image\nsymbols: System.map\nentry: arm64_relocate_new_kernel\nasm_offsets: asm-offsets.h\n")));
        assertEquals(8, c.entry().size());
        assertEquals(0x2000, c.entry().fileOffset());
        assertEquals(664, c.offsets().el2Vectors());

        Files.writeString(dir.resolve("other.map"), String.format("%016x T _text%n%016x T arm64_relocate_new_kernel%n%016x T x%n%016x B _end%n",
                text, text + 0x2000, text + 0x2008, text + 0x6000));
        Path s = scenario("image: Image\nsymbols: other.map\nentry: arm64_relocate_new_kernel\nasm_offsets: asm-offsets.h\n");
        ScenarioError e = assertThrows(ScenarioError.class, () -> ResolvedScenarios.load(s));
        assertEquals(s + ": code: " + dir.resolve("Image") + ": image_size in the header is 0x5000 but " + dir.resolve("other.map")
                + " gives _end - _text = 0x6000: the map is not this Image's", e.oneLine());
    }

    @Test
    void statedVersionMustBeTheCodes() throws Exception {
        long text = 0xffff800008000000L;
        ByteBuffer b = ByteBuffer.allocate(0x3000).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(16, 0x3000);
        b.put(0x38, (byte) 'A').put(0x39, (byte) 'R').put(0x3a, (byte) 'M').put(0x3b, (byte) 0x64);
        b.putInt(0x2000, 0xd65f03c0);
        b.put(0x100, "Linux version 6.12.118+deb13-arm64 (x) (gcc) #1 SMP Debian 6.12.118-1 (2026-11-20)\0".getBytes(StandardCharsets.US_ASCII));
        Files.write(dir.resolve("Image"), b.array());
        Files.writeString(dir.resolve("System.map"), String.format("%016x T _text%n%016x T arm64_relocate_new_kernel%n%016x B _end%n", text,
                text + 0x2000, text + 0x2004 + 0xffc));
        String offsets = "offsets: {KIMAGE_HEAD: 0, KIMAGE_START: 24, KIMAGE_ARCH_DTB_MEM: 648, KIMAGE_ARCH_EL2_VECTORS: 664, KIMAGE_ARCH_TTBR1: 680,"
                + " KIMAGE_ARCH_ZERO_PAGE: 688, KIMAGE_ARCH_PHYS_OFFSET: 696}\n";
        DesignCode c = resolved(ResolvedScenarios.load(scenario("image: Image\nsymbols: System.map\nentry: arm64_relocate_new_kernel\nversion: \"6.12\"\n" + offsets)));
        assertEquals("6.12.118-1 (6.12.118+deb13-arm64)", c.kernelVersion());
        Path s = scenario("image: Image\nsymbols: System.map\nentry: arm64_relocate_new_kernel\nversion: \"6.1\"\n" + offsets);
        ScenarioError e = assertThrows(ScenarioError.class, () -> ResolvedScenarios.load(s));
        assertTrue(e.oneLine().startsWith(s + ": code.version: the scenario says 6.1 but the code is 6.12.118-1"), e.oneLine());
    }

    /** The bundled scenario's text without its own code: section (the test names the code). */
    static String withoutCode(String yaml) {
        int code = yaml.indexOf("\ncode:");
        return code < 0 ? yaml : yaml.substring(0, code + 1);
    }
}
