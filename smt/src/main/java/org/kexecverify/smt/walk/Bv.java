package org.kexecverify.smt.walk;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BitVecSort;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Expr;
import org.kexecverify.model.reg.Field;

/**
 * Thin, typed helpers over a Z3 {@link Context} for 64-bit register and descriptor arithmetic.
 * Field extraction goes through {@link Field#msb()}/{@link Field#lsb()} only: no bit position is
 * written down here.
 */
public final class Bv {
    public static final int W = 64;
    private final Context ctx;

    public Bv(Context ctx) { this.ctx = ctx; }

    public Context ctx() { return ctx; }

    public BitVecExpr num(long v) { return ctx.mkBV(v, W); }

    public BitVecExpr num(long v, int width) { return ctx.mkBV(v, width); }

    public BitVecExpr var(String name) { return ctx.mkBVConst(name, W); }

    /** The field's value, shifted down, zero-extended back to 64 bits. */
    public BitVecExpr get(Field f, BitVecExpr reg) {
        BitVecExpr x = ctx.mkExtract(f.msb(), f.lsb(), reg);
        return f.width() == W ? x : ctx.mkZeroExt(W - f.width(), x);
    }

    /** The field's bits as a {@code width()}-bit vector. */
    public BitVecExpr raw(Field f, BitVecExpr reg) { return ctx.mkExtract(f.msb(), f.lsb(), reg); }

    /** True when the field is non-zero. */
    public BoolExpr isSet(Field f, BitVecExpr reg) {
        return ctx.mkNot(ctx.mkEq(raw(f, reg), ctx.mkBV(0, f.width())));
    }

    public BoolExpr fieldEq(Field f, BitVecExpr reg, long v) {
        return ctx.mkEq(raw(f, reg), ctx.mkBV(v, f.width()));
    }

    public BitVecExpr and(BitVecExpr a, BitVecExpr b) { return ctx.mkBVAND(a, b); }

    public BitVecExpr or(BitVecExpr a, BitVecExpr b) { return ctx.mkBVOR(a, b); }

    public BitVecExpr xor(BitVecExpr a, BitVecExpr b) { return ctx.mkBVXOR(a, b); }

    public BitVecExpr not(BitVecExpr a) { return ctx.mkBVNot(a); }

    public BitVecExpr add(BitVecExpr a, BitVecExpr b) { return ctx.mkBVAdd(a, b); }

    public BitVecExpr sub(BitVecExpr a, BitVecExpr b) { return ctx.mkBVSub(a, b); }

    public BitVecExpr mul(BitVecExpr a, BitVecExpr b) { return ctx.mkBVMul(a, b); }

    public BitVecExpr shl(BitVecExpr a, BitVecExpr n) { return ctx.mkBVSHL(a, n); }

    public BitVecExpr shl(BitVecExpr a, int n) { return ctx.mkBVSHL(a, num(n)); }

    public BitVecExpr lshr(BitVecExpr a, BitVecExpr n) { return ctx.mkBVLSHR(a, n); }

    public BitVecExpr lshr(BitVecExpr a, int n) { return ctx.mkBVLSHR(a, num(n)); }

    /** {@code (1 << n) - 1} for a symbolic {@code n < 64}. */
    public BitVecExpr lowMask(BitVecExpr n) { return sub(shl(num(1), n), num(1)); }

    public BoolExpr eq(Expr<BitVecSort> a, Expr<BitVecSort> b) { return ctx.mkEq(a, b); }

    public BoolExpr eq(BitVecExpr a, long b) { return ctx.mkEq(a, ctx.mkBV(b, a.getSortSize())); }

    public BoolExpr ne(BitVecExpr a, long b) { return ctx.mkNot(eq(a, b)); }

    public BoolExpr ult(BitVecExpr a, BitVecExpr b) { return ctx.mkBVULT(a, b); }

    public BoolExpr ule(BitVecExpr a, BitVecExpr b) { return ctx.mkBVULE(a, b); }

    public BoolExpr t() { return ctx.mkTrue(); }

    public BoolExpr f() { return ctx.mkFalse(); }

    public BoolExpr bool(boolean b) { return ctx.mkBool(b); }

    public BoolExpr and(BoolExpr... xs) { return ctx.mkAnd(xs); }

    public BoolExpr or(BoolExpr... xs) { return ctx.mkOr(xs); }

    public BoolExpr not(BoolExpr a) { return ctx.mkNot(a); }

    public BitVecExpr ite(BoolExpr c, BitVecExpr a, BitVecExpr b) { return (BitVecExpr) ctx.mkITE(c, a, b); }

    public BoolExpr ite(BoolExpr c, BoolExpr a, BoolExpr b) { return (BoolExpr) ctx.mkITE(c, a, b); }

    /** Unsigned minimum. */
    public BitVecExpr umin(BitVecExpr a, BitVecExpr b) { return ite(ult(a, b), a, b); }

    /** Reverses the byte order of a 64-bit value (SCTLR_ELx.EE=1 table walks). */
    public BitVecExpr reverseBytes(BitVecExpr d) {
        BitVecExpr out = null;
        for (int lo = 0; lo < W; lo += 8) {
            BitVecExpr b = ctx.mkExtract(lo + 7, lo, d);
            out = out == null ? b : ctx.mkConcat(out, b);
        }
        return out;
    }
}
