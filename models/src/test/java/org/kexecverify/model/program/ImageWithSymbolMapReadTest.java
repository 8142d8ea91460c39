package org.kexecverify.model.program;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.program.CodeResolver.BadCode;
import org.kexecverify.model.program.DesignCode.Blob;

/**
 * The arm64 Image + System.map / kallsyms reader on a synthetic Image built here: VA to file offset through _text,
 * the entry's extent from __relocate_new_kernel_start/end or the next symbol, and every way a map can fail to be
 * the Image's (image_size, the header's branch to primary_entry, a symbol past the file, Debian's stub map).
 */
class ImageWithSymbolMapReadTest {
    static final long TEXT = 0xffff800008000000L;
    static final int CODE = 0x2000;
    static final int VEC = 0x2800;
    static final int FILE = 0x3000;
    static final long IMAGE_SIZE = 0x5000; // file plus bss

    /** An EFI-less Image: "b primary_entry" at 0, header, code words at CODE, 2 KiB vectors at VEC, a banner. */
    static byte[] image() {
        ByteBuffer b = ByteBuffer.allocate(FILE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x14000000 | (0x1000 >> 2)); // b primary_entry (_text + 0x1000)
        b.putLong(8, 0);                          // text_offset
        b.putLong(16, IMAGE_SIZE);                // image_size
        b.putLong(24, 0xa);                       // flags: LE, 4K, anywhere
        b.put(0x38, (byte) 'A').put(0x39, (byte) 'R').put(0x3a, (byte) 'M').put(0x3b, (byte) 0x64);
        for (int i = 0; i < 8; i++) b.putInt(CODE + 4 * i, 0xd503201f + (i == 7 ? 0x0 : 0)); // nops
        b.putInt(CODE + 28, 0xd65f03c0); // ret
        for (int i = 0; i < 512; i++) b.putInt(VEC + 4 * i, 0x14000000);
        byte[] banner = "Linux version 6.1.0-57-arm64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14+deb12u1) 12.2.0, GNU ld 2.40) #1 SMP Debian 6.1.192-3 (2026-11-26)\n\0"
                .getBytes(StandardCharsets.US_ASCII);
        b.put(0x1100, banner);
        return b.array();
    }

    static String map(long end, long primaryEntry) {
        return String.join("\n",
                String.format("%016x T _text", TEXT),
                String.format("%016x T primary_entry", TEXT + primaryEntry),
                String.format("%016x T __relocate_new_kernel_start", TEXT + CODE),
                String.format("%016x T arm64_relocate_new_kernel", TEXT + CODE + 4),
                String.format("%016x T __relocate_new_kernel_end", TEXT + CODE + 32),
                String.format("%016x t something_after", TEXT + CODE + 64),
                String.format("%016x T trans_pgd_stub_vectors", TEXT + VEC),
                String.format("%016x B _end", TEXT + end), "");
    }

    static Map<String, Blob> read(byte[] img, String map) throws BadCode {
        return CodeReader.fromImage(ArmImage.parse("Image", img), SymbolMap.parse("System.map", map), "arm64_relocate_new_kernel",
                "trans_pgd_stub_vectors", List.of());
    }

    @Test
    void headerFieldsAndBannerVersion() throws BadCode {
        ArmImage i = ArmImage.parse("Image", image());
        assertEquals(0, i.textOffset());
        assertEquals(IMAGE_SIZE, i.imageSize());
        assertEquals("6.1.192-3 (6.1.0-57-arm64)", i.version().orElse("none"));
    }

    @Test
    void entryExtentIsTheCopiedRangeAndVaMapsThroughText() throws BadCode {
        Map<String, Blob> m = read(image(), map(IMAGE_SIZE, 0x1000));
        Blob e = m.get("arm64_relocate_new_kernel");
        assertEquals(32, e.size(), "__relocate_new_kernel_start..end");
        assertEquals(4, e.entryOffset(), "the entry symbol is 4 bytes into the copied range");
        assertEquals(CODE, e.fileOffset(), "VA - _text");
        assertEquals(0xd65f03c0, e.word(28));
        Blob v = m.get("trans_pgd_stub_vectors");
        assertEquals(2048, v.size());
        assertEquals(VEC, v.fileOffset());
        assertArrayEquals(Arrays.copyOfRange(image(), VEC, VEC + 2048), v.bytes());
    }

    @Test
    void withoutCopyMarkersTheNextSymbolEndsTheEntry() throws BadCode {
        String m = map(IMAGE_SIZE, 0x1000).lines().filter(l -> !l.contains("__relocate_new_kernel")).reduce("", (a, b) -> a + b + "\n");
        Blob e = read(image(), m).get("arm64_relocate_new_kernel");
        assertEquals(CODE + 4, e.fileOffset());
        assertEquals(60, e.size(), "up to something_after");
        assertEquals(0, e.entryOffset());
    }

    @Test
    void kallsymsLinesWithModulesAndNoSizes() throws BadCode {
        String k = map(IMAGE_SIZE, 0x1000) + "ffff800000f00000 t nf_hook\t[nf_tables]\n";
        SymbolMap s = SymbolMap.parse("kallsyms", k);
        assertEquals(TEXT + CODE + 4, s.address("arm64_relocate_new_kernel").orElseThrow());
        assertTrue(s.address("nf_hook").isEmpty(), "module symbols are not the kernel's");
    }

    @Test
    void mapWhoseEndDoesNotFitImageSizeIsRefused() {
        BadCode e = assertThrows(BadCode.class, () -> read(image(), map(0x6000, 0x1000)));
        assertEquals("Image", e.file());
        assertEquals("image_size in the header is 0x5000 but System.map gives _end - _text = 0x6000: the map is not this Image's", e.getMessage());
    }

    @Test
    void mapOfAnotherBuildFailsTheBranchToPrimaryEntry() {
        BadCode e = assertThrows(BadCode.class, () -> read(image(), map(IMAGE_SIZE, 0x1800)));
        assertTrue(e.getMessage().startsWith("the Image's first branch does not reach primary_entry at _text+0x1800"), e.getMessage());
        assertTrue(e.getMessage().contains("goes to 0x1000"), e.getMessage());
    }

    @Test
    void symbolPastTheFileNamesSymbolAndOffset() {
        String m = map(IMAGE_SIZE, 0x1000).replace(String.format("%016x T trans_pgd_stub_vectors", TEXT + VEC),
                String.format("%016x T trans_pgd_stub_vectors", TEXT + 0x4000));
        BadCode e = assertThrows(BadCode.class, () -> read(image(), m));
        assertTrue(e.getMessage().startsWith("trans_pgd_stub_vectors: at 0xffff800008004000 (_text+0x4000 in System.map), 2048 bytes, outside the Image's 0x3000 bytes"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count());
    }

    @Test
    void missingEntryIsNamed() {
        String m = map(IMAGE_SIZE, 0x1000).replace("arm64_relocate_new_kernel", "arm64_relocate_old_kernel");
        BadCode e = assertThrows(BadCode.class, () -> read(image(), m));
        assertEquals("System.map", e.file());
        assertEquals("arm64_relocate_new_kernel: no such symbol in the map", e.getMessage());
    }

    @Test
    void debianStubSystemMapPointsAtTheDbgPackage() {
        BadCode e = assertThrows(BadCode.class, () -> SymbolMap.parse("System.map-6.1.0-57-arm64",
                "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n"));
        assertTrue(e.getMessage().contains("-dbg package"), e.getMessage());
        assertTrue(e.getMessage().startsWith("is the stub System.map of a Debian image package"), e.getMessage());
    }

    @Test
    void unprivilegedKallsymsIsRecognised() {
        BadCode e = assertThrows(BadCode.class, () -> SymbolMap.parse("kallsyms", "0000000000000000 T _text\n0000000000000000 T _stext\n"));
        assertTrue(e.getMessage().contains("kptr_restrict"), e.getMessage());
    }

    @Test
    void garbageLineIsNamedByLineNumber() {
        BadCode e = assertThrows(BadCode.class, () -> SymbolMap.parse("map", "ffff800008000000 T _text\nhello world\n"));
        assertTrue(e.getMessage().startsWith("line 2: 'hello world' is not"), e.getMessage());
    }

    @Test
    void notAnImageIsRefused() {
        byte[] b = image();
        b[0x3b] = 0;
        BadCode e = assertThrows(BadCode.class, () -> ArmImage.parse("vmlinuz", b));
        assertTrue(e.getMessage().startsWith("no arm64 Image magic"), e.getMessage());
        BadCode gz = assertThrows(BadCode.class, () -> ArmImage.parse("Image.gz", new byte[] {0x1f, (byte) 0x8b, 8, 0}));
        assertTrue(gz.getMessage().contains("gzip"), gz.getMessage());
    }
}
