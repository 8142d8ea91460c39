package org.kexecverify.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.program.ArmImage;
import org.kexecverify.model.program.DesignCode;

/**
 * Real-kernel tier: {@code kernel: trixie} is Debian 13's Linux 6.12, read from that kernel (its own build, its own
 * asm-offsets), not assumed equal to 6.1: its relocation code differs from 6.1's and is found once in its Image.
 */
@Tag("real-kernel")
class DebianTrixieRelocationCodeTest {
    @TempDir
    Path dir;

    @Test
    void relocationCodeOf612IsItsOwnAndFoundOnceInDebiansImage() throws Exception {
        DesignCode c = DebianKernelTier.resolve(dir, "trixie", "6.12");
        assertTrue(c.kernelVersion().matches("6\\.12\\.\\d+-\\S+ \\(linux-image-6\\.12\\.\\S+-arm64\\)"), c.kernelVersion());
        DesignCode.Blob e = c.entry();
        assertEquals(296, e.size(), "6.12's .kexec_relocate.text (74 instructions)");
        assertEquals(1, DebianKernelTier.count(e, 0xd508751f, 0xffffffff), "ic iallu");
        ArmImage img = DebianKernelTier.debianImage(c, "trixie", dir);
        DebianKernelTier.occursOnce(img, e);
        DebianKernelTier.occursOnce(img, c.vectors().orElseThrow());

        DesignCode old = DebianKernelTier.resolve(dir, "bookworm", "6.1");
        assertNotEquals(old.entry().sha256(), e.sha256(), "6.12's code is not 6.1's");
        assertTrue(c.origin().contains("linux-source-6.12"), c.origin());
    }

    @Test
    void kimageOffsetsComeFrom612sAsmOffsets() throws Exception {
        DesignCode c = DebianKernelTier.resolve(dir, "trixie", "6.12");
        // as read from 6.12.118's include/generated/asm-offsets.h (Debian config): the same as 6.1's
        assertEquals("{KIMAGE_HEAD=0, KIMAGE_START=24, KIMAGE_ARCH_DTB_MEM=648, KIMAGE_ARCH_EL2_VECTORS=664, KIMAGE_ARCH_TTBR1=680,"
                + " KIMAGE_ARCH_ZERO_PAGE=688, KIMAGE_ARCH_PHYS_OFFSET=696}", String.valueOf(required(c)));
    }

    private static java.util.Map<String, Integer> required(DesignCode c) {
        java.util.Map<String, Integer> m = new java.util.LinkedHashMap<>();
        for (String n : org.kexecverify.model.program.KimageOffsets.KERNEL_FIELDS) m.put(n, c.offsets().asMap().get(n));
        return m;
    }
}
