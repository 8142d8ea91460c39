package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A committed counterexample is self-contained: replayed from a directory with no scenarios/ (the tests run in
 * checker/), without --scenarios, it finds its scenario in the scenarios/ beside its own directory, names what it
 * replays, and is CONFIRMED.
 */
class CounterexamplesReplayFromAnyDirectoryTest {
    @Test
    void theScenarioIsFoundBesideTheCounterexample() {
        assertFalse(Files.isDirectory(Path.of("scenarios")), "the test needs a working directory without scenarios/");
        CliRun r = CliRun.of("replay", "../counterexamples/rfc-v2-el2.NO_HANG_AFTER_MMU_ON.emu.itf.json");
        assertEquals(ExitCode.PROVED, r.code(), r.toString());
        assertTrue(r.out().startsWith("replay rfc-v2-el2.NO_HANG_AFTER_MMU_ON.emu.itf.json: NO_HANG_AFTER_MMU_ON refuted by emu on rfc-v2-el2"), r.toString());
        assertTrue(r.out().contains("CONFIRMED: HANG (FAULT_LOOP)"), r.toString());
    }
}
