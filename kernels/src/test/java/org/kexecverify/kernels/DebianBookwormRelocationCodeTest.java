package org.kexecverify.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.program.ArmImage;
import org.kexecverify.model.program.DesignCode;

/**
 * Real-kernel tier: {@code kernel: bookworm} is Debian 12's Linux 6.1, its relocation code built from
 * linux-source-6.1 with Debian's config and found, byte for byte and once, in the Image Debian ships
 * (KEXEC.md, "Linux 6.1 as Debian ships it"). First run fetches about 200 MB and builds for about half a minute.
 */
@Tag("real-kernel")
class DebianBookwormRelocationCodeTest {
    @TempDir
    Path dir;

    @Test
    void relocationCodeIs72InstructionsFoundOnceInDebiansImage() throws Exception {
        DesignCode c = DebianKernelTier.resolve(dir, "bookworm", "6.1");
        assertTrue(c.kernelVersion().matches("6\\.1\\.\\d+-\\S+ \\(linux-image-6\\.1\\.0-\\d+-arm64\\)"), c.kernelVersion());
        DesignCode.Blob e = c.entry();
        assertEquals(288, e.size(), "bytes of .kexec_relocate.text");
        assertEquals(72, e.size() / 4, "instructions");
        assertEquals(0, e.entryOffset());
        // KEXEC.md: the hvc #0 (HVC_SOFT_RESTART) is at offset 0x108; ic iallu once; stnp in copy_page
        assertEquals(0xd4000002, e.word(0x108), "hvc #0 at 0x108");
        assertEquals(1, DebianKernelTier.count(e, 0xd508751f, 0xffffffff), "ic iallu");
        assertTrue(DebianKernelTier.count(e, 0xa8000000, 0xffc00000) >= 4, "stnp (64-bit, signed offset) in copy_page");
        assertEquals(2048, c.vectors().orElseThrow().size());
        assertTrue(c.origin().contains("arm64_relocate_new_kernel: the same bytes at offset 0x"), c.origin());

        ArmImage img = DebianKernelTier.debianImage(c, "bookworm", dir);
        DebianKernelTier.occursOnce(img, e);
        DebianKernelTier.occursOnce(img, c.vectors().orElseThrow());
        assertEquals(0x38, img.find(new byte[] {'A', 'R', 'M', 0x64}).get(0), "the Image magic");
    }

    @Test
    void kimageOffsetsAreTheBuildsAsmOffsets() throws Exception {
        DesignCode c = DebianKernelTier.resolve(dir, "bookworm", "6.1");
        Map<String, Integer> o = c.offsets().asMap();
        assertEquals(0, o.get("KIMAGE_HEAD"));
        assertEquals(24, o.get("KIMAGE_START"));
        assertEquals(648, o.get("KIMAGE_ARCH_DTB_MEM"));
        assertEquals(664, o.get("KIMAGE_ARCH_EL2_VECTORS"));
        assertEquals(680, o.get("KIMAGE_ARCH_TTBR1"));
        assertEquals(688, o.get("KIMAGE_ARCH_ZERO_PAGE"));
        assertEquals(696, o.get("KIMAGE_ARCH_PHYS_OFFSET"));
    }
}
