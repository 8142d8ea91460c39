package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code CMD --help} and {@code help CMD} print the usage with every option of the command, exit 0. */
class EveryCommandPrintsItsHelpTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"decode", "walk", "check", "report", "run", "replay", "export", "bench", "mutate", "truth", "capture"})
    void helpNamesEveryOption(String cmd) {
        picocli.CommandLine sub = new picocli.CommandLine(new Main()).getSubcommands().get(cmd);
        for (CliRun r : new CliRun[] {CliRun.of(cmd, "--help"), CliRun.of("help", cmd)}) {
            assertEquals(0, r.code(), r.toString());
            assertTrue(r.out().contains("Usage: kexec-verify " + cmd), r.toString());
            for (picocli.CommandLine.Model.OptionSpec o : sub.getCommandSpec().options()) {
                assertTrue(r.out().contains(o.longestName()), cmd + " help lacks " + o.longestName() + ":\n" + r.out());
            }
        }
    }

    @Test
    void versionNamesTheToolAndACommit() {
        CliRun r = CliRun.of("--version");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("kexec-verify 0.1.0 (commit "), r.toString());
    }
}
