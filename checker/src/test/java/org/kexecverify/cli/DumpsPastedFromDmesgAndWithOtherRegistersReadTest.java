package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.scenario.RegisterDump;

/**
 * Dumps as people paste them: the 2019 registers with dmesg timestamps in front are read as the four values; lines
 * of real registers that no model reads (MDCR_EL2, SCR_EL3, VTTBR_EL2) are skipped with a warning naming the line; a
 * name that is no register at all (TTBR2_EL2) is still an error, so a typo never vanishes.
 */
class DumpsPastedFromDmesgAndWithOtherRegistersReadTest {
    static final String SEED = """
            [    0.000000] MAIR_EL2       0xbbff440c0400
            [    0.000000][    T1] TCR_EL2        0x80843510
            [  12.345678] SCTLR_EL2 0x30e5183f
            TTBR0_EL2      0x1b3069000
            MDCR_EL2: 0x6
            SCR_EL3 0x5b1
            VTTBR_EL2 = 0x0
            """;

    @Test
    void timestampsAreDroppedAndUnreadRegistersSkipped() throws RegisterDump.DumpError {
        RegisterDump d = RegisterDump.parse(SEED);
        assertEquals(List.of(SysReg.MAIR_EL2, SysReg.TCR_EL2, SysReg.SCTLR_EL2, SysReg.TTBR0_EL2),
                d.entries().stream().map(RegisterDump.Entry::register).toList(), d.toString());
        assertEquals(0x80843510L, d.value(SysReg.TCR_EL2).orElseThrow());
        assertEquals(0x30e5183fL, d.value(SysReg.SCTLR_EL2).orElseThrow());
        assertEquals(List.of(5, 6, 7), d.skipped().stream().map(RegisterDump.Skipped::line).toList(), d.toString());
        assertEquals(List.of("MDCR_EL2", "SCR_EL3", "VTTBR_EL2"), d.skipped().stream().map(RegisterDump.Skipped::register).toList());
        RegisterDump.DumpError typo = assertThrows(RegisterDump.DumpError.class, () -> RegisterDump.parse(SEED + "TTBR2_EL2 0x0\n"));
        assertEquals(8, typo.line(), typo.getMessage());
    }

    @Test
    void decodeAndCheckSayWhatTheySkipped(@TempDir Path dir) throws IOException {
        Path dump = Files.writeString(dir.resolve("regs.txt"), SEED);
        CliRun r = CliRun.of("decode", "--dump", dump.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("kexec-verify: warning: " + dump + ":6: SCR_EL3 skipped"), r.toString());
        assertTrue(r.out().contains("TCR_EL2 = 0x0000000080843510"), r.toString());

        // the cover letter's dump pasted into a scenario with its timestamp: loaded, and the skipped line is a warning
        String scenario = Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml"));
        String withDump = scenario.replaceFirst("(?m)^registers:", "dump: |\n  [    0.000000] MDCR_EL2 0x6\n  [    0.000000] TCR_EL2 0x80843510\nregisters:")
                .replace("../designs/", Path.of("../designs").toAbsolutePath().normalize() + "/");
        Path s = Files.writeString(dir.resolve("dumped.yaml"), withDump);
        CliRun c = CliRun.of("check", s.toString(), "--engine", "model", "--quiet", "--no-cache", "--out", dir.resolve("out").toString());
        assertTrue(c.code() == ExitCode.REFUTED, c.toString());
        assertTrue(c.err().contains("kexec-verify: warning: " + s + ": dump (line 1): MDCR_EL2 skipped"), c.toString());
    }
}
