package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -} reads a scenario from standard input wherever a scenario file is read (check, walk, run): the verdicts are
 * the file's, errors name {@code <stdin>}, and standard input is taken at most once per command.
 */
class ScenariosReadFromStandardInputTest {
    @Test
    void checkWalkAndRunReadStdin(@TempDir Path dir) throws IOException {
        String el2 = Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml")).replace("../designs/", Path.of("../designs").toAbsolutePath().normalize() + "/");
        CliRun c = CliRun.withStdin(el2, "check", "-", "--engine", "model", "--quiet", "--no-cache", "--out", dir.resolve("o").toString());
        assertEquals(ExitCode.REFUTED, c.code(), c.toString());
        assertTrue(c.out().contains("refuted in rfc-v2-el2"), c.toString());
        assertTrue(Files.readString(dir.resolve("o/verdicts.json")).contains("\"file\" : \"<stdin>\""), "verdicts.json names <stdin>");
        CliRun w = CliRun.withStdin(el2, "walk", "-", "0x1b306a000", "--access", "fetch");
        assertEquals(1, w.code(), w.toString());
        assertTrue(w.out().contains("Permission fault, level 3"), w.toString());
        CliRun r = CliRun.withStdin(el2, "run", "-", "--budget", "100000");
        assertTrue(r.out().contains("HANG (FAULT_LOOP)"), r.toString());
    }

    @Test
    void errorsNameStdinAndItIsReadOnce(@TempDir Path dir) {
        CliRun bad = CliRun.withStdin("name: x\n", "check", "-", "--out", dir.resolve("o").toString());
        assertEquals(ExitCode.BAD_INPUT, bad.code(), bad.toString());
        assertTrue(bad.err().startsWith("kexec-verify: <stdin>: regime: missing"), bad.toString());
        CliRun twice = CliRun.withStdin("", "check", "-", "-", "--out", dir.resolve("o2").toString());
        assertEquals(ExitCode.BAD_INPUT, twice.code(), twice.toString());
        assertTrue(twice.err().contains("standard input can be given only once"), twice.toString());
    }
}
