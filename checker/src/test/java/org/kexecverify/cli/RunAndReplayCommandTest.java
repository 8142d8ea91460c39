package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Itf;
import org.kexecverify.model.verdict.Obligation;
import picocli.CommandLine;

/** {@code run} and {@code replay} drive the emulator on the bundled scenarios (registered here directly, not through Main). */
class RunAndReplayCommandTest {
    private static final Path SCENARIOS = Path.of("..", "scenarios");

    record Result(int code, String out, String err) {
    }

    private static Result exec(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(command);
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        cl.setExecutionExceptionHandler((ex, c, p) -> {
            if (ex instanceof BadInput) {
                err.write(ex.getMessage());
                return ExitCode.BAD_INPUT;
            }
            throw ex;
        });
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void runRfcV2El2HangsWithTheFaultLoopDescribed() {
        Result r = exec(new RunCommand(), SCENARIOS.resolve("rfc-v2-el2.yaml").toString());
        assertEquals(ExitCode.REFUTED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("HANG (FAULT_LOOP): instruction abort at EL2, PERMISSION level 3"), r.out());
    }

    @Test
    void runUpstreamEl2HandsOffCleanly() {
        Result r = exec(new RunCommand(), SCENARIOS.resolve("upstream-el2.yaml").toString());
        assertEquals(ExitCode.PROVED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("0 destination page(s) differ"), r.out());
    }

    private static Path counterexample(Path dir, String scenario, Obligation o) throws Exception {
        Counterexample cx = new Counterexample(scenario, o, "tla", Map.of("va", 0x1b3000000L),
                List.of(new Counterexample.State("EnableMmu", "relocate_kernel.S: msr sctlr_el2", Map.of("pc", 1L))), -1, Map.of());
        Path f = dir.resolve(scenario + ".itf.json");
        Files.writeString(f, Itf.write(cx));
        return f;
    }

    @Test
    void replayConfirmsTheRfcV2Hang(@TempDir Path dir) throws Exception {
        Result r = exec(new ReplayCommand(), counterexample(dir, "rfc-v2-el2", Obligation.NO_HANG_AFTER_MMU_ON).toString(),
                "--scenarios", SCENARIOS.toString());
        assertEquals(ExitCode.PROVED, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("CONFIRMED: HANG (FAULT_LOOP)"), r.out());
    }

    @Test
    void replayCallsAHangClaimOnTheUpstreamDesignSpurious(@TempDir Path dir) throws Exception {
        Result r = exec(new ReplayCommand(), counterexample(dir, "upstream-el2", Obligation.NO_HANG_AFTER_MMU_ON).toString(),
                "--scenarios", SCENARIOS.toString());
        assertEquals(ExitCode.INTERNAL_ERROR, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("SPURIOUS: reached the new image"), r.out());
    }

    @Test
    void replayOfAMissingScenarioIsBadInput(@TempDir Path dir) throws Exception {
        Result r = exec(new ReplayCommand(), counterexample(dir, "no-such-scenario", Obligation.NO_HANG_AFTER_MMU_ON).toString(),
                "--scenarios", SCENARIOS.toString());
        assertEquals(ExitCode.BAD_INPUT, r.code());
        assertTrue(r.err().contains("#meta.scenario"), r.err());
    }
}
