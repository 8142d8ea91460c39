package org.kexecverify.model.scenario;

/**
 * The fields of struct kimage that relocation code reads, at the offsets this project's A64
 * programs use (an abstraction of asm-offsets.c: KIMAGE_HEAD, KIMAGE_START, KIMAGE_ARCH_*).
 */
public final class KimageStruct {
    private KimageStruct() {}

    public static final int HEAD = 0x00;
    public static final int START = 0x08;
    public static final int ARCH_DTB_MEM = 0x10;
    public static final int ARCH_EL2_VECTORS = 0x18;
    public static final int ARCH_ZERO_PAGE = 0x20;
    public static final int ARCH_TTBR1 = 0x28;
    public static final int ARCH_PHYS_OFFSET = 0x30;
    public static final int ARCH_KERN_RELOC = 0x38;
    public static final int ARCH_TTBR0 = 0x40;
    public static final int ARCH_T0SZ = 0x48;
    /** Bytes of the struct the models treat as "kimage fields". */
    public static final int SIZE = 0x100;
}
