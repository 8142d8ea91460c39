package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --json} on check, walk, run and decode prints one JSON document on stdout with the fields README "JSON output"
 * names, and the same verdict the text output gives: RFC v2 at EL2 fetches its relocation page through a level-3
 * PTE_UXN entry (fault, PERMISSION, level 3), hangs in a fault loop, and check refutes IDMAP_COVERS_CODE.
 */
class JsonOutputOfCheckWalkRunDecodeTest {
    private static final ObjectMapper M = new ObjectMapper();
    private static final String RFC = "../scenarios/rfc-v2-el2.yaml";

    @Test
    void walkJsonNamesTheFaultingLevel() throws Exception {
        CliRun r = CliRun.of("walk", RFC, "0x1b306a000", "--access", "fetch", "--json");
        assertEquals(ExitCode.REFUTED, r.code(), r::toString);
        JsonNode j = M.readTree(r.out());
        assertEquals("kexec-verify.walk/1", j.get("schema").asText(), r::toString);
        assertEquals("fault", j.get("outcome").asText(), r::toString);
        assertEquals("PERMISSION", j.get("fault").get("kind").asText(), r::toString);
        assertEquals(3, j.get("fault").get("level").asInt(), r::toString);
        assertEquals(4, j.get("levels").size(), r::toString);
        assertEquals("PAGE", j.get("levels").get(3).get("kind").asText(), r::toString);
        assertTrue(j.get("levels").get(0).get("table").asText().equals("0x1b3069000"), r::toString);
    }

    @Test
    void runJsonIsTheHang() throws Exception {
        CliRun r = CliRun.of("run", RFC, "--json");
        assertEquals(ExitCode.REFUTED, r.code(), r::toString);
        JsonNode j = M.readTree(r.out());
        assertEquals("hang", j.get("outcome").asText(), r::toString);
        assertEquals("FAULT_LOOP", j.get("hangKind").asText(), r::toString);
        assertEquals(2, j.get("el").asInt(), r::toString);
        assertTrue(!j.get("clean").asBoolean() && j.get("exceptions").size() > 0, r::toString);
        assertEquals(ExitCode.BAD_INPUT, CliRun.of("run", RFC, "--json", "--trace", "5").code(), "--json with --trace");
    }

    @Test
    void checkJsonIsVerdictsJsonOnStdout(@TempDir Path out) throws Exception {
        CliRun r = CliRun.of("check", RFC, "--engine", "model", "--json", "--out", out.toString());
        assertEquals(ExitCode.REFUTED, r.code(), r::toString);
        JsonNode j = M.readTree(r.out());
        assertEquals(M.readTree(out.resolve("verdicts.json").toFile()), j, "stdout is verdicts.json");
        boolean refuted = false;
        for (JsonNode v : j.get("scenarios").get(0).get("verdicts")) {
            refuted |= v.get("obligation").asText().equals("IDMAP_COVERS_CODE") && v.get("outcome").asText().equals("REFUTED");
        }
        assertTrue(refuted, r::toString);
        assertTrue(r.err().contains("refuted in rfc-v2-el2"), "the summary line is on stderr: " + r);
    }

    @Test
    void decodeJsonHasFieldsAndFindings() throws Exception {
        CliRun r = CliRun.of("decode", "TCR_EL2", "0x80843510", "--json");
        assertEquals(ExitCode.PROVED, r.code(), r::toString);
        JsonNode j = M.readTree(r.out());
        assertEquals("TCR_EL2", j.get("register").asText());
        assertTrue(j.get("fields").size() > 5 && j.has("findings"), r::toString);
    }
}
