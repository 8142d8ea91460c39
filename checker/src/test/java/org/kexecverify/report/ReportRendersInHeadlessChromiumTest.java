package org.kexecverify.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.kexecverify.cli.CliRunForReport;

/**
 * The report opens in headless Chromium without console errors, the pictures are present, it
 * fetches nothing from the network, and a screenshot is saved under target/.
 */
class ReportRendersInHeadlessChromiumTest {

    static Path chromium() {
        for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
            if (Files.isExecutable(Path.of(c))) return Path.of(c);
        }
        return null;
    }

    private static List<String> base(Path chrome, Path profile) {
        return new ArrayList<>(List.of(chrome.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile,
                "--enable-logging=stderr", "--v=0"));
    }

    private static String run(List<String> cmd, Path log) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish in 90 s: " + cmd);
        }
        return out;
    }

    @Test
    void reportRendersWithPicturesAndNoConsoleErrors() throws Exception {
        Path chrome = chromium();
        assumeTrue(chrome != null, "chromium not installed (apt-get install chromium)");
        Path out = Path.of("target/report-test");
        int code = CliRunForReport.run("report", "../scenarios/rfc-v2-el2.yaml", "../scenarios/upstream-el2.yaml", "--out", out.toString(), "--quiet");
        assertEquals(1, code, "rfc-v2-el2 is refuted, so report exits 1");
        Path html = out.resolve("report.html").toAbsolutePath();
        String text = Files.readString(html);
        assertFalse(Pattern.compile("(src|href)=\"https?:").matcher(text).find(), "report must be self-contained");

        Path profile = Files.createTempDirectory("kv-chrome");
        Path log = out.resolve("chromium-dom.log");
        List<String> dump = base(chrome, profile);
        dump.addAll(List.of("--dump-dom", html.toUri().toString()));
        String dom = run(dump, log);
        Matcher svgs = Pattern.compile("<svg").matcher(dom);
        int count = 0;
        while (svgs.find()) count++;
        assertTrue(count >= 3, "memory maps and the failing walk tree must render as SVG; found " + count + "\n" + Files.readString(log));
        assertTrue(dom.contains("IDMAP_COVERS_CODE refuted"), "refutation section present");
        String logText = Files.readString(log);
        List<String> consoleErrors = logText.lines().filter(l -> l.contains("CONSOLE") && (l.contains("Error") || l.contains("Uncaught"))).toList();
        assertTrue(consoleErrors.isEmpty(), "console errors:\n" + String.join("\n", consoleErrors));

        Path png = Path.of("target/report-screenshot.png").toAbsolutePath();
        List<String> shot = base(chrome, profile);
        shot.addAll(List.of("--window-size=1400,2400", "--screenshot=" + png, html.toUri().toString()));
        run(shot, out.resolve("chromium-shot.log"));
        assertTrue(Files.size(png) > 10_000, "screenshot written: " + png);
    }

    /**
     * At 800 and at 1400 px no element of the report reaches past the window and no block scrolls sideways: the
     * memory maps and walk trees scale down, walks and traces wrap (measured in the page by a script, read back with
     * --dump-dom). The old CSS (fixed-width SVG, pre with overflow-x) measured 231 such elements at 800 px.
     */
    @Test
    void noElementOverflowsAt800Or1400Pixels() throws Exception {
        Path chrome = chromium();
        assumeTrue(chrome != null, "chromium not installed (apt-get install chromium)");
        Path out = Path.of("target/report-width-test");
        int code = CliRunForReport.run("report", "../scenarios/rfc-v2-el2.yaml", "../scenarios/captured/captured-6.1-el2.yaml",
                "--engine", "model,tla", "--out", out.toString(), "--quiet");
        assertEquals(1, code, "rfc-v2-el2 is refuted, so report exits 1");
        String html = Files.readString(out.resolve("report.html"));
        String probe = "<script>var bad=[];var W=document.documentElement.clientWidth;"
                + "document.querySelectorAll('body *').forEach(function(e){var r=e.getBoundingClientRect();"
                + "if(r.right>W+1)bad.push(e.tagName+' ends at '+Math.round(r.right));"
                + "if(e.scrollWidth>e.clientWidth+1&&getComputedStyle(e).overflowX!='visible')bad.push(e.tagName+' scrolls '+e.scrollWidth+'>'+e.clientWidth);});"
                + "document.body.setAttribute('data-overflow',bad.length+': '+bad.slice(0,12).join('; '));</script></body>";
        Path measured = out.resolve("report-measured.html").toAbsolutePath();
        Files.writeString(measured, html.replace("</body>", probe));
        for (int width : new int[] {800, 1400}) {
            Path profile = Files.createTempDirectory("kv-chrome");
            List<String> dump = base(chrome, profile);
            dump.addAll(List.of("--window-size=" + width + ",2400", "--dump-dom", measured.toUri().toString()));
            String dom = run(dump, out.resolve("chromium-width-" + width + ".log"));
            Matcher m = Pattern.compile("data-overflow=\"([^\"]*)\"").matcher(dom);
            assertTrue(m.find(), "the probe did not run at " + width + " px");
            assertTrue(m.group(1).startsWith("0:"), "at " + width + " px these overflow: " + m.group(1));
        }
    }
}
