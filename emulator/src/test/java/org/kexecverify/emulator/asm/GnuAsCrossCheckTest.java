package org.kexecverify.emulator.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/**
 * Pins the in-project assembler's encodings to GNU binutils: the encoding corpus is assembled by both and
 * compared word by word; a difference prints the address, both words and objdump's reading of each.
 */
class GnuAsCrossCheckTest {
    private static final long BASE = 0x4008_0000L;

    @BeforeAll
    static void needBinutils() {
        Assumptions.assumeTrue(GnuBinutils.available(), "aarch64-linux-gnu-as not installed");
    }

    static String resource(String name) throws IOException {
        try (InputStream in = GnuAsCrossCheckTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing resource " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static void assertSameBytes(String name, String source, long base) throws Exception {
        byte[] gnu = GnuBinutils.assemble(source, base);
        byte[] ours = Assembler.assemble(name, source, base).code();
        StringBuilder diffs = new StringBuilder();
        int n = Math.min(gnu.length, ours.length) / 4;
        int count = 0;
        for (int i = 0; i < n; i++) {
            int g = word(gnu, i * 4);
            int o = word(ours, i * 4);
            if (g != o && count++ < 20) {
                diffs.append(String.format("  0x%x: gnu %08x (%s)  ours %08x (%s)%n", base + i * 4L, g,
                        GnuBinutils.disassemble(g), o, GnuBinutils.disassemble(o)));
            }
        }
        if (count > 0) {
            fail(name + ": " + count + " word(s) differ from GNU as:\n" + diffs);
        }
        assertEquals(gnu.length, ours.length, name + ": length differs from GNU as");
    }

    static int word(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(org.kexecverify.emulator.programs.Program.class)
    void shippedProgramsMatchGnuAsByteForByte(org.kexecverify.emulator.programs.Program p) throws Exception {
        assertSameBytes(p.file(), p.source(), 0x6000_0000L);
    }

    @Test
    void encodingCorpusMatchesGnuAsWordForWord() throws Exception {
        assertSameBytes("encoding-corpus.S", resource("/asm/encoding-corpus.S"), BASE);
    }
}
