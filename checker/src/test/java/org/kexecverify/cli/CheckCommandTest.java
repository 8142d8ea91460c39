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
        assertTrue(r.out().contains("REFUTED rfc-v2-el2 IDMAP_COVERS_CODE (model, emu): "), r.toString());
        assertTrue(r.out().contains("\n    rfc-v2-el2.IDMAP_COVERS_CODE.model.itf.json\n"), r.toString());
        CliRun v = CliRun.of("check", "../scenarios/rfc-v2-el2.yaml", "--verbose", "--out", out.toString());
        assertTrue(v.out().contains("bit 54"), v.toString());
    }

    @Test
    void theCompactMatrixFitsOneHundredColumns(@TempDir Path out) {
        CliRun r = CliRun.of("check", "../scenarios/rfc-v2-el2.yaml", "../scenarios/upstream-el2.yaml", "../scenarios/upstream-el2-dc-ivac.yaml",
                "--out", out.toString());
        assertEquals(ExitCode.REFUTED, r.code(), r.toString());
        // rows: scenario, then one mark per engine (model, emu) per obligation
        assertTrue(r.out().matches("(?s).*\nscenario +REGS +IDMAP +VECT +DATA +CLOB +HANG +COH +TLB +EL\n.*"), r.toString());
        assertTrue(r.out().matches("(?s).*\nupstream-el2 +P- +PP +PP +PP +PP +-P +-P +-P +PP\n.*"), r.toString());
        String[] lines = r.out().split("\n");
        for (int i = 0; i < lines.length - 1; i++) assertTrue(lines[i].length() <= 100, lines[i].length() + " columns: " + lines[i]);
        assertTrue(lines[lines.length - 1].startsWith("3 scenario(s), engines model,emu: refuted in rfc-v2-el2, upstream-el2-dc-ivac; outputs in "), r.toString());
        assertTrue(r.out().contains("REFUTED upstream-el2-dc-ivac COHERENT_HANDOFF (emu): "), r.toString());
    }

    @Test
    void upstreamIsProved(@TempDir Path out) {
        CliRun r = CliRun.of("check", "../scenarios/upstream-el2.yaml", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
    }

    @Test
    void theDefaultEnginesDecideEveryObligation(@TempDir Path out) throws Exception {
        CliRun r = CliRun.of("check", "../scenarios/upstream-el2.yaml", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("engines model,emu: every obligation decided and proved"), r.toString());
        assertFalse(r.out().contains("NOT CHECKED"), r.toString());
        assertTrue(Files.readString(out.resolve("verdicts.json")).contains("\"notChecked\" : [ ]"), r.toString());
    }

    @Test
    void obligationsNoSelectedEngineDecidesAreNotCheckedAndNeverAllProved(@TempDir Path out) throws Exception {
        // the model engine alone proves all it decides on upstream-el2; three obligations stay open
        CliRun r = CliRun.of("check", "../scenarios/upstream-el2.yaml", "--engine", "model", "--verbose", "--out", out.toString());
        assertEquals(ExitCode.INCONCLUSIVE, r.code(), r.toString());
        for (String o : new String[] {"NO_HANG_AFTER_MMU_ON", "COHERENT_HANDOFF", "TLB_CLEAN_BEFORE_ENABLE"}) {
            assertTrue(r.out().contains(o + " not checked"), o + "\n" + r);
            assertTrue(r.out().matches("(?s).*" + o + " +- +NOT CHECKED.*"), o + "\n" + r);
        }
        assertFalse(r.out().contains("proved;"), r.toString());
        String json = Files.readString(out.resolve("verdicts.json"));
        assertTrue(json.contains("\"notChecked\" : [ \"NO_HANG_AFTER_MMU_ON\", \"COHERENT_HANDOFF\", \"TLB_CLEAN_BEFORE_ENABLE\" ]"), json);
    }

    @Test
    void aRunThatWouldDecideNothingIsAUsageError(@TempDir Path out) {
        for (String spec : new String[] {",", ",,", "model,", " ", "model,model"}) {
            CliRun r = CliRun.of("check", "../scenarios/upstream-el2.yaml", "--engine", spec, "--out", out.toString());
            assertEquals(ExitCode.BAD_INPUT, r.code(), "'" + spec + "': " + r);
            assertTrue(r.err().contains("--engine:"), "'" + spec + "': " + r);
            assertFalse(Files.exists(out.resolve("verdicts.json")), "'" + spec + "': " + r);
        }
    }

    @Test
    void aBadScenarioAmongOthersIsRejectedAndTheOthersChecked(@TempDir Path tmp) throws Exception {
        Path bad = tmp.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml")).replace("size: 12M", "size: 12Q"));
        Path out = tmp.resolve("out");
        CliRun r = CliRun.of("check", "../scenarios/upstream-el2.yaml", bad.toString(), "--engine", "model", "--out", out.toString());
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(bad + ": kimage.segments[1].size"), r.toString());
        String verdicts = Files.readString(out.resolve("verdicts.json"));
        assertTrue(verdicts.contains("\"rejected\"") && verdicts.contains(bad.toString()) && verdicts.contains("\"name\" : \"upstream-el2\""), verdicts);
        // alone, the same file is plain bad input: nothing written
        Path out2 = tmp.resolve("out2");
        CliRun alone = CliRun.of("check", bad.toString(), "--out", out2.toString());
        assertEquals(2, alone.code(), alone.toString());
        assertFalse(Files.exists(out2.resolve("verdicts.json")), alone.toString());
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
