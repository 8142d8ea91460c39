package org.kexecverify.model.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.reg.SysReg;

/**
 * Dumps as people paste them from gdb ({@code info registers}: name, hex, natural column; {@code cpsr} with its flags)
 * and from QEMU's monitor ({@code info registers}: {@code PC=... X00=...}, {@code PSTATE=... EL2h}) read: system
 * registers taken, general-purpose lines skipped and counted; gdb's two columns must agree.
 */
class GdbAndQemuRegisterDumpsReadTest {
    private static final String GDB = String.join("\n",
            "x0             0x1b2f00000         7297040384",
            "x1             0x0                 0",
            "sp             0xffff80000a0b3d40  0xffff80000a0b3d40",
            "pc             0xffff800008029b68  0xffff800008029b68 <cpu_soft_restart+8>",
            "cpsr           0x3c9               [ EL=2 BTYPE=0 SP=1 I F A D ]",
            "TCR_EL2        0x80843510          2156147984",
            "MAIR_EL2       0xbbff440c0400      206705032692736",
            "SCTLR_EL2      0x30e5183f          820320319", "");
    private static final String QEMU = String.join("\n",
            " PC=0000000040080000 X00=00000001b2f00000 X01=0000000000000000",
            "X02=0000000000000000 X03=0000000000000000 X04=0000000000000000 X05=0000000000000000",
            "PSTATE=400003c9 -Z-- EL2h",
            "FPCR=00000000 FPSR=00000000",
            "TTBR0_EL2: 0x1b3069000", "");

    @Test
    void gdbInfoRegistersReads() throws Exception {
        RegisterDump d = RegisterDump.parse(GDB);
        assertEquals(0x80843510L, d.value(SysReg.TCR_EL2).orElseThrow(), d::toString);
        assertEquals(0xbbff440c0400L, d.value(SysReg.MAIR_EL2).orElseThrow(), d::toString);
        assertEquals(0x30e5183fL, d.value(SysReg.SCTLR_EL2).orElseThrow(), d::toString);
        assertEquals(5, d.skippedGprLines(), d::toString);
    }

    @Test
    void qemuInfoRegistersReads() throws Exception {
        RegisterDump d = RegisterDump.parse(QEMU);
        assertEquals(0x1b3069000L, d.value(SysReg.TTBR0_EL2).orElseThrow(), d::toString);
        assertEquals(4, d.skippedGprLines(), d::toString);
    }

    @Test
    void gdbColumnsThatDisagreeAreAnError() {
        RegisterDump.DumpError e = assertThrows(RegisterDump.DumpError.class,
                () -> RegisterDump.parse(GDB.replace("2156147984", "2156147985")));
        assertEquals(6, e.line());
        assertTrue(e.getMessage().contains("disagree"), e.getMessage());
    }
}
