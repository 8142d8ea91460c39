package org.kexecverify.model.desc;

import org.kexecverify.model.reg.MemoryAttribute;

/**
 * The MAIR_EL1 layout of a Linux generation (arch/arm64/include/asm/memory.h MT_* indices,
 * arch/arm64/mm/proc.S MAIR_EL1_SET): which AttrIndx the kernel's pgprots encode. A table built by
 * one kernel is only meaningful under that kernel's MAIR; the memory type a walk sees always comes
 * from MAIR[AttrIndx] of the regime in force, never from these indices.
 */
public enum LinuxMair {
    /**
     * The v5.3-era layout of the seed register values: MT_DEVICE_nGnRnE 0, MT_DEVICE_nGnRE 1,
     * MT_DEVICE_GRE 2, MT_NORMAL_NC 3, MT_NORMAL 4, MT_NORMAL_WT 5.
     */
    V5_3(0x0000_bbff_440c_0400L, 4),
    /**
     * Linux 6.1 (linux-source-6.1 memory.h): MT_NORMAL 0, MT_NORMAL_TAGGED 1 (Normal until MTE is
     * enabled, then 0xf0), MT_NORMAL_NC 2, MT_DEVICE_nGnRnE 3, MT_DEVICE_nGnRE 4.
     */
    V6_1(0x0000_0004_0044_ffffL, 0);

    /** MAIR_ATTR_NORMAL: Normal, Inner+Outer Write-Back non-transient, read- and write-allocate. */
    public static final int MAIR_ATTR_NORMAL = 0xff;

    private final long mair;
    private final int mtNormal;

    LinuxMair(long mair, int mtNormal) {
        this.mair = mair;
        this.mtNormal = mtNormal;
    }

    /** MAIR_EL1 as that kernel programs it. */
    public long mair() { return mair; }

    /** The AttrIndx of MT_NORMAL in that kernel's page tables. */
    public int mtNormal() { return mtNormal; }

    /**
     * The AttrIndx a kernel running with {@code mair} uses for MT_NORMAL: the lowest index holding
     * MAIR_ATTR_NORMAL (0xff), or -1 when no index does (then no Linux pgprot maps Normal memory).
     */
    public static int mtNormalIndex(long mair) {
        for (int i = 0; i < 8; i++) {
            if (((mair >>> (8 * i)) & 0xff) == MAIR_ATTR_NORMAL) return i;
        }
        return -1;
    }

    /** The memory type index {@code i} selects in {@code mair}. */
    public static MemoryAttribute attribute(long mair, int i) {
        return MemoryAttribute.decode((int) ((mair >>> (8 * i)) & 0xff));
    }
}
