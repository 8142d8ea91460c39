package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;

/** UBFM/SBFM/BFM and their aliases (lsl, lsr, asr, ubfx, sbfx, ubfiz, bfi, bfxil, sxtw, uxtb, ...) against Java reference shifts. */
class BitfieldAliasTest {
    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    static {
        System.out.println("BitfieldAliasTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
    }

    static Machine run(String body, long x1, long x0) {
        Rig rig = new Rig(body + "\ndone:\tnop\n");
        rig.m.setX(1, x1);
        rig.m.setX(0, x0);
        return rig.runToDone();
    }

    static long ones(int n) {
        return n == 64 ? -1L : (1L << n) - 1;
    }

    @Test
    void shiftsAndExtractsMatchReference() {
        qt().withFixedSeed(SEED).withExamples(120).forAll(longs().all(), integers().between(0, 63), integers().between(1, 64))
                .checkAssert((v, s, width) -> {
                    int w = Math.min(width, 64 - s);
                    Machine m = run(String.format("""
                            	lsl	x2, x1, #%1$d
                            	lsr	x3, x1, #%1$d
                            	asr	x4, x1, #%1$d
                            	ubfx	x5, x1, #%1$d, #%2$d
                            	sbfx	x6, x1, #%1$d, #%2$d
                            	ubfiz	x7, x1, #%1$d, #%2$d
                            	mov	x8, x0
                            	bfi	x8, x1, #%1$d, #%2$d
                            	mov	x9, x0
                            	bfxil	x9, x1, #%1$d, #%2$d
                            	lsl	w10, w1, #%3$d
                            	asr	w11, w1, #%3$d
                            	sxtw	x12, w1
                            	uxtb	w13, w1
                            	sxth	x14, w1
                            """, s, w, s & 31), v, 0x5a5a5a5a5a5a5a5aL);
                    String ctx = String.format("v=0x%x s=%d w=%d", v, s, w);
                    long field = (v >>> s) & ones(w);
                    assertEquals(v << s, m.x(2), "lsl " + ctx);
                    assertEquals(v >>> s, m.x(3), "lsr " + ctx);
                    assertEquals(v >> s, m.x(4), "asr " + ctx);
                    assertEquals(field, m.x(5), "ubfx " + ctx);
                    assertEquals((field << (64 - w)) >> (64 - w), m.x(6), "sbfx " + ctx);
                    assertEquals((v & ones(w)) << s, m.x(7), "ubfiz " + ctx);
                    long ins = ones(w) << s;
                    assertEquals((0x5a5a5a5a5a5a5a5aL & ~ins) | ((v << s) & ins), m.x(8), "bfi " + ctx);
                    assertEquals((0x5a5a5a5a5a5a5a5aL & ~ones(w)) | field, m.x(9), "bfxil " + ctx);
                    assertEquals(((int) (long) v << (s & 31)) & 0xffffffffL, m.x(10), "lsl w " + ctx);
                    assertEquals(((int) (long) v >> (s & 31)) & 0xffffffffL, m.x(11), "asr w " + ctx);
                    assertEquals((long) (int) (long) v, m.x(12), "sxtw " + ctx);
                    assertEquals(v & 0xff, m.x(13), "uxtb " + ctx);
                    assertEquals((long) (short) (long) v, m.x(14), "sxth " + ctx);
                });
    }

    @Test
    void wRegisterResultsAreZeroExtended() {
        Machine m = run("""
                	mov	x2, #-1
                	orr	w2, w2, #1
                	mov	x3, #-1
                	add	w3, w3, #0
                	mov	x4, #-1
                	lsr	w4, w4, #4
                """, 0, 0);
        assertEquals(0xffffffffL, m.x(2));
        assertEquals(0xffffffffL, m.x(3));
        assertEquals(0x0fffffffL, m.x(4));
    }
}
