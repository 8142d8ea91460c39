package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A rerun of an unchanged check reads every engine's verdicts from --cache-dir and writes the same files; --no-cache reads none. */
class CheckReusesCachedResultsTest {
    @Test
    void anUnchangedRerunIsAnsweredFromTheCacheWithTheSameOutputs(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        String s = "../scenarios/upstream-el2-kimage-after-copy.yaml";
        CliRun first = CliRun.of("check", s, "--engine", "model,emu", "--replay", "--cache-dir", cache.toString(), "--out", tmp.resolve("a").toString());
        assertEquals(ExitCode.REFUTED, first.code(), first::toString);
        assertFalse(first.err().contains("results cache:"), first::toString);

        CliRun second = CliRun.of("check", s, "--engine", "model,emu", "--replay", "--cache-dir", cache.toString(), "--out", tmp.resolve("b").toString());
        assertEquals(ExitCode.REFUTED, second.code(), second::toString);
        assertTrue(second.err().contains("results cache: 2 of 2 engine runs reused"), second::toString);
        try (var files = Files.list(tmp.resolve("a"))) {
            for (Path f : files.filter(p -> p.getFileName().toString().endsWith(".json")).toList()) {
                assertEquals(Files.readString(f), Files.readString(tmp.resolve("b").resolve(f.getFileName())), () -> f.getFileName() + " differs");
            }
        }

        CliRun fresh = CliRun.of("check", s, "--engine", "model,emu", "--replay", "--no-cache", "--cache-dir", cache.toString(), "--out", tmp.resolve("c").toString());
        assertEquals(ExitCode.REFUTED, fresh.code(), fresh::toString);
        assertFalse(fresh.err().contains("results cache:"), fresh::toString);
    }
}
