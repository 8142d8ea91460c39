package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.md and report-email.txt can be mailed to a list: every line at most 80 columns, the tool version, command
 * line and date first, then a summary naming each scenario's outcome before any detail; {@code report --format email}
 * prints report-email.txt on stdout and check's own output on stderr; an unknown format is one line of bad input.
 */
class ReportMdIsMailReadyTest {
    @Test
    void fitsEightyColumnsAndStartsWithTheSummary(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("report", "../scenarios/rfc-v2-el2.yaml", "../scenarios/upstream-el1.yaml", "--engine", "model", "--out", out.toString(),
                "--format", "email");
        assertEquals(ExitCode.REFUTED, r.code(), r.toString());
        for (String f : List.of("report.md", "report-email.txt")) {
            String text = Files.readString(out.resolve(f));
            List<String> lines = text.lines().toList();
            for (int i = 0; i < lines.size(); i++) {
                assertTrue(lines.get(i).length() <= 80, f + " line " + (i + 1) + " has " + lines.get(i).length() + " columns:\n" + lines.get(i));
            }
            assertEquals("kexec-verify report", lines.get(0), f);
            assertTrue(lines.get(2).startsWith("Tool:    kexec-verify 0.1.0 (commit"), f + ":\n" + text);
            assertTrue(lines.get(3).startsWith("Command: kexec-verify check ../scenarios/rfc-v2-el2.yaml"), f + ":\n" + text);
            assertTrue(text.lines().anyMatch(l -> l.matches("Date: {4}20\\d\\d-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ")), f + ":\n" + text);
            String flat = text.replaceAll("\\s+", " ");
            int summary = flat.indexOf("Summary");
            assertTrue(summary > 0 && flat.indexOf("rfc-v2-el2 REFUTED: IDMAP_COVERS_CODE, VECTORS_EXECUTABLE") > summary, f + ":\n" + text);
            assertTrue(flat.contains("upstream-el1 INCONCLUSIVE: NO_HANG_AFTER_MMU_ON not checked"), f + ":\n" + text);   // the model engine alone
        }
        String md = Files.readString(out.resolve("report.md"));
        assertTrue(md.indexOf("Summary") < md.indexOf("\nrfc-v2-el2\n----------"), md);
        assertTrue(md.contains("PTE_UXN") && md.contains("L3 table"), "the refutation's walk is in report.md:\n" + md);
        assertEquals(Files.readString(out.resolve("report-email.txt")), r.out(), "--format email prints report-email.txt");
        assertTrue(r.err().contains("2 scenario(s), engines model: refuted in rfc-v2-el2"), r.toString());
    }

    @Test
    void anUnknownFormatIsBadInput(@TempDir Path dir) {
        CliRun r = CliRun.of("report", "../scenarios/upstream-el1.yaml", "--format", "pdf", "--out", dir.resolve("o").toString());
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertEquals(1, r.err().lines().count(), r.toString());
        assertTrue(r.err().contains("--format: expected files or email, got 'pdf'"), r.toString());
    }
}
