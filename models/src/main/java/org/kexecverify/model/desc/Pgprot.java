package org.kexecverify.model.desc;

/**
 * Linux page protections (arch/arm64/include/asm/pgtable-prot.h), built from the descriptor fields:
 * the attribute bits OR-ed into a level-3 entry. PROT_NORMAL carries PTE_ATTRINDX(MT_NORMAL), and
 * MT_NORMAL's index depends on the MAIR layout of the kernel that built the tables (4 in the v5.3-era
 * layout, 0 in 6.1): it is a parameter here ({@link #bits(int)}, {@link LinuxMair}), never a constant.
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

    private final boolean readOnly;
    private final boolean pxn;
    private final boolean uxn;
    private final boolean hyp;

    Pgprot(boolean readOnly, boolean pxn, boolean uxn, boolean hyp) {
        this.readOnly = readOnly;
        this.pxn = pxn;
        this.uxn = uxn;
        this.hyp = hyp;
    }

    /** Attribute bits (no address) with PTE_ATTRINDX = {@code mtNormal}, MT_NORMAL's index in the MAIR the tables are used with. */
    public long bits(int mtNormal) {
        if (mtNormal < 0 || mtNormal > 7) throw new IllegalArgumentException("MT_NORMAL index " + mtNormal + " is not a MAIR index 0..7");
        long b = 0;
        b = DescriptorBits.VALID.set(b, 1);
        b = DescriptorBits.TYPE.set(b, 1);
        b = DescriptorBits.ATTRINDX.set(b, mtNormal);
        b = DescriptorBits.SH.set(b, 3);
        b = DescriptorBits.AF.set(b, 1);
        if (hyp) {
            b = DescriptorBits.AP1.set(b, 1);
            if (readOnly) b = DescriptorBits.AP2.set(b, 1);
        } else {
            if (readOnly) b = DescriptorBits.AP2.set(b, 1);
            else b = DescriptorBits.DBM.set(b, 1);
            if (pxn) b = DescriptorBits.PXN.set(b, 1);
        }
        if (uxn) b = DescriptorBits.UXN.set(b, 1);
        return b;
    }

    /** Attribute bits as the kernel generation {@code k} encodes them. */
    public long bits(LinuxMair k) { return bits(k.mtNormal()); }

    /**
     * Attribute bits in the v5.3-era MAIR layout (MT_NORMAL = 4), i.e. {@code bits(LinuxMair.V5_3)}:
     * only right under a MAIR with Normal memory at index 4 (the seed's 0x0000bbff440c0400).
     *
     * @deprecated name the MAIR layout: {@link #bits(LinuxMair)} or {@link #bits(int)}
     */
    @Deprecated
    public long bits() { return bits(LinuxMair.V5_3); }

    /** A level-3 page descriptor mapping {@code pa}, PTE_ATTRINDX = {@code mtNormal}. */
    public long page(long pa, int mtNormal) {
        return DescriptorBits.ADDRESS.set(bits(mtNormal), pa >>> 12);
    }

    /**
     * A level-3 page descriptor in the v5.3-era MAIR layout.
     *
     * @deprecated name the MAIR layout: {@link #page(long, int)}
     */
    @Deprecated
    public long page(long pa) { return page(pa, LinuxMair.V5_3.mtNormal()); }

    public static Pgprot parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown pgprot '" + s + "'");
        }
    }
}
