package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code --jobs} outside 1..256 is a usage error (one line, exit 2) before anything runs, for check and mutate alike. */
class JobsOptionIsValidatedTest {
    @Test
    void zeroJobsIsExit2() {
        for (String cmd : new String[] {"check", "mutate"}) {
            CliRun r = CliRun.of(cmd, "../scenarios/upstream-el2.yaml", "--jobs", "0");
            assertEquals(ExitCode.BAD_INPUT, r.code(), r::toString);
            assertTrue(r.err().contains("--jobs: must be 1..256, got 0"), r::toString);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
        }
    }
}
