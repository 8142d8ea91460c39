package org.kexecverify.model.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.reg.SysReg;

/**
 * A dump pasted from a kernel log keeps its general-purpose register lines (show_regs' "x29: ... x28: ...",
 * pc/lr with symbols, pstate with flags): they are skipped and counted, the system registers are read. A
 * system register given twice with different values is an error naming both lines, never "the last wins".
 */
class PastedDumpsWithGeneralRegistersReadTest {
    static final String OOPS_STYLE = String.join("\n",
            "pc : arm64_relocate_new_kernel+0x1f4/0x240",
            "lr : machine_kexec+0x290/0x2c0",
            "sp : ffff80000a64b8c0",
            "pstate : 600003c9 (nZCv DAIF -PAN -UAO -TCO -DIT -SSBS BTYPE=--)",
            "x29: ffff80000a64b8c0 x28: ffff0000030e9400 x27: 0000000000000000",
            "x1 : 0000000040080000 x0 : ffff0000030e9400",
            "MAIR_EL2 0xbbff440c0400",
            "TCR_EL2 = 0x80843510",
            "SCTLR_EL2: 0x30e5183f",
            "TTBR0_EL2 0x1b3069000");

    @Test
    void generalRegisterLinesAreSkippedAndCounted() throws Exception {
        RegisterDump d = RegisterDump.parse(OOPS_STYLE);
        assertEquals(6, d.skippedGprLines(), d::toString);
        assertEquals(4, d.entries().size(), d::toString);
        assertEquals(0x80843510L, d.value(SysReg.TCR_EL2).orElseThrow());
        assertEquals(0x1b3069000L, d.value(SysReg.TTBR0_EL2).orElseThrow());
    }

    @Test
    void aRegisterGivenTwiceWithDifferentValuesNamesBothLines() {
        RegisterDump.DumpError e = assertThrows(RegisterDump.DumpError.class,
                () -> RegisterDump.parse("TCR_EL2 0x80843510\nSCTLR_EL2 0x30e5183f\nTCR_EL2 0x80843511\n"));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void theSameValueTwiceIsOneEntry() throws Exception {
        assertEquals(1, RegisterDump.parse("TCR_EL2 0x80843510\nTCR_EL2 = 0x80843510\n").entries().size());
    }

    @Test
    void onlyGeneralRegistersIsAnErrorThatSaysSo() {
        RegisterDump.DumpError e = assertThrows(RegisterDump.DumpError.class, () -> RegisterDump.parse("x1 : 0000000040080000 x0 : 0000000000000000\n"));
        assertTrue(e.getMessage().contains("general-purpose"), e.getMessage());
    }

    @Test
    void aGeneralRegisterNameWithABadValueIsStillAnError() {
        RegisterDump.DumpError e = assertThrows(RegisterDump.DumpError.class, () -> RegisterDump.parse("x31 : 0000000040080000\nTCR_EL2 0x1\n"));
        assertEquals(1, e.line());
    }
}
