package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code decode --dump -} reads the dump from standard input: the 2019 registers pasted with show_regs lines. */
class DecodeReadsADumpFromStandardInputTest {
    @Test
    void thePastedSeedDumpDecodesFromStdin() {
        CliRun r = CliRun.withStdin("x1 : 0000000040080000 x0 : ffff0000030e9400\nMAIR_EL2 0xbbff440c0400\nTCR_EL2 0x80843510\n"
                + "SCTLR_EL2 0x30e5183f\nTTBR0_EL2 0x1b3069000\n", "decode", "--dump", "-");
        assertEquals(ExitCode.PROVED, r.code(), r::toString);
        assertTrue(r.out().contains("TCR_EL2 = 0x0000000080843510"), r::toString);
        assertTrue(r.err().contains("1 general-purpose register line(s)"), r::toString);
    }

    @Test
    void aConflictingDumpOnStdinIsOneLineExit2() {
        CliRun r = CliRun.withStdin("TCR_EL2 0x80843510\nTCR_EL2 0x80843511\n", "decode", "--dump", "-");
        assertEquals(ExitCode.BAD_INPUT, r.code(), r::toString);
        assertTrue(r.err().startsWith("kexec-verify: <stdin>:2: TCR_EL2 given twice"), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
    }
}
