package org.kexecverify.emulator.asm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Source errors name file and line; the symbol table holds labels and constants as absolute values. */
class AssemblerDiagnosticsTest {
    @Test
    void symbolsAreAbsoluteAndLocalLabelsResolveBothWays() {
        Assembly a = Assembler.assemble("t.S", """
                	.equ	IND_DONE, 0x4
                entry:	nop
                1:	b	1f
                	b	1b
                1:	ret
                	.align	3
                table:	.quad	entry + IND_DONE
                """, 0x1000);
        assertEquals(0x1000, a.symbol("entry"));
        assertEquals(0x1010, a.symbol("table"));
        assertEquals(4, a.symbol("IND_DONE"));
        assertEquals(0x14000002, a.word(4), "b 1f jumps two words forward");
        assertEquals(0x17ffffff, a.word(8), "b 1b jumps one word back");
        assertEquals(0x1004L, (a.word(0x10) & 0xffffffffL) | ((long) a.word(0x14) << 32));
    }

    @Test
    void unknownInstructionNamesFileAndLine() {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble("reloc.S", "nop\n\n  frob x0, x1\n", 0));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith("reloc.S:3: "), e.getMessage());
    }

    @Test
    void unencodableLogicalImmediateIsRejected() {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble("t.S", "and x0, x1, #0x1234\n", 0));
        assertTrue(e.getMessage().contains("logical immediate"), e.getMessage());
    }

    @Test
    void undefinedLabelIsRejected() {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble("t.S", "b nowhere\n", 0));
        assertTrue(e.getMessage().contains("nowhere"), e.getMessage());
    }

    @Test
    void orgBackwardsIsRejected() {
        assertThrows(AsmException.class, () -> Assembler.assemble("t.S", "nop\nnop\n.org 4\n", 0x8000));
    }

    @Test
    void unknownSystemRegisterIsRejected() {
        AsmException e = assertThrows(AsmException.class, () -> Assembler.assemble("t.S", "msr ttbr2_el2, x0\n", 0));
        assertTrue(e.getMessage().contains("ttbr2_el2"), e.getMessage());
    }
}
