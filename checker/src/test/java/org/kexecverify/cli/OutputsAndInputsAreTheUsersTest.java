package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code check} and {@code replay} do with the user's files: a bad {@code --out} is found before any engine runs
 * (exit 2, one line), only files the tool wrote are removed as stale, FIFOs and devices are refused without blocking,
 * scenario names are safe file names and unique in a run, and a replay its budget cut short is neither CONFIRMED nor
 * SPURIOUS.
 */
class OutputsAndInputsAreTheUsersTest {
    static final String UPSTREAM = "../scenarios/upstream-el2.yaml";

    static void oneLineExit2(CliRun r, String mustContain) {
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertTrue(r.err().contains(mustContain), r.toString());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r);
        assertFalse(r.err().contains("Exception") && r.err().contains("\tat "), "no stack trace: " + r);
    }

    @Test
    void anOutThatCannotBeWrittenIsBadInputBeforeAnyEngineRuns(@TempDir Path tmp) throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        for (Path out : new Path[] {file, file.resolve("under"), Path.of("/dev/null"), Path.of("/proc/kexec-verify-out")}) {
            long t0 = System.nanoTime();
            CliRun r = CliRun.of("check", UPSTREAM, "--engine", "model", "--out", out.toString());
            oneLineExit2(r, "--out " + out);
            // no engine ran: the model engine alone takes longer than reading the scenario
            assertFalse(r.out().contains("REGISTERS_VALID"), r.toString());
            assertTrue(System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(2), "found at once: " + r);
        }
    }

    @Test
    void onlyFilesTheToolWroteAreRemovedAsStale(@TempDir Path out) throws Exception {
        CliRun first = CliRun.of("check", "../scenarios/rfc-v2-el2.yaml", "--engine", "model", "--out", out.toString());
        assertEquals(ExitCode.REFUTED, first.code(), first.toString());
        Path ours = out.resolve("rfc-v2-el2.IDMAP_COVERS_CODE.model.itf.json");
        assertTrue(Files.exists(ours), first.toString());
        Path mine = Files.writeString(out.resolve("my-notes.itf.json"), "{}");
        CliRun second = CliRun.of("check", UPSTREAM, "--engine", "model", "--out", out.toString());
        assertEquals(ExitCode.INCONCLUSIVE, second.code(), second.toString());   // three obligations not checked by model
        assertFalse(Files.exists(ours), "the previous run's counterexample is stale: " + second);
        assertTrue(Files.exists(mine), "a file the tool did not write is never deleted");
        assertEquals("{}", Files.readString(mine));
    }

    @Test
    void aFifoOrDeviceIsRefusedWithoutBlocking(@TempDir Path tmp) throws Exception {
        Path fifo = tmp.resolve("scenario.yaml");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertEquals(0, p.waitFor(), "mkfifo");
        for (Path in : new Path[] {fifo, Path.of("/dev/zero")}) {
            long t0 = System.nanoTime();
            CliRun r = CliRun.of("check", in.toString(), "--out", tmp.resolve("o").toString());
            oneLineExit2(r, "not a regular file");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "refused without reading: " + r);
        }
        CliRun d = CliRun.of("decode", "--dump", fifo.toString());
        oneLineExit2(d, "not a regular file");
    }

    @Test
    void scenarioNamesAreSafeFileNamesAndUniqueInARun(@TempDir Path tmp) throws Exception {
        String text = Files.readString(Path.of(UPSTREAM)).replace("../designs/", Path.of("../designs").toAbsolutePath() + "/");
        for (String bad : new String[] {"a/b", "../../x", ".hidden", "x".repeat(101), "tab\tname"}) {
            Path f = tmp.resolve("bad.yaml");
            Files.writeString(f, text.replaceFirst("(?m)^name: .*$", "name: \"" + bad.replace("\t", "\\\\t") + "\""));
            CliRun r = CliRun.of("check", f.toString(), "--out", tmp.resolve("o").toString());
            oneLineExit2(r, f + ": name: ");
        }
        Path a = Files.writeString(tmp.resolve("a.yaml"), text);
        Path b = Files.writeString(tmp.resolve("b.yaml"), text);
        CliRun r = CliRun.of("check", a.toString(), b.toString(), "--engine", "model", "--quiet", "--out", tmp.resolve("o2").toString());
        // the second file of a name is rejected (it would overwrite the first one's outputs); the first is checked
        assertEquals(ExitCode.BAD_INPUT, r.code(), r.toString());
        assertEquals(List.of("kexec-verify: " + b + ": name: 'upstream-el2' is also the name of " + a
                + " (their output files would overwrite each other)"), r.err().lines().toList(), r.toString());
        String verdicts = Files.readString(tmp.resolve("o2").resolve("verdicts.json"));
        assertTrue(verdicts.contains("\"rejected\"") && verdicts.contains("\"file\" : \"" + b + "\""), verdicts);
    }

    @Test
    void aReplayItsBudgetCutShortIsInconclusive() {
        String cx = "../counterexamples/rfc-v2-el2.NO_HANG_AFTER_MMU_ON.emu.itf.json";
        for (String budget : new String[] {"0", "-1"}) oneLineExit2(CliRun.of("replay", cx, "--scenarios", "../scenarios", "--budget", budget), "--budget");
        CliRun r = CliRun.of("replay", cx, "--scenarios", "../scenarios", "--budget", "1");
        assertEquals(ExitCode.INCONCLUSIVE, r.code(), r.toString());
        assertTrue(r.out().contains("INCONCLUSIVE: the run stopped at the --budget of 1 instructions"), r.toString());
        assertFalse(r.out().contains("CONFIRMED"), r.toString());
    }

    @Test
    void aCounterexampleNeverChoosesAFileOutsideTheScenarioDirectory(@TempDir Path tmp) throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.yaml"), "SECRET-FIRST-LINE: do not echo\n");
        String cx = Files.readString(Path.of("../counterexamples/rfc-v2-el2.NO_HANG_AFTER_MMU_ON.emu.itf.json"));
        // #meta.file at a file outside --scenarios: never opened; the scenario name then decides
        Path moved = Files.writeString(tmp.resolve("cx.itf.json"), cx.replaceFirst("\"file\" *: *\"scenarios/rfc-v2-el2.yaml\"", "\"file\" : \"" + secret + "\""));
        CliRun ok = CliRun.of("replay", moved.toString(), "--scenarios", "../scenarios");
        assertEquals(ExitCode.PROVED, ok.code(), ok.toString());
        assertTrue(ok.out().contains("CONFIRMED"), ok.toString());
        Path nameless = Files.writeString(tmp.resolve("cx2.itf.json"), Files.readString(moved).replaceFirst("\"scenario\" *: *\"rfc-v2-el2\"", "\"scenario\" : \"nope\""));
        CliRun bad = CliRun.of("replay", nameless.toString(), "--scenarios", "../scenarios");
        assertEquals(ExitCode.BAD_INPUT, bad.code(), bad.toString());
        assertFalse((bad.out() + bad.err()).contains("SECRET"), bad.toString());
        // --scenario names the file outright
        CliRun explicit = CliRun.of("replay", nameless.toString(), "--scenario", "../scenarios/rfc-v2-el2.yaml");
        assertEquals(ExitCode.PROVED, explicit.code(), explicit.toString());
    }
}
