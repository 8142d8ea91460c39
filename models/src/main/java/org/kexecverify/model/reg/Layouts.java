package org.kexecverify.model.reg;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.regime.Regime;

/**
 * Every register's field table, per regime. This class is the only place a system-register bit
 * position is written down (ARMv8.0-v8.5 baseline; Arm ARM DDI 0487 chapter D13, Linux
 * arch/arm64/include/asm/{sysreg.h,kvm_arm.h,pgtable-hwdef.h}).
 */
public final class Layouts {
    private Layouts() {}

    // ---- shared meanings -------------------------------------------------------------------

    /** PS/IPS/PARange encoding to bits. */
    public static int paBits(long enc) {
        return switch ((int) enc) {
            case 0 -> 32; case 1 -> 36; case 2 -> 40; case 3 -> 42; case 4 -> 44; case 5 -> 48; case 6 -> 52;
            default -> -1;
        };
    }

    private static String paSizeWords(long enc) {
        int b = paBits(enc);
        if (b < 0) return "reserved encoding";
        String[] units = {"4 GB", "64 GB", "1 TB", "4 TB", "16 TB", "256 TB", "4 PB"};
        return b + "-bit PA, " + units[(int) enc];
    }

    static final Meaning CACHEABILITY = Meaning.table(
            "Normal Non-cacheable walks",
            "Normal Write-Back Read-Allocate Write-Allocate cacheable walks (WBWA)",
            "Normal Write-Through Read-Allocate no Write-Allocate cacheable walks",
            "Normal Write-Back Read-Allocate no Write-Allocate cacheable walks");
    static final Meaning SHAREABILITY = Meaning.table("Non-shareable", null, "Outer Shareable", "Inner Shareable");
    static final Meaning TG0 = Meaning.table("4 KB granule", "64 KB granule", "16 KB granule", null);
    static final Meaning TG1 = Meaning.table(null, "16 KB granule", "4 KB granule", "64 KB granule");

    static Meaning txsz(String range) {
        return v -> {
            int in = org.kexecverify.model.walk.Granule.inputBits(v);
            if (!org.kexecverify.model.walk.Granule.txszInRange(v)) return "input size " + in + " bits: outside 16..39 allowed for a 4 KB granule";
            int start = org.kexecverify.model.walk.Granule.startLevel(v);
            return range + " input VA size " + in + " bits; a 4 KB-granule walk starts at level " + start;
        };
    }

    // ---- SCTLR -----------------------------------------------------------------------------

    private static RegisterLayout sctlrEl2NonVhe() {
        return RegisterLayout.builder(SysReg.SCTLR_EL2, "SCTLR_EL2 (E2H=0)")
                .add(Field.bit("M", 0, "stage-1 MMU enable for the EL2 regime", Meaning.flag("MMU on for EL2", "MMU off for EL2")))
                .add(Field.bit("A", 1, "alignment check for data accesses", Meaning.flag("alignment checking on: every unaligned data access faults", "no alignment checking")))
                .add(Field.bit("C", 2, "data cacheability", Meaning.flag("data accesses cacheable per attributes", "data accesses Non-cacheable")))
                .add(Field.bit("SA", 3, "SP alignment check", Meaning.flag("SP must be 16-byte aligned", "no SP alignment check")))
                .add(Field.res1(4)).add(Field.res1(5))
                .add(Field.bit("nAA", 6, "non-aligned access (FEAT_LSE2)"))
                .add(Field.res0(10, 7))
                .add(Field.res1("EOS/RES1", 11, "exception exit is context synchronizing (RES1 before ARMv8.5)"))
                .add(Field.bit("I", 12, "instruction cacheability", Meaning.flag("instruction fetches cacheable", "instruction fetches Non-cacheable")))
                .add(Field.bit("EnDB", 13, "pointer authentication (data B key)"))
                .add(Field.res0(15, 14))
                .add(Field.res1(16)).add(Field.res0(17, 17)).add(Field.res1(18))
                .add(Field.bit("WXN", 19, "write permission implies XN", Meaning.flag("writable mappings are execute-never", "writable regions are not forced XN")))
                .add(Field.res0(20, 20))
                .add(Field.bit("IESB", 21, "implicit error synchronization barrier (FEAT_RAS)", Meaning.flag("implicit ESB at exception entry/exit", "no implicit ESB")))
                .add(Field.res1("EIS/RES1", 22, "exception entry is context synchronizing (RES1 before ARMv8.5)")).add(Field.res1(23))
                .add(Field.res0(24, 24))
                .add(Field.bit("EE", 25, "endianness of data accesses and table walks", Meaning.flag("big-endian data and table walks", "little-endian data and table walks")))
                .add(Field.res0(26, 26))
                .add(Field.bit("EnDA", 27, "pointer authentication (data A key)"))
                .add(Field.res1(28)).add(Field.res1(29))
                .add(Field.bit("EnIB", 30, "pointer authentication (instruction B key)"))
                .add(Field.bit("EnIA", 31, "pointer authentication (instruction A key)"))
                .add(Field.res0(35, 32))
                .add(Field.bit("BT", 36, "BTI guarded pages at EL2 (bit 35, BT0, exists only with E2H=1)"))
                .add(Field.bit("ITFSB", 37, "tag check faults synchronised on entry"))
                .add(Field.res0(39, 38))
                .add(Field.value("TCF", 41, 40, "tag check fault handling", Meaning.NONE))
                .add(Field.res0(42, 42))
                .add(Field.bit("ATA", 43, "allocation tag access"))
                .add(Field.bit("DSSBS", 44, "default PSTATE.SSBS on exception entry"))
                .add(Field.bit("TCSO", 59, "tag checking for stores only (FEAT_MTE_STORE_ONLY)"))
                .add(Field.bit("NMI", 61, "non-maskable interrupts (FEAT_NMI)"))
                .add(Field.bit("SPINTMASK", 62, "SP-based interrupt masking (FEAT_NMI)"))
                .res0Rest()
                .check(Layouts::sctlrChecks)
                .build();
    }

    /**
     * SCTLR_EL1, and SCTLR_EL2 read with E2H=1 ({@code el2h}): the same layout except that SCTLR_EL2 calls
     * bit 36 BT (BT1 in SCTLR_EL1) and has bit 9 (UMA in SCTLR_EL1) RES0. Bits named up to ARMv9.4
     * (Linux arch/arm64/tools/sysreg), so a value a newer kernel writes (EPAN, bit 57, since v5.13) is
     * not a RES0 violation.
     */
    private static RegisterLayout sctlrEl1Layout(SysReg reg, String name) {
        boolean el2h = reg == SysReg.SCTLR_EL2;
        return RegisterLayout.builder(reg, name)
                .add(Field.bit("M", 0, "stage-1 MMU enable", Meaning.flag("MMU on", "MMU off")))
                .add(Field.bit("A", 1, "alignment check for data accesses", Meaning.flag("alignment checking on: every unaligned data access faults", "no alignment checking")))
                .add(Field.bit("C", 2, "data cacheability", Meaning.flag("data accesses cacheable per attributes", "data accesses Non-cacheable")))
                .add(Field.bit("SA", 3, "SP alignment check", Meaning.flag("SP must be 16-byte aligned", "no SP alignment check")))
                .add(Field.bit("SA0", 4, "SP alignment check at EL0"))
                .add(Field.bit("CP15BEN", 5, "AArch32 CP15 barrier enable at EL0"))
                .add(Field.bit("nAA", 6, "non-aligned access (FEAT_LSE2)"))
                .add(Field.bit("ITD", 7, "AArch32 IT disable at EL0"))
                .add(Field.bit("SED", 8, "AArch32 SETEND disable at EL0"))
                .add(el2h ? Field.res0(9, 9) : Field.bit("UMA", 9, "EL0 access to DAIF"))
                .add(Field.bit("EnRCTX", 10, "EL0 access to speculation restriction instructions"))
                .add(Field.bit("EOS", 11, "exception exit is context synchronizing (RES1 before ARMv8.5)"))
                .add(Field.bit("I", 12, "instruction cacheability", Meaning.flag("instruction fetches cacheable", "instruction fetches Non-cacheable")))
                .add(Field.bit("EnDB", 13, "pointer authentication (data B key)"))
                .add(Field.bit("DZE", 14, "EL0 DC ZVA"))
                .add(Field.bit("UCT", 15, "EL0 access to CTR_EL0"))
                .add(Field.bit("nTWI", 16, "WFI not trapped"))
                .add(Field.res0(17, 17))
                .add(Field.bit("nTWE", 18, "WFE not trapped"))
                .add(Field.bit("WXN", 19, "write permission implies XN", Meaning.flag("writable mappings are execute-never", "writable regions are not forced XN")))
                .add(Field.bit("TSCXT", 20, "trap EL0 SCXTNUM"))
                .add(Field.bit("IESB", 21, "implicit error synchronization barrier (FEAT_RAS)"))
                .add(Field.bit("EIS", 22, "exception entry is context synchronizing (RES1 before ARMv8.5)"))
                .add(Field.bit("SPAN", 23, "PSTATE.PAN unchanged on exception entry"))
                .add(Field.bit("E0E", 24, "EL0 data endianness"))
                .add(Field.bit("EE", 25, "endianness of data accesses and table walks", Meaning.flag("big-endian data and table walks", "little-endian data and table walks")))
                .add(Field.bit("UCI", 26, "EL0 cache maintenance by VA"))
                .add(Field.bit("EnDA", 27, "pointer authentication (data A key)"))
                .add(Field.bit("nTLSMD", 28, "no trap of AArch32 load/store multiple to Device"))
                .add(Field.bit("LSMAOE", 29, "AArch32 load/store multiple atomicity"))
                .add(Field.bit("EnIB", 30, "pointer authentication (instruction B key)"))
                .add(Field.bit("EnIA", 31, "pointer authentication (instruction A key)"))
                .add(Field.bit("CMOW", 32, "cache maintenance needs write permission (FEAT_CMOW)"))
                .add(Field.bit("MSCEn", 33, "EL0 memory copy and set instructions (FEAT_MOPS)"))
                .add(Field.bit("EnFPM", 34, "EL0 access to FPMR (FEAT_FPMR)"))
                .add(Field.bit("BT0", 35, "BTI guarded pages at EL0"))
                .add(Field.bit(el2h ? "BT" : "BT1", 36, "BTI guarded pages at the privileged level"))
                .add(Field.bit("ITFSB", 37, "tag check faults synchronised on entry"))
                .add(Field.value("TCF0", 39, 38, "EL0 tag check fault handling", Meaning.NONE))
                .add(Field.value("TCF", 41, 40, "tag check fault handling", Meaning.NONE))
                .add(Field.bit("ATA0", 42, "EL0 allocation tag access"))
                .add(Field.bit("ATA", 43, "allocation tag access"))
                .add(Field.bit("DSSBS", 44, "default PSTATE.SSBS on exception entry"))
                .add(Field.bit("TWEDEn", 45, "WFE trap delay enable (FEAT_TWED)"))
                .add(Field.value("TWEDEL", 49, 46, "WFE trap delay (FEAT_TWED)", Meaning.NONE))
                .add(Field.res0(53, 50))
                .add(Field.bit("EnASR", 54, "EL0 ST64BV (FEAT_LS64_V)"))
                .add(Field.bit("EnAS0", 55, "EL0 ST64BV0 (FEAT_LS64_ACCDATA)"))
                .add(Field.bit("EnALS", 56, "EL0 LD64B/ST64B (FEAT_LS64)"))
                .add(Field.bit("EPAN", 57, "enhanced PAN: PAN also denies privileged access to EL0-executable pages (FEAT_PAN3)"))
                .add(Field.bit("TCSO0", 58, "EL0 tag checking for stores only (FEAT_MTE_STORE_ONLY)"))
                .add(Field.bit("TCSO", 59, "tag checking for stores only (FEAT_MTE_STORE_ONLY)"))
                .add(Field.bit("EnTP2", 60, "EL0 access to TPIDR2_EL0 (FEAT_SME)"))
                .add(Field.bit("NMI", 61, "non-maskable interrupts (FEAT_NMI)"))
                .add(Field.bit("SPINTMASK", 62, "SP-based interrupt masking (FEAT_NMI)"))
                .add(Field.bit("TIDCP", 63, "trap EL0 IMPLEMENTATION DEFINED registers (FEAT_TIDCP1)"))
                .check(Layouts::sctlrChecks)
                .build();
    }

    private static List<Finding> sctlrChecks(RegisterLayout l, long v) {
        List<Finding> out = new ArrayList<>();
        String r = l.register().name();
        if (l.field("A").isSet(v)) out.add(new Finding(Diagnostic.ALIGNMENT_CHECKING, r, "A",
                "SCTLR.A=1: compiler-generated unaligned accesses (memcpy, struct copies) fault"));
        if (l.field("WXN").isSet(v)) out.add(new Finding(Diagnostic.WXN, r, "WXN",
                "SCTLR.WXN=1: any writable mapping of the relocation code is execute-never"));
        if (l.field("EE").isSet(v)) out.add(new Finding(Diagnostic.UNSUPPORTED_FEATURE, r, "EE",
                "big-endian table walks: the model reads descriptors little-endian"));
        return out;
    }

    // ---- TCR -------------------------------------------------------------------------------

    private static RegisterLayout tcrEl2NonVhe() {
        return RegisterLayout.builder(SysReg.TCR_EL2, "TCR_EL2 (E2H=0)")
                .add(Field.value("T0SZ", 5, 0, "size offset of the TTBR0_EL2 region", txsz("TTBR0_EL2")))
                .add(Field.res0(7, 6))
                .add(Field.value("IRGN0", 9, 8, "inner cacheability of table walks", CACHEABILITY))
                .add(Field.value("ORGN0", 11, 10, "outer cacheability of table walks", CACHEABILITY))
                .add(Field.value("SH0", 13, 12, "shareability of table walks", SHAREABILITY).withReserved(1L))
                .add(Field.value("TG0", 15, 14, "translation granule", TG0).withReserved(3L))
                .add(Field.value("PS", 18, 16, "physical address size", Layouts::paSizeWords).withReserved(7L))
                .add(Field.res0(19, 19))
                .add(Field.bit("TBI", 20, "top byte ignored", Meaning.flag("VA[63:56] ignored", "top byte used in translation (VA[63:48] must be 0)")))
                .add(Field.bit("HA", 21, "hardware Access flag update", Meaning.flag("hardware sets AF (FEAT_HAFDBS)", "no hardware AF update: AF=0 gives an Access flag fault")))
                .add(Field.bit("HD", 22, "hardware dirty state", Meaning.flag("hardware dirty-bit management", "no hardware dirty-bit management")))
                .add(Field.res1(23))
                .add(Field.bit("HPD", 24, "hierarchical permissions disabled", Meaning.flag("APTable/XNTable ignored", "hierarchical permissions apply")))
                .add(Field.value("HWU", 28, 25, "hardware use of descriptor bits 59-62", Meaning.NONE))
                .add(Field.bit("TBID", 29, "TBI for data only"))
                .add(Field.bit("TCMA", 30, "unchecked accesses for tag 0xF"))
                .add(Field.res1(31))
                .add(Field.bit("DS", 32, "52-bit addresses with 4/16 KB granule (FEAT_LPA2)"))
                .res0Rest()
                .check(Layouts::tcrEl2Checks)
                .build();
    }

    private static RegisterLayout tcrEl1Layout(SysReg reg, String name) {
        return RegisterLayout.builder(reg, name)
                .add(Field.value("T0SZ", 5, 0, "size offset of the TTBR0 region", txsz("TTBR0")))
                .add(Field.res0(6, 6))
                .add(Field.bit("EPD0", 7, "TTBR0 walk disable", Meaning.flag("TTBR0 walks disabled: Translation fault", "TTBR0 walks enabled")))
                .add(Field.value("IRGN0", 9, 8, "inner cacheability of TTBR0 walks", CACHEABILITY))
                .add(Field.value("ORGN0", 11, 10, "outer cacheability of TTBR0 walks", CACHEABILITY))
                .add(Field.value("SH0", 13, 12, "shareability of TTBR0 walks", SHAREABILITY).withReserved(1L))
                .add(Field.value("TG0", 15, 14, "TTBR0 granule", TG0).withReserved(3L))
                .add(Field.value("T1SZ", 21, 16, "size offset of the TTBR1 region", txsz("TTBR1")))
                .add(Field.bit("A1", 22, "ASID from TTBR1", Meaning.flag("ASID from TTBR1", "ASID from TTBR0")))
                .add(Field.bit("EPD1", 23, "TTBR1 walk disable", Meaning.flag("TTBR1 walks disabled: Translation fault", "TTBR1 walks enabled")))
                .add(Field.value("IRGN1", 25, 24, "inner cacheability of TTBR1 walks", CACHEABILITY))
                .add(Field.value("ORGN1", 27, 26, "outer cacheability of TTBR1 walks", CACHEABILITY))
                .add(Field.value("SH1", 29, 28, "shareability of TTBR1 walks", SHAREABILITY).withReserved(1L))
                .add(Field.value("TG1", 31, 30, "TTBR1 granule", TG1).withReserved(0L))
                .add(Field.value("IPS", 34, 32, "intermediate physical address size", Layouts::paSizeWords).withReserved(7L))
                .add(Field.res0(35, 35))
                .add(Field.bit("AS", 36, "ASID size", Meaning.flag("16-bit ASID", "8-bit ASID")))
                .add(Field.bit("TBI0", 37, "top byte ignored, TTBR0"))
                .add(Field.bit("TBI1", 38, "top byte ignored, TTBR1"))
                .add(Field.bit("HA", 39, "hardware Access flag update", Meaning.flag("hardware sets AF (FEAT_HAFDBS)", "no hardware AF update: AF=0 gives an Access flag fault")))
                .add(Field.bit("HD", 40, "hardware dirty state"))
                .add(Field.bit("HPD0", 41, "hierarchical permissions disabled, TTBR0"))
                .add(Field.bit("HPD1", 42, "hierarchical permissions disabled, TTBR1"))
                .add(Field.bit("HWU059", 43, "hardware use of descriptor bit 59, TTBR0 (FEAT_HPDS2)"))
                .add(Field.bit("HWU060", 44, "hardware use of descriptor bit 60, TTBR0 (FEAT_HPDS2)"))
                .add(Field.bit("HWU061", 45, "hardware use of descriptor bit 61, TTBR0 (FEAT_HPDS2)"))
                .add(Field.bit("HWU062", 46, "hardware use of descriptor bit 62, TTBR0 (FEAT_HPDS2)"))
                .add(Field.bit("HWU159", 47, "hardware use of descriptor bit 59, TTBR1 (FEAT_HPDS2)"))
                .add(Field.bit("HWU160", 48, "hardware use of descriptor bit 60, TTBR1 (FEAT_HPDS2)"))
                .add(Field.bit("HWU161", 49, "hardware use of descriptor bit 61, TTBR1 (FEAT_HPDS2)"))
                .add(Field.bit("HWU162", 50, "hardware use of descriptor bit 62, TTBR1 (FEAT_HPDS2)"))
                .add(Field.bit("TBID0", 51, "TBI0 for data only"))
                .add(Field.bit("TBID1", 52, "TBI1 for data only"))
                .add(Field.bit("NFD0", 53, "non-fault TTBR0 accesses from EL0 (SVE)"))
                .add(Field.bit("NFD1", 54, "non-fault TTBR1 accesses from EL0 (SVE)"))
                .add(Field.bit("E0PD0", 55, "EL0 access to TTBR0 region faults"))
                .add(Field.bit("E0PD1", 56, "EL0 access to TTBR1 region faults"))
                .add(Field.bit("TCMA0", 57, "unchecked accesses, TTBR0"))
                .add(Field.bit("TCMA1", 58, "unchecked accesses, TTBR1"))
                .add(Field.bit("DS", 59, "52-bit addresses with 4/16 KB granule (FEAT_LPA2)"))
                .add(Field.bit("MTX0", 60, "no address tags in TTBR0 addresses (FEAT_MTE_NO_ADDRESS_TAGS)"))
                .add(Field.bit("MTX1", 61, "no address tags in TTBR1 addresses (FEAT_MTE_NO_ADDRESS_TAGS)"))
                .res0Rest()
                .check(Layouts::tcrEl1Checks)
                .build();
    }

    private static void checkTxsz(List<Finding> out, String reg, String name, long txsz, String granuleField, long tg, boolean fourK) {
        if (!fourK) {
            out.add(new Finding(Diagnostic.GRANULE_NOT_MODELLED, reg, granuleField,
                    granuleField + " selects a granule other than 4 KB; the model only walks 4 KB tables"));
            return;
        }
        if (!org.kexecverify.model.walk.Granule.txszInRange(txsz)) {
            out.add(new Finding(Diagnostic.TXSZ_OUT_OF_RANGE, reg, name,
                    name + " = " + txsz + " gives a " + (64 - txsz) + "-bit VA: a 4 KB granule allows " + name
                            + " 16..39 (IMPLEMENTATION DEFINED: the model, like QEMU, takes a level-0 Translation fault)"));
        }
    }

    private static List<Finding> tcrEl2Checks(RegisterLayout l, long v) {
        List<Finding> out = new ArrayList<>();
        checkTxsz(out, "TCR_EL2", "T0SZ", l.get("T0SZ", v), "TG0", l.get("TG0", v), l.get("TG0", v) == org.kexecverify.model.walk.Granule.TG0_4K);
        if (l.get("DS", v) != 0) out.add(new Finding(Diagnostic.UNSUPPORTED_FEATURE, "TCR_EL2", "DS", "FEAT_LPA2 52-bit addressing is not modelled"));
        if (l.get("HD", v) != 0) out.add(new Finding(Diagnostic.UNSUPPORTED_FEATURE, "TCR_EL2", "HD", "hardware dirty state is not modelled"));
        return out;
    }

    private static List<Finding> tcrEl1Checks(RegisterLayout l, long v) {
        List<Finding> out = new ArrayList<>();
        String r = l.register().name();
        checkTxsz(out, r, "T0SZ", l.get("T0SZ", v), "TG0", l.get("TG0", v), l.get("TG0", v) == org.kexecverify.model.walk.Granule.TG0_4K);
        if (l.get("EPD1", v) == 0) {
            checkTxsz(out, r, "T1SZ", l.get("T1SZ", v), "TG1", l.get("TG1", v), l.get("TG1", v) == org.kexecverify.model.walk.Granule.TG1_4K);
        } else {
            out.add(new Finding(Diagnostic.WALK_DISABLED, r, "EPD1", "EPD1=1: every TTBR1 (upper-range) access takes a level-0 Translation fault"));
        }
        if (l.get("EPD0", v) != 0) {
            out.add(new Finding(Diagnostic.WALK_DISABLED, r, "EPD0", "EPD0=1: every TTBR0 (lower-range, identity map) access takes a level-0 Translation fault"));
        }
        if (r.equals("TCR_EL2") && (v & 0x80800000L) == 0x80800000L && l.get("IPS", v) == 0 && l.get("T1SZ", v) < 16) {
            out.add(new Finding(Diagnostic.LAYOUT_MISMATCH, r, "IPS",
                    "value looks written for the E2H=0 layout: its RES1 bits 23/31 land on EPD1 and TG1[1], PS[18:16] lands on T1SZ, "
                            + "and IPS reads 0b000 (32-bit PA)"));
        }
        if (l.get("DS", v) != 0) out.add(new Finding(Diagnostic.UNSUPPORTED_FEATURE, r, "DS", "FEAT_LPA2 52-bit addressing is not modelled"));
        return out;
    }

    // ---- MAIR, TTBR, VBAR, FAR, ELR -------------------------------------------------------

    private static RegisterLayout mair(SysReg reg) {
        RegisterLayout.Builder b = RegisterLayout.builder(reg, reg.name());
        for (int i = 0; i < 8; i++) {
            b.add(Field.value("Attr" + i, 8 * i + 7, 8 * i, "memory attribute for AttrIndx=" + i, v -> {
                MemoryAttribute a = MemoryAttribute.decode((int) v);
                String n = a.linuxName();
                return a.describe() + (n.isEmpty() ? "" : " (" + n + ")");
            }));
        }
        return b.check((l, v) -> {
            List<Finding> out = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                MemoryAttribute a = MemoryAttribute.decode((int) l.get("Attr" + i, v));
                if (a.reserved()) out.add(new Finding(Diagnostic.RESERVED_ENCODING, reg.name(), "Attr" + i,
                        "Attr" + i + " = 0x" + Integer.toHexString(a.attr()) + " is UNPREDICTABLE: " + a.describe()));
            }
            return out;
        }).build();
    }

    private static RegisterLayout ttbr(SysReg reg, boolean asid, String name) {
        RegisterLayout.Builder b = RegisterLayout.builder(reg, name)
                .add(Field.bit("CnP", 0, "common not private", Meaning.flag("table shared by PEs with CnP", "private")))
                .add(Field.value("BADDR", 47, 1, "translation table base address", v -> "table at PA 0x" + Long.toHexString(v << 1)));
        if (asid) b.add(Field.value("ASID", 63, 48, "address space identifier", v -> "ASID " + v));
        return b.res0Rest().build();
    }

    private static RegisterLayout vbar(SysReg reg) {
        return RegisterLayout.builder(reg, reg.name())
                .add(Field.res0(10, 0))
                .add(Field.value("VBA", 63, 11, "vector base address", v -> "vectors at VA 0x" + Long.toHexString(v << 11)
                        + "; synchronous from current EL with SP_ELx at +0x200, from lower EL AArch64 at +0x400"))
                .build();
    }

    private static RegisterLayout address(SysReg reg, String fieldName, String summary) {
        return RegisterLayout.builder(reg, reg.name())
                .add(Field.value(fieldName, 63, 0, summary, v -> "0x" + Long.toHexString(v)))
                .build();
    }

    // ---- HCR_EL2 -----------------------------------------------------------------------------

    /** HCR_EL2. Bit 38 (MIOCNCE in DDI 0487A) is RES0: Arm removed it retrospectively, no PE implemented it. */
    private static RegisterLayout hcr() {
        String[][] bits = {
                {"0", "VM", "stage-2 translation for EL1&0"}, {"1", "SWIO", "set/way invalidation override"},
                {"2", "PTW", "protected table walk"}, {"3", "FMO", "FIQ routing to EL2"}, {"4", "IMO", "IRQ routing to EL2"},
                {"5", "AMO", "SError routing to EL2"}, {"6", "VF", "virtual FIQ"}, {"7", "VI", "virtual IRQ"},
                {"8", "VSE", "virtual SError"}, {"9", "FB", "force broadcast"}, {"12", "DC", "default cacheability"},
                {"13", "TWI", "trap WFI"}, {"14", "TWE", "trap WFE"}, {"15", "TID0", "trap ID group 0"},
                {"16", "TID1", "trap ID group 1"}, {"17", "TID2", "trap ID group 2"}, {"18", "TID3", "trap ID group 3"},
                {"19", "TSC", "trap SMC"}, {"20", "TIDCP", "trap IMPDEF registers"}, {"21", "TACR", "trap ACTLR"},
                {"22", "TSW", "trap set/way maintenance"}, {"23", "TPCP", "trap PoC/PoP maintenance"},
                {"24", "TPU", "trap PoU maintenance"}, {"25", "TTLB", "trap TLB maintenance"}, {"26", "TVM", "trap VM register writes"},
                {"28", "TDZ", "trap DC ZVA"}, {"29", "HCD", "HVC disable"},
                {"30", "TRVM", "trap VM register reads"}, {"32", "CD", "stage-2 data cacheability disable"},
                {"33", "ID", "stage-2 instruction cacheability disable"}, {"35", "TLOR", "trap LOR registers"},
                {"36", "TERR", "trap error registers"}, {"37", "TEA", "route external aborts to EL2"},
                {"40", "APK", "pointer auth key access"},
                {"41", "API", "pointer auth instructions"}, {"42", "NV", "nested virtualization"}, {"43", "NV1", "nested virtualization 1"},
                {"44", "AT", "trap AT S1E1*"}, {"45", "NV2", "nested virtualization 2"}, {"46", "FWB", "stage-2 forced write-back"},
                {"47", "FIEN", "fault injection enable"}, {"48", "GPF", "route granule protection faults to EL2 (FEAT_RME)"}, {"49", "TID4", "trap ID group 4"}, {"50", "TICAB", "trap IC IALLUIS"},
                {"51", "AMVOFFEN", "activity monitor virtual offsets"}, {"52", "TOCU", "trap cache maintenance to PoU"},
                {"53", "EnSCXT", "SCXTNUM access"}, {"54", "TTLBIS", "trap TLBI inner shareable"},
                {"55", "TTLBOS", "trap TLBI outer shareable"}, {"56", "ATA", "allocation tag access"},
                {"57", "DCT", "default cacheability tagging"}, {"58", "TID5", "trap ID group 5"}, {"59", "TWEDEn", "TWE delay enable"}};
        RegisterLayout.Builder b = RegisterLayout.builder(SysReg.HCR_EL2, "HCR_EL2");
        for (String[] e : bits) b.add(Field.bit(e[1], Integer.parseInt(e[0]), e[2]));
        b.add(Field.value("BSU", 11, 10, "barrier shareability upgrade", Meaning.table("no effect", "Inner Shareable", "Outer Shareable", "Full system")));
        b.add(Field.bit("TGE", 27, "trap general exceptions", Meaning.flag("EL0 runs in the EL2&0 regime (with E2H=1)", "EL1&0 regime for EL0/EL1")));
        b.add(Field.bit("RW", 31, "execution state of EL1", Meaning.flag("EL1 is AArch64", "EL1 is AArch32")));
        b.add(Field.bit("E2H", 34, "EL2 host (VHE)", Meaning.flag("VHE: EL2&0 regime, TCR_EL2 in TCR_EL1 layout", "non-VHE: EL2 regime, one VA range")));
        b.add(Field.value("TWEDEL", 63, 60, "TWE delay", Meaning.NONE));
        return b.res0Rest().build();
    }

    // ---- ESR ---------------------------------------------------------------------------------

    /** Exception class names for the classes the models raise or decode. */
    public static String exceptionClass(long ec) {
        return switch ((int) ec) {
            case 0x00 -> "Unknown reason (undefined instruction)";
            case 0x01 -> "WFI/WFE trapped";
            case 0x0e -> "Illegal execution state";
            case 0x15 -> "SVC from AArch64";
            case 0x16 -> "HVC from AArch64";
            case 0x17 -> "SMC from AArch64";
            case 0x18 -> "MSR/MRS/system instruction trapped";
            case 0x20 -> "Instruction Abort from a lower Exception level";
            case 0x21 -> "Instruction Abort taken without a change in Exception level";
            case 0x22 -> "PC alignment fault";
            case 0x24 -> "Data Abort from a lower Exception level";
            case 0x25 -> "Data Abort taken without a change in Exception level";
            case 0x26 -> "SP alignment fault";
            case 0x2f -> "SError interrupt";
            case 0x3c -> "BRK instruction";
            default -> "exception class 0x" + Long.toHexString(ec);
        };
    }

    /** IFSC/DFSC fault status code in words: kind and level. */
    public static String faultStatus(long fsc) {
        int level = (int) (fsc & 3);
        return switch ((int) (fsc >>> 2)) {
            case 0b0000 -> "Address size fault, level " + level;
            case 0b0001 -> "Translation fault, level " + level;
            case 0b0010 -> "Access flag fault, level " + level;
            case 0b0011 -> "Permission fault, level " + level;
            case 0b0100 -> level == 0 ? "Synchronous External abort, not on a table walk" : "reserved";
            case 0b0101 -> "Synchronous External abort on translation table walk, level " + level;
            default -> fsc == 0b100001 ? "Alignment fault" : fsc == 0b110000 ? "TLB conflict abort" : "fault status 0x" + Long.toHexString(fsc);
        };
    }

    /** ISS fields of Instruction and Data Aborts (ESR_ELx.EC 0x20, 0x21, 0x24, 0x25) and of HVC/SVC/SMC. */
    public static final class Iss {
        private Iss() {}

        public static final Field IFSC = Field.value("IFSC", 5, 0, "instruction fault status code", Layouts::faultStatus);
        public static final Field DFSC = Field.value("DFSC", 5, 0, "data fault status code", Layouts::faultStatus);
        public static final Field WNR = Field.bit("WnR", 6, "write not read", Meaning.flag("caused by a write", "caused by a read"));
        public static final Field S1PTW = Field.bit("S1PTW", 7, "stage-2 fault on a stage-1 walk");
        public static final Field CM = Field.bit("CM", 8, "cache maintenance", Meaning.flag("caused by cache maintenance", "not cache maintenance"));
        public static final Field EA = Field.bit("EA", 9, "external abort type");
        public static final Field FNV = Field.bit("FnV", 10, "FAR not valid", Meaning.flag("FAR_ELx is not valid", "FAR_ELx holds the faulting VA"));
        public static final Field SET = Field.value("SET", 12, 11, "synchronous error type", Meaning.NONE);
        public static final Field VNCR = Field.bit("VNCR", 13, "VNCR_EL2 access");
        public static final Field AR = Field.bit("AR", 14, "acquire/release");
        public static final Field SF = Field.bit("SF", 15, "64-bit register transfer");
        public static final Field SRT = Field.value("SRT", 20, 16, "syndrome register transfer", v -> "X" + v);
        public static final Field SSE = Field.bit("SSE", 21, "syndrome sign extend");
        public static final Field SAS = Field.value("SAS", 23, 22, "syndrome access size", Meaning.table("byte", "halfword", "word", "doubleword"));
        public static final Field ISV = Field.bit("ISV", 24, "instruction syndrome valid", Meaning.flag("ISS[23:14] valid", "ISS[23:14] not valid"));
        public static final Field IMM16 = Field.value("imm16", 15, 0, "immediate of the HVC/SVC/SMC", v -> "#" + v);

        public static final List<Field> INSTRUCTION_ABORT = List.of(IFSC, S1PTW, EA, FNV, SET);
        public static final List<Field> DATA_ABORT = List.of(DFSC, WNR, S1PTW, CM, EA, FNV, SET, VNCR, AR, SF, SRT, SSE, SAS, ISV);
        public static final List<Field> CALL = List.of(IMM16);
    }

    /** ESR_ELx.EC, the exception class: shared by the ESR layouts and the ISS selection. */
    public static final Field ESR_EC = Field.value("EC", 31, 26, "exception class", Layouts::exceptionClass);

    private static List<Field> issFields(long esr) {
        long ec = ESR_EC.get(esr);
        if (ec == 0x20 || ec == 0x21) return Iss.INSTRUCTION_ABORT;
        if (ec == 0x24 || ec == 0x25) return Iss.DATA_ABORT;
        if (ec == 0x15 || ec == 0x16 || ec == 0x17) return Iss.CALL;
        return List.of();
    }

    private static RegisterLayout esr(SysReg reg) {
        return RegisterLayout.builder(reg, reg.name())
                .add(Field.value("ISS", 24, 0, "instruction specific syndrome", v -> "0x" + Long.toHexString(v)))
                .add(Field.bit("IL", 25, "instruction length", Meaning.flag("32-bit instruction", "16-bit instruction (or not applicable)")))
                .add(ESR_EC)
                .add(Field.value("ISS2", 36, 32, "ISS2 (FEAT_LS64 and later)", Meaning.NONE))
                .res0Rest()
                .detail(Layouts::issFields)
                .build();
    }

    // ---- SPSR, ID_AA64MMFR0, CTR, CurrentEL ------------------------------------------------------

    private static RegisterLayout spsr(SysReg reg) {
        return RegisterLayout.builder(reg, reg.name())
                .add(Field.value("M", 3, 0, "exception level and SP", Meaning.table("EL0t", null, null, null, "EL1t", "EL1h", null, null, "EL2t", "EL2h", null, null, "EL3t", "EL3h", null, null)))
                .add(Field.bit("M4", 4, "AArch32 state", Meaning.flag("AArch32", "AArch64")))
                .add(Field.res0(5, 5))
                .add(Field.bit("F", 6, "FIQ mask")).add(Field.bit("I", 7, "IRQ mask"))
                .add(Field.bit("A", 8, "SError mask")).add(Field.bit("D", 9, "debug mask"))
                .add(Field.value("BTYPE", 11, 10, "branch type", Meaning.NONE))
                .add(Field.bit("SSBS", 12, "speculative store bypass safe"))
                .add(Field.res0(19, 13))
                .add(Field.bit("IL", 20, "illegal execution state"))
                .add(Field.bit("SS", 21, "software step"))
                .add(Field.bit("PAN", 22, "privileged access never"))
                .add(Field.bit("UAO", 23, "user access override"))
                .add(Field.bit("DIT", 24, "data independent timing"))
                .add(Field.bit("TCO", 25, "tag check override"))
                .add(Field.res0(27, 26))
                .add(Field.bit("V", 28, "overflow")).add(Field.bit("C", 29, "carry"))
                .add(Field.bit("Z", 30, "zero")).add(Field.bit("N", 31, "negative"))
                .res0Rest().build();
    }

    private static RegisterLayout mmfr0() {
        return RegisterLayout.builder(SysReg.ID_AA64MMFR0_EL1, "ID_AA64MMFR0_EL1")
                .add(Field.value("PARange", 3, 0, "physical address range supported", Layouts::paSizeWords))
                .add(Field.value("ASIDBits", 7, 4, "ASID size", v -> v == 2 ? "16-bit ASIDs" : v == 0 ? "8-bit ASIDs" : "reserved"))
                .add(Field.value("BigEnd", 11, 8, "mixed-endian support", Meaning.NONE))
                .add(Field.value("SNSMem", 15, 12, "secure memory distinction", Meaning.NONE))
                .add(Field.value("BigEndEL0", 19, 16, "EL0 mixed-endian", Meaning.NONE))
                .add(Field.value("TGran16", 23, 20, "16 KB granule", v -> v == 0 ? "not supported" : "supported"))
                .add(Field.value("TGran64", 27, 24, "64 KB granule", v -> v == 0 ? "supported" : "not supported"))
                .add(Field.value("TGran4", 31, 28, "4 KB granule", v -> v == 0 ? "supported" : v == 0xf ? "not supported" : "supported (52-bit)"))
                .add(Field.value("TGran16_2", 35, 32, "16 KB granule at stage 2", Meaning.NONE))
                .add(Field.value("TGran64_2", 39, 36, "64 KB granule at stage 2", Meaning.NONE))
                .add(Field.value("TGran4_2", 43, 40, "4 KB granule at stage 2", Meaning.NONE))
                .add(Field.value("ExS", 47, 44, "disabling context synchronizing exception entry", Meaning.NONE))
                .add(Field.res0(55, 48))
                .add(Field.value("FGT", 59, 56, "fine-grained traps", Meaning.NONE))
                .add(Field.value("ECV", 63, 60, "enhanced counter virtualization", Meaning.NONE))
                .check((l, v) -> l.get("PARange", v) > 6
                        ? List.of(new Finding(Diagnostic.RESERVED_ENCODING, "ID_AA64MMFR0_EL1", "PARange", "PARange " + l.get("PARange", v) + " is reserved"))
                        : List.of())
                .build();
    }

    private static RegisterLayout ctr() {
        return RegisterLayout.builder(SysReg.CTR_EL0, "CTR_EL0")
                .add(Field.value("IminLine", 3, 0, "smallest I-cache line", v -> (4 << v) + " bytes"))
                .add(Field.res0(13, 4))
                .add(Field.value("L1Ip", 15, 14, "L1 I-cache policy", Meaning.table("VPIPT", "AIVIVT", "VIPT", "PIPT")))
                .add(Field.value("DminLine", 19, 16, "smallest D-cache line", v -> (4 << v) + " bytes"))
                .add(Field.value("ERG", 23, 20, "exclusives reservation granule", Meaning.NONE))
                .add(Field.value("CWG", 27, 24, "cache writeback granule", Meaning.NONE))
                .add(Field.bit("IDC", 28, "D-cache clean to PoU not required for I/D coherence"))
                .add(Field.bit("DIC", 29, "I-cache invalidation to PoU not required"))
                .add(Field.res0(30, 30))
                .add(Field.res1(31))
                .add(Field.value("TminLine", 37, 32, "smallest tag granule line (FEAT_MTE2)", v -> (4 << v) + " bytes"))
                .res0Rest().build();
    }

    private static RegisterLayout currentEl() {
        return RegisterLayout.builder(SysReg.CURRENTEL, "CurrentEL")
                .add(Field.res0(1, 0))
                .add(Field.value("EL", 3, 2, "current exception level", v -> "EL" + v))
                .res0Rest().build();
    }

    // ---- registry ------------------------------------------------------------------------------

    private static final Map<Regime, Map<SysReg, RegisterLayout>> TABLES = new EnumMap<>(Regime.class);

    static {
        RegisterLayout sctlr1 = sctlrEl1Layout(SysReg.SCTLR_EL1, "SCTLR_EL1");
        RegisterLayout sctlr2 = sctlrEl2NonVhe();
        RegisterLayout sctlr2h = sctlrEl1Layout(SysReg.SCTLR_EL2, "SCTLR_EL2 (E2H=1, SCTLR_EL1 layout)");
        RegisterLayout tcr1 = tcrEl1Layout(SysReg.TCR_EL1, "TCR_EL1");
        RegisterLayout tcr2 = tcrEl2NonVhe();
        RegisterLayout tcr2h = tcrEl1Layout(SysReg.TCR_EL2, "TCR_EL2 (E2H=1, TCR_EL1 layout)");
        Map<SysReg, RegisterLayout> common = new EnumMap<>(SysReg.class);
        common.put(SysReg.SCTLR_EL1, sctlr1);
        common.put(SysReg.TCR_EL1, tcr1);
        common.put(SysReg.MAIR_EL1, mair(SysReg.MAIR_EL1));
        common.put(SysReg.MAIR_EL2, mair(SysReg.MAIR_EL2));
        common.put(SysReg.TTBR0_EL1, ttbr(SysReg.TTBR0_EL1, true, "TTBR0_EL1"));
        common.put(SysReg.TTBR1_EL1, ttbr(SysReg.TTBR1_EL1, true, "TTBR1_EL1"));
        common.put(SysReg.HCR_EL2, hcr());
        common.put(SysReg.VBAR_EL1, vbar(SysReg.VBAR_EL1));
        common.put(SysReg.VBAR_EL2, vbar(SysReg.VBAR_EL2));
        common.put(SysReg.ESR_EL1, esr(SysReg.ESR_EL1));
        common.put(SysReg.ESR_EL2, esr(SysReg.ESR_EL2));
        common.put(SysReg.FAR_EL1, address(SysReg.FAR_EL1, "VA", "faulting virtual address"));
        common.put(SysReg.FAR_EL2, address(SysReg.FAR_EL2, "VA", "faulting virtual address"));
        common.put(SysReg.ELR_EL1, address(SysReg.ELR_EL1, "ADDR", "exception return address"));
        common.put(SysReg.ELR_EL2, address(SysReg.ELR_EL2, "ADDR", "exception return address"));
        common.put(SysReg.SPSR_EL1, spsr(SysReg.SPSR_EL1));
        common.put(SysReg.SPSR_EL2, spsr(SysReg.SPSR_EL2));
        common.put(SysReg.ID_AA64MMFR0_EL1, mmfr0());
        common.put(SysReg.CTR_EL0, ctr());
        common.put(SysReg.CURRENTEL, currentEl());

        RegisterLayout ttbr0El2 = ttbr(SysReg.TTBR0_EL2, false, "TTBR0_EL2 (E2H=0, no ASID)");
        for (Regime r : Regime.values()) {
            Map<SysReg, RegisterLayout> m = new EnumMap<>(common);
            boolean vhe = r == Regime.EL2_0;
            m.put(SysReg.SCTLR_EL2, vhe ? sctlr2h : sctlr2);
            m.put(SysReg.TCR_EL2, vhe ? tcr2h : tcr2);
            m.put(SysReg.TTBR0_EL2, vhe ? ttbr(SysReg.TTBR0_EL2, true, "TTBR0_EL2 (E2H=1)") : ttbr0El2);
            if (vhe) m.put(SysReg.TTBR1_EL2, ttbr(SysReg.TTBR1_EL2, true, "TTBR1_EL2 (E2H=1)"));
            TABLES.put(r, m);
        }
    }

    /** True when the register exists in the regime (TTBR1_EL2 only with E2H=1). */
    public static boolean exists(SysReg reg, Regime regime) {
        return TABLES.get(regime).containsKey(reg);
    }

    /** The field table of {@code reg} as {@code regime} reads it. */
    public static RegisterLayout of(SysReg reg, Regime regime) {
        RegisterLayout l = TABLES.get(regime).get(reg);
        if (l == null) {
            throw new IllegalArgumentException(reg + " does not exist in the " + regime.displayName()
                    + " regime (TTBR1_EL2 needs HCR_EL2.E2H=1)");
        }
        return l;
    }

    /** The default regime for decoding a register by name: EL2 registers in non-VHE EL2, the rest in EL1&0. */
    public static Regime defaultRegime(SysReg reg) {
        if (reg == SysReg.TTBR1_EL2) return Regime.EL2_0;
        return reg.el() == 2 ? Regime.EL2 : Regime.EL1_0;
    }
}
