package org.kexecverify.emulator.qemu;

/**
 * Attribute choices for one identity-mapped page (code, vector or data) of a generated case:
 * the leaf descriptor's bits and the hierarchical bits of the table descriptor just above it.
 * Encoded into descriptors only through {@link org.kexecverify.model.desc.DescriptorBits}.
 *
 * @param valid     PTE_VALID
 * @param attrIndx  MAIR index (PTE_ATTRINDX)
 * @param ap2       PTE_RDONLY (AP[2])
 * @param ap1       PTE_USER (AP[1]; RES1 and ignored at EL2 with E2H=0)
 * @param pxn       PTE_PXN (RES0 and ignored at EL2 with E2H=0)
 * @param uxn       PTE_UXN, the XN bit at EL2 with E2H=0 (PTE_HYP_XN)
 * @param af        PTE_AF
 * @param xnTable   PMD_TABLE_UXN (XNTable at EL2) on the table entry above the leaf
 * @param pxnTable  PMD_TABLE_PXN on the table entry above the leaf
 * @param apTable1  APTable[1] (read-only below) on the table entry above the leaf
 * @param apTable0  APTable[0] (no EL0 access below; RES0 at EL2 with E2H=0) on the table entry above the leaf
 */
public record PageSpec(boolean valid, int attrIndx, boolean ap2, boolean ap1, boolean pxn, boolean uxn, boolean af,
                       boolean xnTable, boolean pxnTable, boolean apTable1, boolean apTable0) {

    public PageSpec {
        if (attrIndx < 0 || attrIndx > 7) {
            throw new IllegalArgumentException("attrIndx " + attrIndx + " outside 0..7");
        }
    }

    /** Valid, read/write, executable at the privileged level, AF set, MAIR index {@code attrIndx}. */
    public static PageSpec executable(int attrIndx) {
        return new PageSpec(true, attrIndx, false, false, false, false, true, false, false, false, false);
    }

    /** The PAGE_KERNEL_EXEC shape (PTE_UXN kept, PTE_PXN clear) with MAIR index {@code attrIndx}. */
    public static PageSpec kernelExec(int attrIndx) {
        return new PageSpec(true, attrIndx, false, false, false, true, true, false, false, false, false);
    }

    public PageSpec withValid(boolean v) {
        return new PageSpec(v, attrIndx, ap2, ap1, pxn, uxn, af, xnTable, pxnTable, apTable1, apTable0);
    }

    @Override
    public String toString() {
        return (valid ? "" : "!V ") + "idx" + attrIndx + (ap2 ? " RO" : "") + (ap1 ? " USER" : "") + (pxn ? " PXN" : "")
                + (uxn ? " UXN" : "") + (af ? "" : " !AF") + (xnTable ? " XNT" : "") + (pxnTable ? " PXNT" : "")
                + (apTable1 ? " APT1" : "") + (apTable0 ? " APT0" : "");
    }
}
