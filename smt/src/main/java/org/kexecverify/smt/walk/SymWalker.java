package org.kexecverify.smt.walk;

import static org.kexecverify.model.desc.DescriptorBits.ADDRESS;
import static org.kexecverify.model.desc.DescriptorBits.AF;
import static org.kexecverify.model.desc.DescriptorBits.AP1;
import static org.kexecverify.model.desc.DescriptorBits.AP2;
import static org.kexecverify.model.desc.DescriptorBits.AP_TABLE0;
import static org.kexecverify.model.desc.DescriptorBits.AP_TABLE1;
import static org.kexecverify.model.desc.DescriptorBits.ATTRINDX;
import static org.kexecverify.model.desc.DescriptorBits.PXN;
import static org.kexecverify.model.desc.DescriptorBits.PXN_TABLE;
import static org.kexecverify.model.desc.DescriptorBits.TYPE;
import static org.kexecverify.model.desc.DescriptorBits.UXN;
import static org.kexecverify.model.desc.DescriptorBits.UXN_TABLE;
import static org.kexecverify.model.desc.DescriptorBits.VALID;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import java.util.ArrayList;
import java.util.List;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.FaultKind;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * The stage-1 walk of {@link Walker} as bit-vector terms: 4 KB granule, levels 0-3, the EL1&amp;0,
 * EL2 (E2H=0) and EL2&amp;0 regimes, with the same checks in the same priority order.
 *
 * <pre>
 *   misaligned &amp;&amp; SCTLR.A          -&gt; Alignment, level 0
 *   SCTLR.M = 0                     -&gt; PA = VA (Address size if VA &gt;= 2^PA), Device data / Normal fetch
 *   range select VA[55] (two ranges) -&gt; EPDx, TGx, TxSZ 16..39, top bits  -&gt; Translation, level 0
 *   start level = f(TxSZ) (case split) -&gt; TTBR base beyond PA size      -&gt; Address size, level 0
 *   level l: entry outside RAM -&gt; External abort; invalid -&gt; Translation;
 *            table: next beyond PA size -&gt; Address size; APTable/XNTable/PXNTable (unless HPD)
 *            L0 block / L3 0b01 -&gt; Translation; leaf: OA beyond PA size -&gt; Address size; AF -&gt; Access flag;
 *            permissions per regime -&gt; Permission; unaligned Device data -&gt; Alignment
 * </pre>
 *
 * Registers, table memory and the VA may each be concrete or symbolic. Every bit position comes
 * from the models' field tables ({@link org.kexecverify.model.desc.DescriptorBits}, {@link Layouts},
 * {@link org.kexecverify.model.walk.VaFields}); the only numbers here are granule geometry (4 KB pages, 9 index bits per level)
 * and the architectural TxSZ limits.
 */
public final class SymWalker {
    /** 4 KB granule: TxSZ 16..39 (the walk faults outside, as {@link Walker} does). */
    public static final int MIN_TXSZ = 16;
    public static final int MAX_TXSZ = 39;
    private static final int PAGE_SHIFT = PhysicalMemory.PAGE_SHIFT;
    /** 8-byte descriptors: a 4 KB table holds 2^9 of them. */
    private static final int DESC_SHIFT = 3;
    private static final int STRIDE = PAGE_SHIFT - DESC_SHIFT;
    /** Memory type of an MMU-off fetch with SCTLR.I=1 (Normal Write-Through, as the Walker models it). */
    public static final MemoryAttribute MMU_OFF_FETCH_CACHEABLE = MemoryAttribute.NORMAL_WT_MMU_OFF;

    private final Bv bv;
    private final SymRegs regs;
    private final TableMemory mem;
    private final BitVecExpr va;
    private final AccessType at;
    private final int size;
    private final WalkOptions opts;
    private final Regime regime;
    private final BitVecExpr paBits;

    private SymWalker(Bv bv, SymRegs regs, TableMemory mem, BitVecExpr va, AccessType at, int size, WalkOptions opts) {
        this.bv = bv;
        this.regs = regs;
        this.mem = mem;
        this.va = va;
        this.at = at;
        this.size = size;
        this.opts = opts;
        this.regime = regs.regime();
        this.paBits = effectivePaBits();
    }

    public static SymOutcome translate(Bv bv, SymRegs regs, TableMemory mem, BitVecExpr va, AccessType at) {
        return translate(bv, regs, mem, va, at, 1, WalkOptions.DEFAULT);
    }

    public static SymOutcome translate(Bv bv, SymRegs regs, TableMemory mem, BitVecExpr va, AccessType at, int size, WalkOptions opts) {
        return new SymWalker(bv, regs, mem, va, at, size, opts).walk();
    }

    // ---- register fields -----------------------------------------------------------------------

    private BoolExpr sctlr(String name) { return bv.isSet(regs.sctlrField(name), regs.sctlr()); }

    private BoolExpr tcrSet(String name) { return bv.isSet(regs.tcrField(name), regs.tcr()); }

    private BitVecExpr tcr(String name) { return bv.get(regs.tcrField(name), regs.tcr()); }

    /** A table lookup {@code enc -> value} over every encoding of a field, as an if-then-else chain. */
    private BitVecExpr lookup(Field f, BitVecExpr reg, java.util.function.LongUnaryOperator value) {
        BitVecExpr raw = bv.raw(f, reg);
        BitVecExpr out = null;
        for (long enc = (1L << f.width()) - 1; enc >= 0; enc--) {
            BitVecExpr v = bv.num(value.applyAsLong(enc));
            out = out == null ? v : bv.ite(bv.eq(raw, enc), v, out);
        }
        return out;
    }

    /** min(TCR PS/IPS, PARange) capped at the descriptors' output-address width; a reserved PS reads as PARange. */
    /** {@link org.kexecverify.model.walk.TranslationRegs#effectivePaBits()} as a term. */
    public static BitVecExpr effectivePaBits(Bv bv, SymRegs regs) {
        return new SymWalker(bv, regs, null, bv.num(0), AccessType.READ, 1, WalkOptions.DEFAULT).paBits;
    }

    /** Bytes of the start-level table for a TxSZ (valid for TxSZ in range; 4 KB granule). */
    public static BitVecExpr rootTableBytes(Bv bv, BitVecExpr txsz) {
        BitVecExpr inputBits = bv.sub(bv.num(Bv.W), txsz);
        BitVecExpr out = bv.num(PhysicalMemory.PAGE_SIZE);
        for (int start = 3; start >= 0; start--) {
            int lowIn = PAGE_SHIFT + STRIDE * (3 - start) + 1;
            int highIn = PAGE_SHIFT + STRIDE * (4 - start);
            BoolExpr isStart = bv.and(bv.ule(bv.num(lowIn), inputBits), bv.ule(inputBits, bv.num(highIn)));
            int shift = PAGE_SHIFT + STRIDE * (3 - start);
            out = bv.ite(isStart, bv.shl(bv.num(1L << DESC_SHIFT), bv.sub(inputBits, bv.num(shift))), out);
        }
        return out;
    }

    /** The implemented PA size: ID_AA64MMFR0_EL1.PARange, capped at the descriptors' output-address width. */
    private BitVecExpr parangeBits() {
        int oaBits = ADDRESS.msb() + 1;
        Field parange = regs.mmfr0Layout().field("PARange");
        return lookup(parange, regs.mmfr0(), enc -> {
            int b = Layouts.paBits(enc);
            return b < 0 ? oaBits : Math.min(b, oaBits);
        });
    }

    private BitVecExpr effectivePaBits() {
        int oaBits = ADDRESS.msb() + 1;
        BitVecExpr pr = parangeBits();
        Field psField = regs.tcrField(regs.names().paSizeFieldName());
        BitVecExpr ps = lookup(psField, regs.tcr(), enc -> Layouts.paBits(enc));
        BoolExpr psReserved = bv.eq(ps, bv.num(-1));
        return bv.ite(psReserved, pr, bv.umin(bv.umin(ps, pr), bv.num(oaBits)));
    }

    private BoolExpr beyondPa(BitVecExpr addr) { return bv.ne(bv.lshr(addr, paBits), 0); }

    // ---- the walk --------------------------------------------------------------------------------

    private SymOutcome fault(FaultKind k, int level) { return SymOutcome.fault(bv, k, level); }

    private SymOutcome walk() {
        BoolExpr misaligned = at.isData() && size > 1 ? bv.ne(bv.and(va, bv.num(size - 1)), 0) : bv.f();
        SymOutcome on;
        if (regime.hasTwoRanges()) {
            on = SymOutcome.ite(bv, bv.isSet(org.kexecverify.model.walk.VaFields.RANGE_SELECT, va), rangeWalk(1, misaligned), rangeWalk(0, misaligned));
        } else {
            on = rangeWalk(0, misaligned);
        }
        SymOutcome r = SymOutcome.ite(bv, sctlr("M"), on, mmuOff(misaligned));
        return SymOutcome.ite(bv, bv.and(misaligned, sctlr("A")), fault(FaultKind.ALIGNMENT, 0), r);
    }

    private SymOutcome mmuOff(BoolExpr misaligned) {
        SymOutcome flat;
        if (at == AccessType.FETCH) {
            BitVecExpr attr = bv.ite(sctlr("I"), bv.num(MMU_OFF_FETCH_CACHEABLE.attr(), SymOutcome.ATTR_BITS),
                    bv.num(MemoryAttribute.NORMAL_NC.attr(), SymOutcome.ATTR_BITS));
            flat = SymOutcome.mapped(bv, 0, va, bv.t(), bv.t(), attr, bv.f(), bv.num(-1));
        } else {
            MemoryAttribute dev = MemoryAttribute.DEVICE_nGnRnE;
            flat = SymOutcome.ite(bv, misaligned, fault(FaultKind.ALIGNMENT, 0),
                    SymOutcome.mapped(bv, 0, va, bv.t(), bv.t(), bv.num(dev.attr(), SymOutcome.ATTR_BITS), bv.bool(dev.device()), bv.num(-1)));
        }
        // with the MMU off TCR is not used: the limit is the implemented PA size
        return SymOutcome.ite(bv, bv.ne(bv.lshr(va, parangeBits()), 0), fault(FaultKind.ADDRESS_SIZE, 0), flat);
    }

    /** The TGx encoding whose meaning is the 4 KB granule, read from the field table. */
    public static long fourKEncoding(Field tg) {
        return tg.name().equals("TG1") ? org.kexecverify.model.walk.Granule.TG1_4K : org.kexecverify.model.walk.Granule.TG0_4K;
    }

    private SymOutcome rangeWalk(int range, BoolExpr misaligned) {
        boolean two = regime.hasTwoRanges();
        String suffix = two ? Integer.toString(range) : "";
        BitVecExpr txsz = tcr(range == 0 ? "T0SZ" : "T1SZ");
        Field tg = regs.tcrField(range == 0 ? "TG0" : "TG1");
        BoolExpr fourK = bv.fieldEq(tg, regs.tcr(), fourKEncoding(tg));
        BoolExpr txszOk = bv.and(bv.ule(bv.num(MIN_TXSZ), txsz), bv.ule(txsz, bv.num(MAX_TXSZ)));
        BitVecExpr inputBits = bv.sub(bv.num(Bv.W), txsz);
        BoolExpr tbi = tcrSet(regime == Regime.EL2 ? "TBI" : "TBI" + suffix);
        BitVecExpr top = bv.ite(tbi, bv.num(org.kexecverify.model.walk.VaFields.TOP_BYTE.lsb() - 1), bv.num(org.kexecverify.model.walk.VaFields.TOP_BYTE.msb()));
        BitVecExpr width = bv.add(bv.sub(top, inputBits), bv.num(1));
        BitVecExpr upper = bv.and(bv.lshr(va, inputBits), bv.lowMask(width));
        BitVecExpr expect = range == 0 ? bv.num(0) : bv.lowMask(width);
        BoolExpr hpd = tcrSet(regime == Regime.EL2 ? "HPD" : "HPD" + suffix);
        Field baddr = regs.ttbrLayout(range).field("BADDR");
        BitVecExpr base = bv.and(regs.ttbr(range), bv.num(baddr.mask()));

        SymOutcome levels = null;
        for (int start = 3; start >= 0; start--) {
            int lowIn = PAGE_SHIFT + STRIDE * (3 - start) + 1;
            int highIn = PAGE_SHIFT + STRIDE * (4 - start);
            if (highIn < Bv.W - MAX_TXSZ || lowIn > Bv.W - MIN_TXSZ) continue;
            BoolExpr isStart = bv.and(bv.ule(bv.num(lowIn), inputBits), bv.ule(inputBits, bv.num(highIn)));
            int shift = PAGE_SHIFT + STRIDE * (3 - start);
            BitVecExpr tableBytes = bv.shl(bv.num(1L << DESC_SHIFT), bv.sub(inputBits, bv.num(shift)));
            BitVecExpr table = bv.and(base, bv.not(bv.sub(tableBytes, bv.num(1))));
            SymOutcome w = SymOutcome.ite(bv, beyondPa(table), fault(FaultKind.ADDRESS_SIZE, 0),
                    level(start, start, table, inputBits, hpd, bv.f(), bv.f(), bv.f(), bv.f(), misaligned));
            levels = levels == null ? w : SymOutcome.ite(bv, isStart, w, levels);
        }
        SymOutcome r = SymOutcome.ite(bv, bv.eq(upper, expect), levels, fault(FaultKind.TRANSLATION, 0));
        r = SymOutcome.ite(bv, txszOk, r, fault(FaultKind.TRANSLATION, 0));
        r = SymOutcome.ite(bv, fourK, r, fault(FaultKind.TRANSLATION, 0));
        if (two) r = SymOutcome.ite(bv, tcrSet("EPD" + range), fault(FaultKind.TRANSLATION, 0), r);
        return r;
    }

    private SymOutcome level(int level, int start, BitVecExpr table, BitVecExpr inputBits, BoolExpr hpd,
                             BoolExpr tReadOnly, BoolExpr tXn, BoolExpr tPxn, BoolExpr tNoEl0, BoolExpr misaligned) {
        int shift = PAGE_SHIFT + STRIDE * (3 - level);
        BitVecExpr indexMask = level == start ? bv.lowMask(bv.sub(inputBits, bv.num(shift))) : bv.num((1L << STRIDE) - 1);
        BitVecExpr index = bv.and(bv.lshr(va, shift), indexMask);
        BitVecExpr descAddr = bv.add(table, bv.shl(index, DESC_SHIFT));
        BitVecExpr raw = mem.read(descAddr);
        BitVecExpr d = bv.ite(sctlr("EE"), bv.reverseBytes(raw), raw);
        BoolExpr isTable = bv.isSet(TYPE, d);

        SymOutcome notTable = level == 0 ? fault(FaultKind.TRANSLATION, 0)
                : level == 3 ? SymOutcome.ite(bv, isTable, leaf(level, d, descAddr, tReadOnly, tXn, tPxn, tNoEl0, misaligned), fault(FaultKind.TRANSLATION, 3))
                : leaf(level, d, descAddr, tReadOnly, tXn, tPxn, tNoEl0, misaligned);
        SymOutcome r = notTable;
        if (level < 3) {
            BitVecExpr next = bv.shl(bv.get(ADDRESS, d), PAGE_SHIFT);
            BoolExpr on = bv.not(hpd);
            BoolExpr ro = bv.or(tReadOnly, bv.and(on, bv.isSet(AP_TABLE1, d)));
            BoolExpr xn = bv.or(tXn, bv.and(on, bv.isSet(UXN_TABLE, d)));
            BoolExpr pxn = regime.singlePrivilege() ? tPxn : bv.or(tPxn, bv.and(on, bv.isSet(PXN_TABLE, d)));
            BoolExpr noEl0 = regime.singlePrivilege() ? tNoEl0 : bv.or(tNoEl0, bv.and(on, bv.isSet(AP_TABLE0, d)));
            SymOutcome down = SymOutcome.ite(bv, beyondPa(next), fault(FaultKind.ADDRESS_SIZE, level),
                    level(level + 1, start, next, inputBits, hpd, ro, xn, pxn, noEl0, misaligned));
            r = SymOutcome.ite(bv, isTable, down, notTable);
        }
        r = SymOutcome.ite(bv, bv.isSet(VALID, d), r, fault(FaultKind.TRANSLATION, level));
        return SymOutcome.ite(bv, mem.isRam(descAddr, 1L << DESC_SHIFT), r, fault(FaultKind.EXTERNAL_ABORT_ON_WALK, level));
    }

    private SymOutcome leaf(int level, BitVecExpr d, BitVecExpr descAddr, BoolExpr tReadOnly, BoolExpr tXn, BoolExpr tPxn, BoolExpr tNoEl0,
                            BoolExpr misaligned) {
        int shift = PAGE_SHIFT + STRIDE * (3 - level);
        long blockMask = (1L << shift) - 1;
        BitVecExpr oa = bv.and(bv.shl(bv.get(ADDRESS, d), PAGE_SHIFT), bv.num(~blockMask));
        BitVecExpr pa = bv.or(oa, bv.and(va, bv.num(blockMask)));
        BoolExpr hwAf = opts.hardwareAccessFlag() ? tcrSet("HA") : bv.f();
        BoolExpr afFault = bv.and(bv.not(bv.isSet(AF, d)), bv.not(hwAf));

        BitVecExpr attrIndx = bv.raw(ATTRINDX, d);
        BitVecExpr mattr = mairAttr(attrIndx);
        BoolExpr device = isDevice(mattr);

        BoolExpr ap2 = bv.isSet(AP2, d);
        BoolExpr ap1 = bv.isSet(AP1, d);
        BoolExpr writable = bv.and(bv.not(ap2), bv.not(tReadOnly));
        BoolExpr wxn = bv.and(sctlr("WXN"), writable);
        BoolExpr executable;
        if (regime.singlePrivilege()) {
            executable = bv.and(bv.not(bv.isSet(UXN, d)), bv.not(tXn), bv.not(wxn));
        } else {
            // implicit PXN follows the effective EL0 permission: APTable[0]/APTable[1] fold into AP[2:1]
            BoolExpr el0Writable = bv.and(ap1, bv.not(ap2), bv.not(tNoEl0), bv.not(tReadOnly));
            executable = bv.and(bv.not(bv.isSet(PXN, d)), bv.not(tPxn), bv.not(el0Writable), bv.not(wxn));
        }
        BoolExpr deviceFetchFault = at == AccessType.FETCH && opts.deviceFetch() == WalkOptions.DeviceFetch.PERMISSION_FAULT
                ? bv.and(device, executable) : bv.f();
        BitVecExpr nc = bv.num(MemoryAttribute.NORMAL_NC.attr(), SymOutcome.ATTR_BITS);
        BitVecExpr effective = at == AccessType.FETCH
                ? bv.ite(bv.or(device, bv.not(sctlr("I"))), nc, mattr)
                : bv.ite(bv.and(bv.not(device), bv.not(sctlr("C"))), nc, mattr);

        SymOutcome ok = SymOutcome.mapped(bv, level, pa, bv.and(executable, bv.not(deviceFetchFault)), writable, effective, device, descAddr);
        SymOutcome r = SymOutcome.ite(bv, bv.and(misaligned, device), fault(FaultKind.ALIGNMENT, level), ok);
        switch (at) {
            case FETCH -> r = SymOutcome.ite(bv, bv.or(bv.not(executable), deviceFetchFault), fault(FaultKind.PERMISSION, level), r);
            case WRITE -> r = SymOutcome.ite(bv, writable, r, fault(FaultKind.PERMISSION, level));
            case READ -> { }
        }
        r = SymOutcome.ite(bv, afFault, fault(FaultKind.ACCESS_FLAG, level), r);
        return SymOutcome.ite(bv, beyondPa(oa), fault(FaultKind.ADDRESS_SIZE, level), r);
    }

    /** MAIR_ELx.Attr&lt;AttrIndx&gt;, selected over the MAIR field table. */
    private BitVecExpr mairAttr(BitVecExpr attrIndx) {
        RegisterLayout mair = regs.mairLayout();
        List<Field> attrs = new ArrayList<>();
        for (int i = 0; mair.find("Attr" + i).isPresent(); i++) attrs.add(mair.field("Attr" + i));
        BitVecExpr out = bv.raw(attrs.get(attrs.size() - 1), regs.mair());
        for (int i = attrs.size() - 2; i >= 0; i--) out = bv.ite(bv.eq(attrIndx, i), bv.raw(attrs.get(i), regs.mair()), out);
        return out;
    }

    /** Device-ness of an attribute byte, derived from {@link MemoryAttribute#decode} (as a mask test when one fits). */
    private BoolExpr isDevice(BitVecExpr attr) {
        int n = 1 << SymOutcome.ATTR_BITS;
        int and = n - 1;
        int or = 0;
        List<Integer> dev = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            if (MemoryAttribute.decode(v).device()) {
                dev.add(v);
                and &= v;
                or |= v;
            }
        }
        int mask = (n - 1) & ~(and ^ or);
        boolean fits = true;
        for (int v = 0; v < n; v++) fits &= MemoryAttribute.decode(v).device() == ((v & mask) == (and & mask));
        if (fits) return bv.eq(bv.and(attr, bv.num(mask, SymOutcome.ATTR_BITS)), and & mask);
        BoolExpr[] any = dev.stream().map(v -> bv.eq(attr, v)).toArray(BoolExpr[]::new);
        return bv.or(any);
    }
}
