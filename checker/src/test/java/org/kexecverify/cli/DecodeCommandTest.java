package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code decode}: fields in words, JSON, register dumps, and one-line errors with exit code 2. */
class DecodeCommandTest {
    @Test
    void seedTcrPrintsPsInWords() {
        CliRun r = CliRun.of("decode", "TCR_EL2", "0x80843510");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("PS [18:16] = 0b100 -> 44-bit PA, 16 TB"), r.toString());
        assertTrue(r.out().contains("SH0 [13:12] = 0b11 -> Inner Shareable"), r.toString());
    }

    @Test
    void vheRegimeReadsIps() {
        CliRun r = CliRun.of("decode", "TCR_EL2", "0x80843510", "--regime", "el2h");
        assertTrue(r.out().contains("IPS [34:32] = 0b000 -> 32-bit PA, 4 GB"), r.toString());
        assertTrue(r.out().contains("LAYOUT_MISMATCH"), r.toString());
    }

    @Test
    void mairJsonHasAllEightSlots() throws Exception {
        CliRun r = CliRun.of("decode", "MAIR_EL2", "0xbbff440c0400", "--json");
        JsonNode n = new ObjectMapper().readTree(r.out());
        assertEquals(8, n.get("fields").size(), r.toString());
        assertEquals("Normal, Inner+Outer Write-Back non-transient RA WA (MT_NORMAL)", n.get("fields").get(4).get("meaning").asText());
    }

    @Test
    void dumpDecodesEveryLine() {
        CliRun r = CliRun.of("decode", "--dump", "src/test/resources/dumps/seed.txt");
        assertEquals(0, r.code(), r.toString());
        for (String reg : new String[] {"MAIR_EL2 =", "TCR_EL2 =", "SCTLR_EL2 =", "TTBR0_EL2 ="}) assertTrue(r.out().contains(reg), reg + "\n" + r);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "unknown register|decode FOO_EL2 1|unknown register 'FOO_EL2'",
            "not a number|decode TCR_EL2 0xzz|is not a number",
            "wider than 64 bits|decode TCR_EL2 0x10000000000000000|wider than 64 bits",
            "unknown regime|decode TCR_EL2 1 --regime el3|unknown regime 'el3'",
            "unreadable dump|decode --dump /nonexistent/regs.txt|cannot read",
            "dump line|decode --dump src/test/resources/dumps/bad-line.txt|bad-line.txt:2:",
            "register absent in regime|decode TTBR1_EL2 0 --regime el2|does not exist",
    })
    void badInputIsOneLineExit2(String what, String args, String expect) {
        CliRun r = CliRun.of(args.split(" "));
        assertEquals(2, r.code(), what + "\n" + r);
        assertTrue(r.err().contains(expect), what + "\n" + r);
        assertEquals(1, r.err().strip().lines().count(), what + "\n" + r);
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), what + "\n" + r);
    }
}
