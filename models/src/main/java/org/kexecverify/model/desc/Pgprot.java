package org.kexecverify.model.desc;

import org.kexecverify.model.reg.Field;

/**
 * Linux page protections of the v5.3-v5.16 era (arch/arm64/include/asm/pgtable-prot.h), built from
 * the descriptor fields: the attribute bits OR-ed into a level-3 entry.
 */
public enum Pgprot {
    /** PROT_NORMAL: PXN|UXN|WRITE|AF|SH|AttrIndx(MT_NORMAL). */
    PAGE_KERNEL(false, true, true, false),
    /** PROT_NORMAL &amp; ~PTE_PXN: UXN still set. */
    PAGE_KERNEL_EXEC(false, false, true, false),
    /** read-only, PXN clear, UXN set. */
    PAGE_KERNEL_ROX(true, false, true, false),
    PAGE_KERNEL_RO(true, true, true, false),
    /** _PAGE_DEFAULT | PTE_HYP | PTE_HYP_XN. */
    PAGE_HYP(false, false, true, true),
    /** _PAGE_DEFAULT | PTE_HYP | PTE_RDONLY. */
    PAGE_HYP_EXEC(true, false, false, true);

    /** MT_NORMAL's MAIR index in Linux of this era. */
    public static final int MT_NORMAL = 4;

    private final long bits;

    Pgprot(boolean readOnly, boolean pxn, boolean uxn, boolean hyp) {
        long b = 0;
        b = set(b, DescriptorBits.VALID, 1);
        b = set(b, DescriptorBits.TYPE, 1);
        b = set(b, DescriptorBits.ATTRINDX, MT_NORMAL);
        b = set(b, DescriptorBits.SH, 3);
        b = set(b, DescriptorBits.AF, 1);
        if (hyp) {
            b = set(b, DescriptorBits.AP1, 1);
            if (readOnly) b = set(b, DescriptorBits.AP2, 1);
        } else {
            if (readOnly) b = set(b, DescriptorBits.AP2, 1);
            else b = set(b, DescriptorBits.DBM, 1);
            if (pxn) b = set(b, DescriptorBits.PXN, 1);
        }
        if (uxn) b = set(b, DescriptorBits.UXN, 1);
        this.bits = b;
    }

    private static long set(long d, Field f, long v) { return f.set(d, v); }

    /** Attribute bits (no address). */
    public long bits() { return bits; }

    /** A level-3 page descriptor mapping {@code pa}. */
    public long page(long pa) {
        return DescriptorBits.ADDRESS.set(bits, pa >>> 12);
    }

    public static Pgprot parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown pgprot '" + s + "'");
        }
    }
}
