package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every file of the bad-input corpus ({@code src/test/resources/bad-input/<category>/...}) is
 * rejected the way the CLI promises: exit code 2, exactly one line on stderr naming the file and
 * what is wrong (the scenario field path, the dump line, the counterexample key), no stack trace,
 * nothing written to the output directory, and no hang. Scenarios ({@code *.yaml}) go through
 * {@code check FILE --out DIR}, register dumps ({@code *.txt}) through {@code decode --dump FILE},
 * counterexamples ({@code *.itf.json}) through {@code replay FILE}. {@code EXPECTED.tsv} (written by {@code generate.py}) holds what each
 * error line must name.
 */
class BadInputCorpusTest {
    static final Path CORPUS = Path.of("src/test/resources/bad-input");
    /**
     * A guard against a hang (a FIFO read forever, a loop in a broken list), not a speed check: the slowest file
     * needs about 1 s on a quiet machine, so a busy one stays far below it.
     */
    static final Duration PER_FILE = Duration.ofSeconds(120);

    /**
     * Files whose code is Linux's own need the kernel objects built once (about 30 s, then cached): built here,
     * before any file is timed, so the hang guard never counts a first build.
     */
    @BeforeAll
    static void buildTheKernelsCodeOnce() {
        try {
            org.kexecverify.kernels.debian.DebianKernelBuild.get(org.kexecverify.kernels.debian.DebianArchive.Suite.BOOKWORM);
        } catch (org.kexecverify.kernels.debian.DebianArchive.Unavailable e) {
            // the files that need it then fail with the reason on their own line
        }
    }

    static Map<String, String> expected() {
        Map<String, String> m = new TreeMap<>();
        try {
            for (String l : Files.readAllLines(CORPUS.resolve("EXPECTED.tsv"), StandardCharsets.UTF_8)) {
                if (l.isBlank() || l.startsWith("#")) continue;
                String[] kv = l.split("\t", 2);
                m.put(kv[0], kv[1]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    /** Every file in a category folder (files at the top of the corpus are its tooling and docs). */
    static List<String> corpus() throws IOException {
        try (Stream<Path> s = Files.walk(CORPUS)) {
            return s.filter(Files::isRegularFile)
                    .map(p -> CORPUS.relativize(p).toString().replace('\\', '/'))
                    .filter(rel -> rel.contains("/"))
                    .sorted()
                    .toList();
        }
    }

    @Test
    void corpusHasAtLeast200FilesAndEveryOneHasAnExpectation() throws IOException {
        List<String> files = corpus();
        Map<String, String> exp = expected();
        assertTrue(files.size() >= 200, "only " + files.size() + " corpus files");
        for (String f : files) assertTrue(exp.containsKey(f), "no EXPECTED.tsv line for " + f);
        for (String f : exp.keySet()) assertTrue(files.contains(f), "EXPECTED.tsv names a missing file " + f);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void rejectedWithOneLineNamingTheField(String rel, @TempDir Path tmp) {
        Path file = CORPUS.resolve(rel).toAbsolutePath();
        String field = expected().get(rel);
        assertTrue(field != null, "no EXPECTED.tsv line for " + rel);
        Path out = tmp.resolve("out");
        String[] args = rel.endsWith(".itf.json") ? new String[] {"replay", file.toString()}
                : rel.endsWith(".txt") ? new String[] {"decode", "--dump", file.toString()}
                : new String[] {"check", file.toString(), "--out", out.toString()};
        CliRun r = assertTimeoutPreemptively(PER_FILE, () -> CliRun.of(args), rel);
        String why = rel + "\n" + clip(r.toString());
        assertEquals(ExitCode.BAD_INPUT, r.code(), why);
        List<String> lines = r.err().lines().toList();
        assertEquals(1, lines.size(), "expected exactly one line on stderr: " + why);
        assertEquals("", r.out(), "nothing on stdout for bad input: " + why);
        String line = lines.get(0);
        noStackTrace(line, why);
        assertTrue(line.contains(file.toString()), "the line must name the file: " + why);
        if (rel.endsWith(".itf.json")) {
            assertTrue(line.contains(field), "the line must name '" + field + "': " + why);
        } else if (rel.endsWith(".txt")) {
            if (field.matches("\\d+")) {
                assertTrue(line.contains(file + ":" + field + ": "), "the line must name line " + field + " of the dump: " + why);
            } else {
                assertTrue(line.contains(field), "the line must say '" + field + "': " + why);
            }
        } else {
            assertTrue(line.contains(file + ": " + field + ": "), "the line must name the field '" + field + "': " + why);
            assertFalse(Files.exists(out) && !isEmpty(out), "bad input must not write to the output directory: " + why + "\n" + listing(out));
        }
    }

    private static void noStackTrace(String line, String why) {
        assertFalse(line.contains("Exception") || line.contains("\tat "), "looks like a stack trace: " + clip(why));
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }

    private static String listing(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            return String.join("\n", s.map(Path::toString).toList());
        } catch (IOException e) {
            return dir + ": " + e;
        }
    }

    /** Error lines may quote huge inputs: keep assertion messages readable. */
    private static String clip(String s) {
        return s.length() <= 2000 ? s : s.substring(0, 1000) + " ...[" + (s.length() - 2000) + " chars]... " + s.substring(s.length() - 1000);
    }
}
