package org.kexecverify.model.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.ProgramCode;

/** The scenario's code: section: each source shape, and every bad field named by its path. */
class ScenarioCodeSectionTest {
    static String base() throws IOException {
        String s = Files.readString(Path.of("../scenarios/upstream-el2.yaml"));
        int code = s.indexOf("\ncode:");
        return code < 0 ? s : s.substring(0, code + 1); // the bundled file's own code: section, cut off
    }

    static Scenario parse(String code) throws Exception {
        return ScenarioLoader.parse("t.yaml", base() + "\ncode:\n" + code.indent(2));
    }

    @Test
    void debianKernelWithDefaults() throws Exception {
        Scenario s = parse("kernel: bookworm\nentry: arm64_relocate_new_kernel\nvectors: trans_pgd_stub_vectors\nversion: \"6.1\"\n");
        CodeSpec c = s.codeSpec();
        assertEquals(new CodeSpec.DebianKernel("bookworm"), c.source());
        assertEquals("arm64_relocate_new_kernel", c.entry());
        assertEquals("trans_pgd_stub_vectors", c.vectors());
        assertInstanceOf(CodeSpec.FromCode.class, c.offsets());
        assertEquals("6.1", c.version());
        assertInstanceOf(ProgramCode.Missing.class, s.code(), "loading does not resolve");
        assertEquals("code not resolved", s.code().reason());
    }

    @Test
    void objectsWithGivenOffsets() throws Exception {
        Scenario s = parse("objects: [build/relocate_kernel.o, build/trans_pgd-asm.o]\nentry: arm64_relocate_new_kernel\n"
                + "offsets: {KIMAGE_HEAD: 0, KIMAGE_START: 24, KIMAGE_ARCH_DTB_MEM: 648, KIMAGE_ARCH_EL2_VECTORS: 664,"
                + " KIMAGE_ARCH_TTBR1: 680, KIMAGE_ARCH_ZERO_PAGE: 0x2b0, KIMAGE_ARCH_PHYS_OFFSET: 696}\n");
        assertEquals(new CodeSpec.Objects(List.of("build/relocate_kernel.o", "build/trans_pgd-asm.o")), s.codeSpec().source());
        CodeSpec.Given g = assertInstanceOf(CodeSpec.Given.class, s.codeSpec().offsets());
        assertEquals(688L, g.values().get("KIMAGE_ARCH_ZERO_PAGE"));
        assertNull(s.codeSpec().vectors());
    }

    @Test
    void imageWithSymbolsAndHeaderOffsets() throws Exception {
        Scenario s = parse("image: Image\nsymbols: System.map\nentry: arm64_relocate_new_kernel\nasm_offsets: build/asm-offsets.h\n");
        assertEquals(new CodeSpec.ImageWithSymbols("Image", "System.map"), s.codeSpec().source());
        assertEquals(new CodeSpec.Header("build/asm-offsets.h"), s.codeSpec().offsets());
    }

    @Test
    void assemblyTakesOffsetsFromItsEqu() throws Exception {
        Scenario s = parse("asm: relocate_kernel_rfc_v2.S\nentry: arm64_relocate_new_kernel\n");
        assertEquals(new CodeSpec.Assembly("relocate_kernel_rfc_v2.S"), s.codeSpec().source());
        assertInstanceOf(CodeSpec.FromCode.class, s.codeSpec().offsets());
    }

    @Test
    void scenarioWithoutCodeSaysSo() throws Exception {
        Scenario s = ScenarioLoader.parse("t.yaml", base());
        assertNull(s.codeSpec());
        assertTrue(s.code().reason().contains("no code"), s.code().reason());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown key|kernel: bookworm\\nentry: x\\nentyr: y|code.entyr|unknown field",
            "no source|entry: x|code|names no code",
            "two sources|kernel: bookworm\\nasm: a.S\\nentry: x|code.asm|give one source of code",
            "unknown suite|kernel: buster\\nentry: x|code.kernel|unknown Debian suite 'buster'",
            "objects not a list|objects: a.o\\nentry: x\\nasm_offsets: h|code.objects|must be a non-empty list",
            "object not a string|objects: [a.o, 7]\\nentry: x\\nasm_offsets: h|code.objects[1]|must be a string",
            "missing entry|kernel: bookworm|code.entry|missing",
            "entry not a symbol|kernel: bookworm\\nentry: 'a b'|code.entry|is not a symbol name",
            "entry wrong type|kernel: bookworm\\nentry: [a]|code.entry|must be a string",
            "symbols without image|asm: a.S\\nsymbols: m\\nentry: x|code.symbols|belongs with image",
            "image without symbols|image: Image\\nentry: x\\nasm_offsets: h|code.symbols|missing",
            "objects without offsets|objects: [a.o]\\nentry: x|code.offsets|objects carry no struct kimage offsets",
            "both offsets|kernel: bookworm\\nentry: x\\noffsets: {}\\nasm_offsets: h|code.asm_offsets|not both",
            "unknown offset|kernel: bookworm\\nentry: x\\noffsets: {KIMAGE_BEGIN: 0}|code.offsets.KIMAGE_BEGIN|unknown field",
            "offset not a number|kernel: bookworm\\nentry: x\\noffsets: {KIMAGE_HEAD: zero}|code.offsets.KIMAGE_HEAD|value",
            "incomplete offsets|kernel: bookworm\\nentry: x\\noffsets: {KIMAGE_HEAD: 0}|code.offsets|no KIMAGE_START",
            "misaligned offset|kernel: bookworm\\nentry: x\\noffsets: {KIMAGE_HEAD: 0, KIMAGE_START: 20, KIMAGE_ARCH_DTB_MEM: 648, KIMAGE_ARCH_EL2_VECTORS: 664, KIMAGE_ARCH_TTBR1: 680, KIMAGE_ARCH_ZERO_PAGE: 688, KIMAGE_ARCH_PHYS_OFFSET: 696}|code.offsets|KIMAGE_START = 20",
            "version as a YAML number|kernel: bookworm\\nentry: x\\nversion: 6.10|code.version|must be a quoted string",
            "version not a version|kernel: bookworm\\nentry: x\\nversion: 'new'|code.version|is not a kernel version",
            "code not a mapping|[kernel]|code|must be a mapping",
    })
    void badFieldIsNamed(String what, String code, String field, String message) {
        ScenarioError e = assertThrows(ScenarioError.class, () -> parse(code.replace("\\n", "\n")), what);
        assertEquals("t.yaml", e.file(), what);
        assertEquals(field, e.field(), what + " -> " + e.oneLine());
        assertTrue(e.getMessage().contains(message), what + " -> " + e.oneLine());
        assertEquals(1, e.oneLine().lines().count(), e.oneLine());
    }
}
