package org.kexecverify.smt.walk;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BitVecNum;
import com.microsoft.z3.Context;
import com.microsoft.z3.Expr;
import com.microsoft.z3.Model;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * The Z3 walk and the Java {@link Walker} agree, fault kind and level or PA and permissions, on
 * random registers, random table trees and VAs in every regime. Three ways in: concrete registers
 * with a symbolic VA (substituted), fully symbolic registers and VA (substituted), and solver
 * models ({@code va == c}, checked).
 */
class SymbolicWalkAgreesWithJavaWalkPropertyTest {
    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    static {
        System.out.println("SymbolicWalkAgreesWithJavaWalkPropertyTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
    }

    static Context ctx;
    static Bv bv;
    static final AtomicInteger CASES = new AtomicInteger();
    static final java.util.Map<String, AtomicInteger> BY_OUTCOME = new java.util.concurrent.ConcurrentSkipListMap<>();
    static final int LAYOUTS = 500;
    static final int SOLVED_LAYOUTS = 40;

    @BeforeAll
    static void open() {
        ctx = new Context();
        bv = new Bv(ctx);
    }

    @AfterAll
    static void close() {
        System.out.println("SymbolicWalkAgreesWithJavaWalkPropertyTest: " + CASES.get() + " (VA, access) cases compared: " + BY_OUTCOME);
        ctx.close();
        assertTrue(CASES.get() >= 10_000, "expected at least 10,000 generated cases, got " + CASES.get());
    }

    static List<Long> roots(TranslationRegs r) {
        List<Long> out = new ArrayList<>(List.of(r.ttbr0()));
        if (r.regime().hasTwoRanges()) out.add(r.ttbr1());
        return out.stream().map(x -> x & 0x0000_ffff_ffff_f000L & ~0L).toList();
    }

    private static void compare(RandomLayout l, AccessType at, int size, WalkOptions opts, long va, Expr<?> value) {
        ConcreteOutcome z3 = SymOutcome.unpack(((BitVecNum) value).getBigInteger());
        Translation t = Walker.translate(l.regs(), l.mem(), va, at, size, opts);
        ConcreteOutcome java = ConcreteOutcome.of(t);
        CASES.incrementAndGet();
        String key = java.mapped() ? "mapped " + at + (java.executable() ? " X" : "") : java.kind() + " L" + java.level();
        BY_OUTCOME.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (!z3.agreesWith(java)) {
            fail(String.format("%s%n%s %d-byte at VA 0x%x, %s:%n  Z3  : %s%n  Java: %s%n%s", l, at, size, va, opts, z3, java, t.render()));
        }
    }

    private static WalkOptions options(Random rnd) {
        return new WalkOptions(rnd.nextBoolean() ? WalkOptions.DeviceFetch.AS_NORMAL_NON_CACHEABLE : WalkOptions.DeviceFetch.PERMISSION_FAULT,
                rnd.nextBoolean());
    }

    @Test
    void concreteRegistersSymbolicVa() {
        qt().withFixedSeed(SEED).withExamples(LAYOUTS).withShrinkCycles(0).forAll(longs().all()).checkAssert(seed -> {
            RandomLayout l = RandomLayout.generate(seed);
            Random rnd = new Random(seed ^ 0x5eed);
            boolean symbolicRegs = rnd.nextInt(4) == 0;
            SymRegs regs = symbolicRegs ? SymRegs.symbolic(bv, l.regs().regime(), "r_") : SymRegs.of(bv, l.regs());
            SymRegs concrete = SymRegs.of(bv, l.regs());
            TableMemory mem = TableMemory.of(bv, l.mem(), roots(l.regs()));
            BitVecExpr va = bv.var("va");
            for (AccessType at : AccessType.values()) {
                int size = at.isData() && rnd.nextBoolean() ? 8 : 1;
                WalkOptions opts = options(rnd);
                BitVecExpr packed = SymWalker.translate(bv, regs, mem, va, at, size, opts).packed(bv);
                if (symbolicRegs) {
                    packed = (BitVecExpr) packed.substitute(
                            new Expr[] {regs.sctlr(), regs.tcr(), regs.mair(), regs.ttbr0(), regs.ttbr1(), regs.mmfr0()},
                            new Expr[] {concrete.sctlr(), concrete.tcr(), concrete.mair(), concrete.ttbr0(), concrete.ttbr1(), concrete.mmfr0()});
                }
                packed = (BitVecExpr) packed.simplify();
                for (long v : l.vas()) {
                    Expr<?> value = packed.substitute(va, bv.num(v)).simplify();
                    if (!(value instanceof BitVecNum)) fail(l + ": outcome at VA 0x" + Long.toHexString(v) + " did not simplify to a value: " + value);
                    compare(l, at, size, opts, v, value);
                }
            }
        });
    }

    @Test
    void solverModelsAgree() {
        qt().withFixedSeed(SEED).withExamples(SOLVED_LAYOUTS).withShrinkCycles(0).forAll(longs().all()).checkAssert(seed -> {
            RandomLayout l = RandomLayout.generate(seed);
            Random rnd = new Random(seed ^ 0xc0ffee);
            TableMemory mem = TableMemory.of(bv, l.mem(), roots(l.regs()));
            BitVecExpr va = bv.var("va");
            AccessType at = AccessType.values()[rnd.nextInt(3)];
            WalkOptions opts = options(rnd);
            SymOutcome o = SymWalker.translate(bv, SymRegs.of(bv, l.regs()), mem, va, at, 1, opts);
            BitVecExpr packed = o.packed(bv);
            Solver s = ctx.mkSolver();
            for (long v : l.vas().subList(0, Math.min(4, l.vas().size()))) {
                s.push();
                s.add(bv.eq(va, bv.num(v)));
                if (s.check() != Status.SATISFIABLE) fail(l + ": walk at VA 0x" + Long.toHexString(v) + " has no model");
                Model m = s.getModel();
                compare(l, at, 1, opts, v, m.eval(packed, true));
                s.pop();
            }
        });
    }
}
