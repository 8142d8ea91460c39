package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code --jobs} outside 1..256 and {@code --timeout} outside 1..86400 s are usage errors (one line, exit 2) before
 * anything runs, for check and mutate alike (mutate --timeout 0 was an internal error).
 */
class JobsAndTimeoutOptionsAreValidatedTest {
    private static void oneLine(CliRun r, String msg) {
        assertEquals(ExitCode.BAD_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains(msg), r::toString);
        assertEquals(1, r.err().strip().lines().count(), r::toString);
    }

    @Test
    void zeroJobsIsExit2() {
        for (String cmd : new String[] {"check", "mutate"}) oneLine(CliRun.of(cmd, "../scenarios/upstream-el2.yaml", "--jobs", "0"), "--jobs: must be 1..256, got 0");
    }

    @Test
    void aTimeoutOutside1To86400SecondsIsExit2() {
        for (String cmd : new String[] {"check", "mutate"}) {
            for (String t : new String[] {"0", "-1", "86401"}) {
                oneLine(CliRun.of(cmd, "../scenarios/rfc-v2-el2.yaml", "--engine", "model", "--timeout", t), "--timeout: must be 1..86400 seconds, got " + t);
            }
        }
    }
}
