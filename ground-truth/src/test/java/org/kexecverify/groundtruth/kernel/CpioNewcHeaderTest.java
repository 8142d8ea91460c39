package org.kexecverify.groundtruth.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The initramfs writer emits what the kernel's newc unpacker reads: 110-byte headers, 4-byte padding, parents first. */
class CpioNewcHeaderTest {

    @Test
    void headersArePaddedAndParentsComeFirst(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("a.cpio");
        new Cpio().text("sbin/x", "hello", 0755).symlink("bin/sh", "busybox").charDevice("dev/console", 5, 1).writeTo(out);
        byte[] b = Files.readAllBytes(out);
        assertEquals(0, b.length % 4);
        String s = new String(b, StandardCharsets.ISO_8859_1);
        assertTrue(s.startsWith("070701"), s.substring(0, 6));
        int sbin = s.indexOf("sbin\0");
        int x = s.indexOf("sbin/x\0");
        assertTrue(sbin > 0 && sbin < x, "directory sbin is not written before sbin/x");
        // sbin/x: name at 110 bytes past its header, padded so that the data starts 4-aligned
        int hdr = x - 110;
        assertEquals("070701", s.substring(hdr, hdr + 6));
        assertEquals(String.format("%08x", 0100755), s.substring(hdr + 14, hdr + 22), "mode");
        assertEquals(String.format("%08x", 5), s.substring(hdr + 54, hdr + 62), "filesize");
        int data = (x + 7 + 3) & ~3;
        assertEquals("hello", s.substring(data, data + 5));
        int con = s.indexOf("dev/console\0") - 110;
        assertEquals(String.format("%08x", 0020600), s.substring(con + 14, con + 22), "character device mode");
        assertEquals(String.format("%08x%08x", 5, 1), s.substring(con + 78, con + 94), "rdev 5:1");
        assertTrue(s.contains("TRAILER!!!\0"));
    }
}
