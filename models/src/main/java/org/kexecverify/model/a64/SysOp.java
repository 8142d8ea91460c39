package org.kexecverify.model.a64;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The SYS-space maintenance operations the emulator executes: TLB invalidation, data-cache and
 * instruction-cache maintenance by VA (and the whole-cache instruction invalidation), data-cache maintenance
 * by set/way, with their
 * (op1, CRn, CRm, op2) encodings (op0 = 1).
 */
public enum SysOp {
    TLBI_ALLE1(Kind.TLBI, "alle1", 4, 8, 7, 4, false),
    TLBI_ALLE1IS(Kind.TLBI, "alle1is", 4, 8, 3, 4, false),
    TLBI_ALLE2(Kind.TLBI, "alle2", 4, 8, 7, 0, false),
    TLBI_ALLE2IS(Kind.TLBI, "alle2is", 4, 8, 3, 0, false),
    TLBI_VMALLE1(Kind.TLBI, "vmalle1", 0, 8, 7, 0, false),
    TLBI_VMALLE1IS(Kind.TLBI, "vmalle1is", 0, 8, 3, 0, false),
    DC_CIVAC(Kind.DC, "civac", 3, 7, 14, 1, true),
    DC_CVAC(Kind.DC, "cvac", 3, 7, 10, 1, true),
    DC_CVAU(Kind.DC, "cvau", 3, 7, 11, 1, true),
    DC_IVAC(Kind.DC, "ivac", 0, 7, 6, 1, true),
    DC_ZVA(Kind.DC, "zva", 3, 7, 4, 1, true),
    /** By set/way: Xt holds way, set and level (Arm ARM C5.3, DC CISW/CSW/ISW). */
    DC_CISW(Kind.DC, "cisw", 0, 7, 14, 2, true),
    DC_CSW(Kind.DC, "csw", 0, 7, 10, 2, true),
    DC_ISW(Kind.DC, "isw", 0, 7, 6, 2, true),
    IC_IALLU(Kind.IC, "iallu", 0, 7, 5, 0, false),
    IC_IALLUIS(Kind.IC, "ialluis", 0, 7, 1, 0, false),
    IC_IVAU(Kind.IC, "ivau", 3, 7, 5, 1, true);

    /** The instruction mnemonic the operation is written with. */
    public enum Kind { TLBI, DC, IC }

    private final Kind kind;
    private final String opName;
    private final int op1;
    private final int crn;
    private final int crm;
    private final int op2;
    private final boolean takesAddress;

    SysOp(Kind kind, String opName, int op1, int crn, int crm, int op2, boolean takesAddress) {
        this.kind = kind;
        this.opName = opName;
        this.op1 = op1;
        this.crn = crn;
        this.crm = crm;
        this.op2 = op2;
        this.takesAddress = takesAddress;
    }

    public Kind kind() {
        return kind;
    }

    public String opName() {
        return opName;
    }

    /** True if the operation names an address register (DC ... Xt, IC IVAU, Xt); otherwise Rt must be 31. */
    public boolean takesAddress() {
        return takesAddress;
    }

    /** op1:CRn:CRm:op2, the 14 bits at [18:5] of a SYS instruction. */
    public int key() {
        return (op1 << 11) | (crn << 7) | (crm << 3) | op2;
    }

    /** e.g. {@code tlbi alle2} or {@code dc civac}. */
    public String text() {
        return kind.name().toLowerCase(Locale.ROOT) + " " + opName;
    }

    private static final Map<String, SysOp> BY_TEXT = new HashMap<>();
    private static final Map<Integer, SysOp> BY_KEY = new HashMap<>();

    static {
        for (SysOp op : values()) {
            BY_TEXT.put(op.text(), op);
            BY_KEY.put(op.key(), op);
        }
    }

    public static SysOp byText(String mnemonic, String op) {
        return BY_TEXT.get(mnemonic.toLowerCase(Locale.ROOT) + " " + op.toLowerCase(Locale.ROOT));
    }

    public static SysOp byKey(int key) {
        return BY_KEY.get(key);
    }
}
