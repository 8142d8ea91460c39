package org.kexecverify.smt.walk;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import org.kexecverify.model.walk.FaultKind;

/**
 * The result of a symbolic walk, every component a Z3 term over the walk's inputs.
 *
 * @param kind       3-bit code: 0 = mapped, otherwise {@link FaultKind#ordinal()} + 1
 * @param level      2-bit level of the fault, or of the leaf entry when mapped (0 with the MMU off)
 * @param pa         output address when mapped
 * @param executable privileged fetch allowed (PageAttributes.executable)
 * @param writable   privileged write allowed
 * @param memAttr    8-bit effective MAIR-encoded memory type (after SCTLR.C/I and the Device fetch choice)
 * @param leafDevice the leaf's MAIR attribute is Device (MMU off: data accesses are Device)
 * @param leafAddr   PA of the leaf descriptor (all ones when there is none)
 */
public record SymOutcome(BitVecExpr kind, BitVecExpr level, BitVecExpr pa, BoolExpr executable, BoolExpr writable,
                         BitVecExpr memAttr, BoolExpr leafDevice, BitVecExpr leafAddr) {

    public static final int KIND_BITS = 3;
    public static final int LEVEL_BITS = 2;
    public static final int ATTR_BITS = 8;

    public static long code(FaultKind k) { return k.ordinal() + 1; }

    /** Decodes a kind code: null for mapped. */
    public static FaultKind kindOf(long code) { return code == 0 ? null : FaultKind.values()[(int) code - 1]; }

    static SymOutcome fault(Bv bv, FaultKind k, int level) {
        return new SymOutcome(bv.num(code(k), KIND_BITS), bv.num(level, LEVEL_BITS), bv.num(0), bv.f(), bv.f(),
                bv.num(0, ATTR_BITS), bv.f(), bv.num(-1));
    }

    static SymOutcome mapped(Bv bv, int level, BitVecExpr pa, BoolExpr x, BoolExpr w, BitVecExpr attr, BoolExpr device, BitVecExpr leafAddr) {
        return new SymOutcome(bv.num(0, KIND_BITS), bv.num(level, LEVEL_BITS), pa, x, w, attr, device, leafAddr);
    }

    /** {@code c ? a : b}, component-wise. */
    static SymOutcome ite(Bv bv, BoolExpr c, SymOutcome a, SymOutcome b) {
        return new SymOutcome(bv.ite(c, a.kind, b.kind), bv.ite(c, a.level, b.level), bv.ite(c, a.pa, b.pa),
                bv.ite(c, a.executable, b.executable), bv.ite(c, a.writable, b.writable), bv.ite(c, a.memAttr, b.memAttr),
                bv.ite(c, a.leafDevice, b.leafDevice), bv.ite(c, a.leafAddr, b.leafAddr));
    }

    public BoolExpr isMapped(Bv bv) { return bv.eq(kind, 0); }

    /** Width of {@link #packed}. */
    public static final int PACKED_BITS = KIND_BITS + LEVEL_BITS + 64 + 1 + 1 + ATTR_BITS + 1 + 64;

    /** Every component in one bit-vector, so one substitution or model evaluation yields the whole outcome. */
    public BitVecExpr packed(Bv bv) {
        var c = bv.ctx();
        BitVecExpr one = c.mkBV(1, 1);
        BitVecExpr zero = c.mkBV(0, 1);
        BitVecExpr x = bv.ite(executable, one, zero);
        BitVecExpr w = bv.ite(writable, one, zero);
        BitVecExpr dv = bv.ite(leafDevice, one, zero);
        return c.mkConcat(c.mkConcat(c.mkConcat(c.mkConcat(c.mkConcat(c.mkConcat(c.mkConcat(kind, level), pa), x), w), memAttr), dv), leafAddr);
    }

    /** Decodes the value of {@link #packed}. */
    public static ConcreteOutcome unpack(java.math.BigInteger v) {
        long leafAddr = v.longValue();
        v = v.shiftRight(64);
        boolean device = v.testBit(0);
        v = v.shiftRight(1);
        int attr = v.intValue() & ((1 << ATTR_BITS) - 1);
        v = v.shiftRight(ATTR_BITS);
        boolean w = v.testBit(0);
        v = v.shiftRight(1);
        boolean x = v.testBit(0);
        v = v.shiftRight(1);
        long pa = v.longValue();
        v = v.shiftRight(64);
        int level = v.intValue() & ((1 << LEVEL_BITS) - 1);
        v = v.shiftRight(LEVEL_BITS);
        int kind = v.intValue() & ((1 << KIND_BITS) - 1);
        return new ConcreteOutcome(kindOf(kind), level, pa, x, w, attr, device, leafAddr);
    }

    public BoolExpr isFault(Bv bv, FaultKind k) { return bv.eq(kind, code(k)); }
}
