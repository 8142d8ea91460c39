package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kexecverify.kernels.ResolvedScenarios;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.scenario.ScenarioLoader;

/**
 * The committed captures of Debian 6.1 (at kern_reloc, EL2 without and with VHE), with their code pages re-read from the
 * kernel build (checked by SHA-256): model, smt and emu prove every obligation they decide, check and report say the state
 * was captured, and a code: section that does not name the captured kernel is rejected in one line.
 * (tla is left out here: on these plans it answers INCONCLUSIVE, see README "Captured scenarios".)
 */
class CapturedScenariosCheckTest {
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"captured-6.1-el2", "captured-6.1-el2h"})
    void modelSmtAndEmuProveEveryObligation(String name, @TempDir Path out) throws Exception {
        CliRun r = CliRun.of("check", "../scenarios/captured/" + name + ".yaml", "--engine", "model,smt,emu", "--out", out.toString());
        JsonNode s = new ObjectMapper().readTree(Files.readString(out.resolve("verdicts.json"))).get("scenarios").get(0);
        List<String> notProved = new ArrayList<>();
        int n = 0;
        for (JsonNode v : s.get("verdicts")) {
            n++;
            if (!v.get("outcome").asText().equals("PROVED")) {
                notProved.add(v.get("engine").asText() + " " + v.get("obligation").asText() + " " + v.get("outcome").asText() + ": "
                        + v.get("explanation").asText());
            }
        }
        assertEquals(List.of(), notProved, r.toString());
        assertEquals(19, n, "6 model + 5 smt + 8 emu verdicts (ENTRY_EL_PRESERVED: model and emu):\n" + r);
        assertEquals(0, r.code(), r.toString());
        JsonNode c = s.get("captured");
        assertTrue(c.get("kernel").asText().startsWith("linux-image-6.1.0-") && c.get("cpu").asText().equals(name.endsWith("el2h") ? "max" : "cortex-a57"),
                "verdicts.json names the captured kernel and CPU: " + c);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"captured-6.1-el2"})
    void reportSaysTheStateWasCaptured(String name, @TempDir Path out) throws Exception {
        CliRun r = CliRun.of("report", "../scenarios/captured/" + name + ".yaml", "--engine", "model", "--out", out.toString());
        String md = Files.readString(out.resolve("report.md")).replaceAll("\\s+", " ");   // report.md is filled to 80 columns
        assertTrue(md.contains("State captured from a running kernel: linux-image-6.1.0-"), r + "\n" + md);
        assertTrue(md.contains("on QEMU -cpu cortex-a57, captured 20"), md);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("State captured from a running kernel"), "report.html");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"captured-6.1-el2"})
    void codeThatIsNotTheCapturedKernelsIsRejectedNamingTheCodePage(String name) throws Exception {
        Path f = Path.of("../scenarios/captured/" + name + ".yaml");
        String text = Files.readString(f);
        String sha = text.replaceFirst("(?s).*role: relocation code.*?sha256: \"([0-9a-f]{64})\".*", "$1");
        String bad = text.replace(sha, "0".repeat(64));
        ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioBuilders.build(
                ResolvedScenarios.resolve(ScenarioLoader.parse("t.yaml", bad), f.toAbsolutePath().getParent())));
        assertTrue(e.oneLine().startsWith("t.yaml: captured.code_pages[0].sha256: arm64_relocate_new_kernel+0..288"), e.oneLine());
        assertEquals(1, e.oneLine().lines().count(), e.oneLine());
    }
}
