package org.kexecverify.model.desc;

import java.util.List;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Meaning;
import org.kexecverify.model.regime.Regime;

/**
 * The bit fields of a VMSAv8-64 stage-1 descriptor (4 KB granule, 48-bit OA): the only place a
 * descriptor bit position is written down (Linux pgtable-hwdef.h names in the summaries).
 */
public final class DescriptorBits {
    private DescriptorBits() {}

    public static final Field VALID = Field.bit("VALID", 0, "PTE_VALID");
    /** 1 = table (levels 0-2) or page (level 3); 0 = block (levels 1-2), reserved at level 3. */
    public static final Field TYPE = Field.bit("TYPE", 1, "PTE_TYPE_PAGE / PMD_TYPE_TABLE bit", Meaning.flag("table or page", "block"));
    public static final Field ATTRINDX = Field.value("AttrIndx", 4, 2, "PTE_ATTRINDX: MAIR_ELx attribute index", v -> "MAIR Attr" + v);
    public static final Field NS = Field.bit("NS", 5, "non-secure output (Secure state only)");
    /** AP[1]: EL0 access in two-range regimes; RES1 and ignored in the EL2 (E2H=0) regime. */
    public static final Field AP1 = Field.bit("AP[1]", 6, "PTE_USER (PTE_HYP at EL2)");
    /** AP[2]: read-only. */
    public static final Field AP2 = Field.bit("AP[2]", 7, "PTE_RDONLY", Meaning.flag("read-only", "read/write"));
    public static final Field SH = Field.value("SH", 9, 8, "PTE_SHARED: shareability", Meaning.table("Non-shareable", "reserved", "Outer Shareable", "Inner Shareable"));
    public static final Field AF = Field.bit("AF", 10, "PTE_AF: access flag");
    public static final Field NG = Field.bit("nG", 11, "PTE_NG: not global");
    /** Output address of a page, or next-level table address, bits [47:12]. */
    public static final Field ADDRESS = Field.value("OA", 47, 12, "output / next-level table address", v -> "0x" + Long.toHexString(v << 12));
    /** Bits [49:48] of a block/page descriptor: OA[49:48] only with the 64 KB granule and FEAT_LPA; RES0 with 4 KB (not checked by the walk). */
    public static final Field OA_HIGH = Field.value("RES0[49:48]", 49, 48, "OA[49:48] only with 64 KB + FEAT_LPA; RES0 with 4 KB", Meaning.NONE);
    /** Bit 50 of a block/page descriptor: GP, a BTI guarded page (FEAT_BTI; Linux PTE_GP). Translation ignores it. */
    public static final Field GP = Field.bit("GP", 50, "PTE_GP: BTI guarded page (FEAT_BTI)");
    /** Bits [50:48] of a table descriptor: RES0 with the 4 KB granule (no FEAT_LPA2). */
    public static final Field TABLE_HIGH = Field.value("RES0[50:48]", 50, 48, "RES0 with the 4 KB granule", Meaning.NONE);
    public static final Field DBM = Field.bit("DBM", 51, "PTE_DBM (PTE_WRITE): dirty bit modifier");
    public static final Field CONT = Field.bit("Contiguous", 52, "PTE_CONT");
    /** PXN: privileged execute-never in two-range regimes; RES0 and ignored at EL2 (E2H=0). */
    public static final Field PXN = Field.bit("PXN", 53, "PTE_PXN");
    /** UXN in two-range regimes; the single XN bit at EL2 (E2H=0) (PTE_HYP_XN). */
    public static final Field UXN = Field.bit("UXN/XN", 54, "PTE_UXN; PTE_HYP_XN (XN) in the EL2 regime");
    public static final Field SOFTWARE = Field.value("SW", 58, 55, "software use (PTE_DIRTY, PTE_SPECIAL ...)", Meaning.NONE);
    // table descriptors
    public static final Field PXN_TABLE = Field.bit("PXNTable", 59, "PMD_TABLE_PXN; RES0 at EL2 (E2H=0)");
    public static final Field UXN_TABLE = Field.bit("UXNTable/XNTable", 60, "PMD_TABLE_UXN; XNTable at EL2 (E2H=0)");
    public static final Field AP_TABLE0 = Field.bit("APTable[0]", 61, "no EL0 access below; RES0 at EL2 (E2H=0)");
    public static final Field AP_TABLE1 = Field.bit("APTable[1]", 62, "read-only below");
    public static final Field NS_TABLE = Field.bit("NSTable", 63, "non-secure table (Secure state only)");

    public static final List<Field> LEAF = List.of(VALID, TYPE, ATTRINDX, NS, AP1, AP2, SH, AF, NG, ADDRESS, OA_HIGH, GP, DBM, CONT, PXN, UXN, SOFTWARE);
    public static final List<Field> TABLE = List.of(VALID, TYPE, ADDRESS, TABLE_HIGH, PXN_TABLE, UXN_TABLE, AP_TABLE0, AP_TABLE1, NS_TABLE);

    /** The name a regime gives a descriptor bit, e.g. bit 54 is {@code XN} at EL2 and {@code UXN} at EL1. */
    public static String nameIn(Field f, Regime r) {
        if (f == UXN) return r.singlePrivilege() ? "XN" : "UXN";
        if (f == UXN_TABLE) return r.singlePrivilege() ? "XNTable" : "UXNTable";
        return f.name();
    }

    /** The Linux constant for a bit, in the regime's reading: {@code PTE_UXN} vs {@code PTE_HYP_XN}. */
    public static String linuxName(Field f, Regime r) {
        if (f == UXN) return r.singlePrivilege() ? "PTE_UXN (= PTE_HYP_XN, bit 54)" : "PTE_UXN (bit 54)";
        if (f == PXN) return "PTE_PXN (bit 53)";
        if (f == AF) return "PTE_AF (bit 10)";
        if (f == AP2) return "PTE_RDONLY (AP[2], bit 7)";
        if (f == AP1) return "PTE_USER (AP[1], bit 6)";
        if (f == UXN_TABLE) return "PMD_TABLE_UXN (bit 60)";
        if (f == PXN_TABLE) return "PMD_TABLE_PXN (bit 59)";
        if (f == ATTRINDX) return "PTE_ATTRINDX (bits 4:2)";
        if (f == GP) return "PTE_GP (bit 50)";
        return f.name() + " (bit " + f.bits() + ")";
    }
}
