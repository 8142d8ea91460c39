package org.kexecverify.model.reg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.regime.Regime;

/** ESR_ELx: EC and the abort ISS decode to fault kind and level. */
class EsrDecodeTest {
    private static DecodedRegister esr2(long v) {
        return Layouts.of(SysReg.ESR_EL2, Regime.EL2).decode(v, Regime.EL2);
    }

    @Test
    void instructionAbortCurrentElPermissionLevel3() {
        DecodedRegister d = esr2(0x8600000fL);
        assertEquals(0x21, d.field("EC").value(), d.fields().toString());
        assertEquals("Instruction Abort taken without a change in Exception level", d.field("EC").meaning());
        assertEquals(1, d.field("IL").value());
        assertEquals(0x0f, d.field("IFSC").value());
        assertEquals("Permission fault, level 3", d.field("IFSC").meaning());
    }

    @Test
    void instructionAbortCurrentElTranslationLevel3() {
        DecodedRegister d = esr2(0x86000007L);
        assertEquals("Translation fault, level 3", d.field("IFSC").meaning(), d.fields().toString());
    }

    @Test
    void dataAbortWriteAccessFlagLevel2WithFnV() {
        DecodedRegister d = esr2((0x25L << 26) | (1L << 25) | (1 << 10) | (1 << 6) | 0b001010);
        assertEquals("Access flag fault, level 2", d.field("DFSC").meaning(), d.fields().toString());
        assertEquals(1, d.field("WnR").value());
        assertEquals("caused by a write", d.field("WnR").meaning());
        assertEquals(1, d.field("FnV").value());
    }

    @Test
    void alignmentAndAddressSize() {
        assertEquals("Alignment fault", esr2((0x25L << 26) | 0b100001).field("DFSC").meaning());
        assertEquals("Address size fault, level 0", esr2((0x21L << 26) | 0).field("IFSC").meaning());
    }
}
