package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.a64.BitMasks;

/** Logical immediates: DecodeBitMasks round-trips with the assembler's encoder and drives AND/ORR/EOR/ANDS execution. */
class LogicalImmediateTest {
    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    static {
        System.out.println("LogicalImmediateTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
    }

    @Test
    void everyValidEncodingRoundTrips() {
        int valid = 0;
        for (int n = 0; n <= 1; n++) {
            for (int immr = 0; immr < 64; immr++) {
                for (int imms = 0; imms < 64; imms++) {
                    BitMasks.Masks m = BitMasks.decode(n, imms, immr, true, 64);
                    if (!m.valid()) {
                        continue;
                    }
                    valid++;
                    int enc = BitMasks.encodeLogical(m.wmask(), 64);
                    BitMasks.Masks again = BitMasks.decode(enc >> 12, enc & 63, (enc >> 6) & 63, true, 64);
                    assertEquals(m.wmask(), again.wmask(), String.format("N=%d immr=%d imms=%d -> 0x%x", n, immr, imms, m.wmask()));
                }
            }
        }
        // 5334 distinct 64-bit logical immediates exist; each has exactly one encoding here, plus the rotations that alias
        assertEquals(5334, countDistinct(), "distinct logical immediates");
        assertTrue(valid >= 5334);
    }

    private static int countDistinct() {
        java.util.Set<Long> s = new java.util.HashSet<>();
        for (int n = 0; n <= 1; n++) {
            for (int immr = 0; immr < 64; immr++) {
                for (int imms = 0; imms < 64; imms++) {
                    BitMasks.Masks m = BitMasks.decode(n, imms, immr, true, 64);
                    if (m.valid()) {
                        s.add(m.wmask());
                    }
                }
            }
        }
        return s.size();
    }

    @Test
    void reservedEncodingsAreRejected() {
        assertFalse(BitMasks.decode(0, 0b111111, 0, true, 64).valid(), "imms all ones with N=0");
        assertFalse(BitMasks.decode(1, 0b111111, 0, true, 64).valid(), "all-ones element");
        assertFalse(BitMasks.decode(1, 0, 0, true, 32).valid(), "N=1 in a 32-bit operation");
        assertEquals(-1, BitMasks.encodeLogical(0, 64));
        assertEquals(-1, BitMasks.encodeLogical(-1, 64));
        assertEquals(-1, BitMasks.encodeLogical(0x1234, 64));
    }

    @Test
    void executionUsesTheDecodedMask() {
        qt().withFixedSeed(SEED).withExamples(60).forAll(integers().between(0, 1), integers().between(0, 63), integers().between(0, 63)).assuming((n, immr, imms) ->
                BitMasks.decode(n, imms, immr, true, 64).valid()).checkAssert((n, immr, imms) -> {
                    long mask = BitMasks.decode(n, imms, immr, true, 64).wmask();
                    Rig rig = new Rig(String.format("""
                            	and	x2, x1, #0x%1$x
                            	orr	x3, x1, #0x%1$x
                            	eor	x4, x1, #0x%1$x
                            	ands	x5, x1, #0x%1$x
                            	mrs	x6, nzcv
                            done:	nop
                            """, mask));
                    long v = 0x0123456789abcdefL ^ mask;
                    rig.m.setX(1, v);
                    Machine m = rig.runToDone();
                    assertEquals(v & mask, m.x(2));
                    assertEquals(v | mask, m.x(3));
                    assertEquals(v ^ mask, m.x(4));
                    assertEquals(v & mask, m.x(5));
                    long nz = ((v & mask) < 0 ? 8 : 0) | ((v & mask) == 0 ? 4 : 0);
                    assertEquals(nz, m.x(6) >>> 28, "ANDS sets N and Z, clears C and V");
                });
    }

    @Test
    void reservedLogicalImmediateWordIsUndefined() {
        // and x0, x1, #<N=0, immr=0, imms=0b111111> : reserved -> Undefined Instruction, EC 0x00
        Rig rig = new Rig("""
                	.word	0x9200fc20
                	nop
                """);
        rig.m.setSysReg(org.kexecverify.model.a64.SysRegId.VBAR_EL2, Rig.CODE + 0x800);
        rig.m.setStopAddresses(Rig.CODE + 0x800 + 0x200);
        RunResult r = rig.run();
        assertTrue(r instanceof RunResult.Completed, r.toString());
        assertEquals(0, rig.m.exceptions().get(0).ec(), rig.m.exceptions().toString());
        assertEquals(Rig.CODE, rig.m.exceptions().get(0).elr());
    }
}
