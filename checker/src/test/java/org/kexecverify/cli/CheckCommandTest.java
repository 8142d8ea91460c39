package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code check} and {@code walk} exit codes and outputs. */
class CheckCommandTest {
    @Test
    void seedEl2IsRefutedWithCounterexamples(@TempDir Path out) throws Exception {
        CliRun r = CliRun.of("check", "../scenarios/rfc-v2-el2.yaml", "--out", out.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(Files.exists(out.resolve("verdicts.json")), r.toString());
        assertTrue(Files.exists(out.resolve("rfc-v2-el2.IDMAP_COVERS_CODE.model.itf.json")), r.toString());
        assertTrue(r.out().contains("bit 54"), r.toString());
    }

    @Test
    void upstreamIsProved(@TempDir Path out) {
        CliRun r = CliRun.of("check", "../scenarios/upstream-el2.yaml", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void badScenarioWritesNothing(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml")).replace("size: 12M", "size: 12Q"));
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("check", "../scenarios/upstream-el2.yaml", bad.toString(), "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("kimage.segments[1].size"), r.toString());
        assertFalse(Files.exists(out.resolve("verdicts.json")), r.toString());
    }

    @Test
    void walkPrintsEveryLevel() {
        CliRun r = CliRun.of("walk", "../scenarios/rfc-v2-el2.yaml", "0x1b306a000", "--access", "fetch");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.out().contains("L0 table") && r.out().contains("L3 table") && r.out().contains("Permission fault, level 3"), r.toString());
        CliRun ok = CliRun.of("walk", "../scenarios/rfc-v2-el2.yaml", "0x1b306a000", "--access", "read");
        assertEquals(0, ok.code(), ok.toString());
    }
}
