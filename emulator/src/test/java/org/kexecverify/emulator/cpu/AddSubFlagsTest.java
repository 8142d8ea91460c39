package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.math.BigInteger;

import org.junit.jupiter.api.Test;

/** ADDS/SUBS/CMP/CMN set NZCV as the Arm ARM's AddWithCarry does, for 64- and 32-bit operands. */
class AddSubFlagsTest {
    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    static {
        System.out.println("AddSubFlagsTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
    }

    private static final String PROG = """
            	adds	x2, x0, x1
            	mrs	x3, nzcv
            	subs	x4, x0, x1
            	mrs	x5, nzcv
            	adds	w6, w0, w1
            	mrs	x7, nzcv
            	subs	w8, w0, w1
            	mrs	x9, nzcv
            	cmn	x0, x1
            	mrs	x10, nzcv
            	cmp	w0, w1
            	mrs	x11, nzcv
            done:	nop
            """;

    /** Reference AddWithCarry on unbounded integers: returns {result, nzcv}. */
    static long[] addWithCarry(long a, long b, int carry, int bits) {
        BigInteger mod = BigInteger.ONE.shiftLeft(bits);
        BigInteger ua = BigInteger.valueOf(a).mod(mod);
        BigInteger ub = BigInteger.valueOf(b).mod(mod);
        BigInteger usum = ua.add(ub).add(BigInteger.valueOf(carry));
        BigInteger sa = ua.testBit(bits - 1) ? ua.subtract(mod) : ua;
        BigInteger sb = ub.testBit(bits - 1) ? ub.subtract(mod) : ub;
        BigInteger ssum = sa.add(sb).add(BigInteger.valueOf(carry));
        BigInteger result = usum.mod(mod);
        BigInteger sresult = result.testBit(bits - 1) ? result.subtract(mod) : result;
        int n = result.testBit(bits - 1) ? 8 : 0;
        int z = result.signum() == 0 ? 4 : 0;
        int c = usum.equals(result) ? 0 : 2;
        int v = ssum.equals(sresult) ? 0 : 1;
        return new long[] {result.longValue(), (n | z | c | v)};
    }

    static void check(long a, long b) {
        Rig rig = new Rig(PROG);
        rig.m.setX(0, a);
        rig.m.setX(1, b);
        Machine m = rig.runToDone();
        long[] add64 = addWithCarry(a, b, 0, 64);
        long[] sub64 = addWithCarry(a, ~b, 1, 64);
        long[] add32 = addWithCarry(a, b, 0, 32);
        long[] sub32 = addWithCarry(a, ~b, 1, 32);
        String ctx = String.format("a=0x%x b=0x%x", a, b);
        assertEquals(add64[0], m.x(2), "adds x " + ctx);
        assertEquals(add64[1], m.x(3) >>> 28, "adds x NZCV " + ctx);
        assertEquals(sub64[0], m.x(4), "subs x " + ctx);
        assertEquals(sub64[1], m.x(5) >>> 28, "subs x NZCV " + ctx);
        assertEquals(add32[0] & 0xffffffffL, m.x(6), "adds w " + ctx);
        assertEquals(add32[1], m.x(7) >>> 28, "adds w NZCV " + ctx);
        assertEquals(sub32[0] & 0xffffffffL, m.x(8), "subs w " + ctx);
        assertEquals(sub32[1], m.x(9) >>> 28, "subs w NZCV " + ctx);
        assertEquals(add64[1], m.x(10) >>> 28, "cmn x NZCV " + ctx);
        assertEquals(sub32[1], m.x(11) >>> 28, "cmp w NZCV " + ctx);
    }

    @Test
    void edgeCasesOfCarryAndOverflow() {
        long[] edges = {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 0x7fffffffL, 0x80000000L, 0xffffffffL, 0x100000000L, 0xffffffff80000000L};
        for (long a : edges) {
            for (long b : edges) {
                check(a, b);
            }
        }
    }

    @Test
    void knownFlagValues() {
        // 0x7fff..ff + 1 overflows signed: N=1 V=1
        assertEquals(0b1001, addWithCarry(Long.MAX_VALUE, 1, 0, 64)[1]);
        // 0 - 1: borrow -> C=0, N=1
        assertEquals(0b1000, addWithCarry(0, ~1L, 1, 64)[1]);
        // 5 - 5: Z=1, C=1 (no borrow)
        assertEquals(0b0110, addWithCarry(5, ~5L, 1, 64)[1]);
        check(Long.MAX_VALUE, 1);
    }

    @Test
    void randomOperandsMatchAddWithCarry() {
        qt().withFixedSeed(SEED).withExamples(150).forAll(longs().all(), longs().all()).checkAssert(AddSubFlagsTest::check);
    }
}
