package org.kexecverify.model.reg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.regime.Regime;

/** RES0 set, RES1 clear, reserved encodings and TxSZ range are reported with stable codes. */
class RegisterValidationTest {

    private static List<Finding> tcr2(long v) {
        return Layouts.of(SysReg.TCR_EL2, Regime.EL2).validate(v);
    }

    private static boolean has(List<Finding> fs, Diagnostic code, String field) {
        return fs.stream().anyMatch(f -> f.code() == code && f.field().startsWith(field));
    }

    @Test
    void tcrEl2MissingRes1Bit23IsReported() {
        List<Finding> fs = tcr2(0x80043510L);
        assertTrue(has(fs, Diagnostic.RES1_CLEAR, "RES1[23]"), fs.toString());
    }

    @Test
    void tcrEl2Res0Bit19IsReported() {
        List<Finding> fs = tcr2(0x80843510L | (1L << 19));
        assertTrue(has(fs, Diagnostic.RES0_SET, "RES0[19]"), fs.toString());
    }

    @Test
    void reservedGranuleAndPsAreReported() {
        assertTrue(has(tcr2(0x80843510L | (3L << 14)), Diagnostic.RESERVED_ENCODING, "TG0"));
        assertTrue(has(tcr2((0x80843510L & ~(7L << 16)) | (7L << 16)), Diagnostic.RESERVED_ENCODING, "PS"));
        assertTrue(has(Layouts.of(SysReg.TCR_EL1, Regime.EL1_0).validate(0L), Diagnostic.RESERVED_ENCODING, "TG1"));
    }

    @Test
    void t0szOutOfRangeForTheGranuleIsReported() {
        assertTrue(has(tcr2((0x80843510L & ~0x3fL) | 12), Diagnostic.TXSZ_OUT_OF_RANGE, "T0SZ"));
        assertTrue(has(tcr2((0x80843510L & ~0x3fL) | 40), Diagnostic.TXSZ_OUT_OF_RANGE, "T0SZ"));
        assertTrue(tcr2((0x80843510L & ~0x3fL) | 39).stream().noneMatch(Finding::isError));
    }

    @Test
    void sctlrEl2Res1ClearAndRes0SetAreReported() {
        RegisterLayout l = Layouts.of(SysReg.SCTLR_EL2, Regime.EL2);
        List<Finding> fs = l.validate(0x1L);
        assertEquals(9, fs.stream().filter(f -> f.code() == Diagnostic.RES1_CLEAR).count(), fs.toString());
        assertTrue(has(l.validate(0x30c50830L | (1L << 7)), Diagnostic.RES0_SET, "RES0[10:7]"));
    }

    @Test
    void mairReservedAttributeIsReported() {
        assertTrue(has(Layouts.of(SysReg.MAIR_EL1, Regime.EL1_0).validate(0x01L), Diagnostic.RESERVED_ENCODING, "Attr0"));
        assertTrue(has(Layouts.of(SysReg.MAIR_EL1, Regime.EL1_0).validate(0x4000L), Diagnostic.RESERVED_ENCODING, "Attr1"));
    }
}
