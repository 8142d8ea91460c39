package org.kexecverify.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.cli.Main;

/**
 * A counterexample trace in the report shows the whole state once, then per step only the variables the step changed
 * (nested values compared as text, lastStep left to the kernel-step column): the TLA+ trace of rfc-v2-el2 reads as a
 * list of steps, not 26 copies of a 600-character state.
 */
class TraceStepsShowWhatChangedTest {
    @Test
    void onlyChangedVariablesArePrinted() {
        Map<String, Object> before = Map.of("pc", 4L, "sys", Map.of("SCTLR_EL2", "off", "TCR_EL2", "t"), "lastStep", "a");
        Map<String, Object> after = Map.of("pc", 5L, "sys", Map.of("TCR_EL2", "t", "SCTLR_EL2", "on"), "lastStep", "b", "el", 2L);
        assertEquals("el=2  pc=5  sys={SCTLR_EL2=on, TCR_EL2=t}", ReportWriter.changes(before, after));
        assertEquals("no variable changed", ReportWriter.changes(before, Map.of("pc", 4L, "sys", Map.of("TCR_EL2", "t", "SCTLR_EL2", "off"), "lastStep", "z")));
    }

    @Test
    void theTlaTraceOfRfcV2El2IsSteps(@TempDir Path out) throws Exception {
        java.io.StringWriter o = new java.io.StringWriter();
        java.io.StringWriter e = new java.io.StringWriter();
        int code = Main.run(new String[] {"report", "../scenarios/rfc-v2-el2.yaml", "--engine", "tla", "--quiet", "--out", out.toString()},
                new java.io.PrintWriter(o, true), new java.io.PrintWriter(e, true));
        assertEquals(1, code, o + "\n" + e);
        String md = Files.readString(out.resolve("report.md"));
        int at = md.indexOf("  trace (");
        assertTrue(at > 0, md);
        List<String> trace = md.substring(at).lines().skip(1).takeWhile(l -> l.startsWith("  ")).toList();
        long fullStates = trace.stream().filter(l -> l.contains("kimagePage=")).count();
        assertEquals(1, fullStates, "kimagePage (a constant of the instance) must appear in the first state only:\n" + String.join("\n", trace));
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("state (first), then what the step changed"), "report.html trace header");
    }
}
