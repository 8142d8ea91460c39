package org.kexecverify.model.scenario;

import java.util.Map;
import org.kexecverify.model.program.KimageOffsets;

/**
 * The struct kimage layout of the project's own A64 programs ({@code designs/*.S} state it with
 * {@code .equ KIMAGE_*}): used only where a scenario's code is missing, so that a plan can still be built and the
 * register and table obligations decided. A kernel's code brings its own offsets ({@link KimageOffsets}, from its
 * asm-offsets), and they are what the builders write.
 */
public final class KimageStruct {
    private KimageStruct() {}

    public static final KimageOffsets PROJECT = KimageOffsets.of(Map.of("KIMAGE_HEAD", 0x00L, "KIMAGE_START", 0x08L,
            "KIMAGE_ARCH_DTB_MEM", 0x10L, "KIMAGE_ARCH_EL2_VECTORS", 0x18L, "KIMAGE_ARCH_ZERO_PAGE", 0x20L, "KIMAGE_ARCH_TTBR1", 0x28L,
            "KIMAGE_ARCH_PHYS_OFFSET", 0x30L, "KIMAGE_ARCH_KERN_RELOC", 0x38L, "KIMAGE_ARCH_TTBR0", 0x40L, "KIMAGE_ARCH_T0SZ", 0x48L));

    public static final int HEAD = PROJECT.head();
    public static final int START = PROJECT.start();
    public static final int ARCH_DTB_MEM = PROJECT.dtbMem();
    public static final int ARCH_EL2_VECTORS = PROJECT.el2Vectors();
    public static final int ARCH_ZERO_PAGE = PROJECT.zeroPage();
    public static final int ARCH_TTBR1 = PROJECT.ttbr1();
    public static final int ARCH_PHYS_OFFSET = PROJECT.physOffset();
    public static final int ARCH_KERN_RELOC = PROJECT.kernReloc();
    public static final int ARCH_TTBR0 = PROJECT.ttbr0();
    public static final int ARCH_T0SZ = PROJECT.t0sz();
    /** Bytes of the struct the models treat as "kimage fields" when the code brings no size. */
    public static final int SIZE = PROJECT.size();
}
