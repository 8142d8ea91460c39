package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Every counterexample committed in {@code counterexamples/} replays on the emulator as CONFIRMED and is listed in its README. */
class CommittedCounterexamplesReplayTest {
    private static final Path DIR = Path.of("..", "counterexamples");
    private static final Path SCENARIOS = Path.of("..", "scenarios");

    static List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".itf.json")).sorted().toList();
        }
    }

    @Test
    void theDirectoryHoldsCounterexamplesAndTheReadmeListsEachOnce() throws IOException {
        List<Path> files = files();
        assertFalse(files.isEmpty(), "no counterexamples in " + DIR.toAbsolutePath());
        String readme = Files.readString(DIR.resolve("README.md"));
        for (Path f : files) {
            String name = "`" + f.getFileName() + "`";
            int first = readme.indexOf(name);
            assertTrue(first >= 0 && readme.indexOf(name, first + 1) < 0, f.getFileName() + " must appear exactly once in counterexamples/README.md");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void replayConfirms(Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ReplayCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(file.toString(), "--scenarios", SCENARIOS.toString());
        String o = out.toString();
        assertEquals(ExitCode.PROVED, code, () -> o + err);
        assertTrue(o.lines().anyMatch(l -> l.startsWith("CONFIRMED: ")), o);
    }
}
