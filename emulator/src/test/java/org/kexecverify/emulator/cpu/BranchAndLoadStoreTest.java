package org.kexecverify.emulator.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Branch conditions (TBZ/TBNZ on bits above 31, CBZ on W registers, B.cond) and every load/store addressing form. */
class BranchAndLoadStoreTest {
    @Test
    void testBitBranchesSeeBitsAbove31() {
        Rig rig = new Rig("""
                	mov	x2, #0
                	tbz	x1, #54, 1f
                	orr	x2, x2, #1
                1:	tbnz	x1, #63, 2f
                	orr	x2, x2, #2
                2:	tbz	x1, #31, 3f
                	orr	x2, x2, #4
                3:	tbnz	w1, #0, 4f
                	orr	x2, x2, #8
                4:	cbz	w1, 5f
                	orr	x2, x2, #16
                5:	cmp	x1, #0
                	b.lt	6f
                	orr	x2, x2, #32
                6:
                done:	nop
                """);
        rig.m.setX(1, (1L << 54) | (1L << 32)); // bit 54 set, bit 63 clear, bit 31 clear, bit 0 clear, low word zero
        Machine m = rig.runToDone();
        // tbz #54 not taken -> |1; tbnz #63 not taken -> |2; tbz #31 taken; tbnz w #0 not taken -> |8; cbz w taken; cmp: positive -> |32
        assertEquals(1 | 2 | 8 | 32, m.x(2));
    }

    @Test
    void pairPreAndPostIndexWriteBackTheBase() {
        Rig rig = new Rig(String.format("""
                	mov	x1, #0x%x
                	movk	x1, #0x%x, lsl #16
                	mov	x3, #0x1111
                	mov	x4, #0x2222
                	stp	x3, x4, [x1, #16]!
                	stp	x4, x3, [x1], #32
                	ldp	x5, x6, [x1, #-32]
                	ldp	x7, x8, [x1, #-32]!
                	ldp	w9, w10, [x1], #8
                done:	nop
                """, Rig.DATA & 0xffff, Rig.DATA >>> 16));
        Machine m = rig.runToDone();
        assertEquals(0x2222, m.x(5));
        assertEquals(0x1111, m.x(6));
        assertEquals(0x2222, m.x(7));
        assertEquals(0x1111, m.x(8));
        assertEquals(0x2222, m.x(9), "low word of the doubleword at base+16");
        assertEquals(0, m.x(10), "high word of the doubleword at base+16");
        assertEquals(Rig.DATA + 24, m.x(1), "base after pre +16, post +32, pre -32, post +8");
        assertEquals(0x2222, m.ram().read64(Rig.DATA + 16));
        assertEquals(0x1111, m.ram().read64(Rig.DATA + 24));
    }

    @Test
    void registerOffsetLoadsExtendAndScaleTheIndex() {
        Rig rig = new Rig(String.format("""
                	mov	x1, #0x%x
                	movk	x1, #0x%x, lsl #16
                	add	x1, x1, #0x100
                	ldr	x2, [x1, x3, lsl #3]
                	ldr	x4, [x1, w5, sxtw #3]
                	ldr	w6, [x1, w7, uxtw #2]
                	ldrb	w9, [x1, x3]
                	ldrsw	x10, [x1, #-4]
                	ldrsb	x11, [x1, #-1]
                	ldrh	w12, [x1, #-2]
                done:	nop
                """, Rig.DATA & 0xffff, Rig.DATA >>> 16));
        long base = Rig.DATA + 0x100;
        for (int i = -8; i < 8; i++) {
            rig.m.ram().write64(base + 8L * i, 0x1000 + i);
        }
        rig.m.ram().write64(base - 8, 0x80ff_fff0_8000_0000L | 0xff00L);
        rig.m.setX(3, 1);
        rig.m.setX(5, 0xffff_fffeL); // w5 = -2 -> sxtw -> -16 bytes
        rig.m.setX(7, 5); // uxtw #2 -> 20 bytes
        Machine m = rig.runToDone();
        assertEquals(0x1001, m.x(2), "[x1, x3, lsl #3]");
        assertEquals(0x80ff_fff0_8000_ff00L, rig.m.ram().read64(base - 8));
        assertEquals(0x0ffe, m.x(4), "[x1, w5, sxtw #3] with w5 = -2");
        assertEquals(0, m.x(6), "[x1, w7, uxtw #2]: upper word of entry 2");
        assertEquals(0x10, m.x(9), "ldrb [x1, x3]: byte 1 of 0x1000");
        assertEquals(0xffff_ffff_80ff_fff0L, m.x(10), "ldrsw [x1, #-4]: 0x80fffff0 sign-extended");
        assertEquals(-128L, m.x(11), "ldrsb [x1, #-1] = 0x80");
        assertEquals(0x80ffL, m.x(12), "ldrh [x1, #-2]");
    }

    @Test
    void unalignedAccessWithMmuOffTakesAnAlignmentFault() {
        Rig rig = new Rig(String.format("""
                	mov	x1, #0x%x
                	movk	x1, #0x%x, lsl #16
                	ldr	x2, [x1, #1]
                done:	nop
                """, Rig.DATA & 0xffff, Rig.DATA >>> 16));
        rig.m.setSysReg(org.kexecverify.model.a64.SysRegId.VBAR_EL2, Rig.CODE + 0x800);
        rig.m.setStopAddresses(Rig.CODE + 0xa00);
        RunResult r = rig.run();
        assertEquals(RunResult.Completed.class, r.getClass(), r.toString());
        ExceptionRecord e = rig.m.exceptions().get(0);
        assertEquals(0x25, e.ec(), e.toString());
        assertEquals(0b100001, e.esr() & 0x3f, "DFSC alignment fault: " + e);
        assertEquals(Rig.DATA + 1, e.far());
    }
}
