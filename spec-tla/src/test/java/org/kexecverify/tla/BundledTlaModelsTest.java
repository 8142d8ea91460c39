package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every bundled TLA+ model with TLC (child JVM, one worker) and compares outcome, violated
 * property, witness and distinct-state count with {@code tla-models/manifest.json}. A count that
 * changes fails the build: update the manifest deliberately when the model is meant to change.
 */
class BundledTlaModelsTest {
    private static final Path ITF_OUT = Path.of("target", "tla-counterexamples");

    static Stream<BundledModels.Entry> models() {
        return BundledModels.manifest().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void modelChecksAsPinned(BundledModels.Entry e, @TempDir Path dir) throws Exception {
        BundledModels.stage(e, dir);
        TlcJob job = new TlcJob(dir, e.module(), e.config(), Duration.ofSeconds(60), 1024, 1, "Termination");
        TlcRunner.Run run = TlcRunner.located().run(job);
        TlcResult r = run.result();

        switch (e.expect()) {
            case "NO_ERROR" -> {
                if (!(r instanceof TlcResult.NoError)) fail(e.name() + ": expected no error, got " + describe(r, run));
            }
            case "INVARIANT", "TEMPORAL" -> {
                if (!(r instanceof TlcResult.Violation v)) {
                    fail(e.name() + ": expected a violation of " + e.property() + ", got " + describe(r, run));
                    return;
                }
                assertEquals(e.expect(), v.kind().name(), () -> e.name() + ": kind\n" + v.trace().describe());
                assertEquals(e.property(), v.property(), () -> e.name() + ": property\n" + v.trace().describe());
                for (String m : e.traceMentions()) {
                    assertTrue(v.trace().states().stream().anyMatch(s -> s.kernelStep().contains(m)),
                            () -> e.name() + ": no step mentions '" + m + "' in\n" + v.trace().describe());
                }
                Map<String, Object> last = v.trace().last().vars();
                Iterator<Map.Entry<String, JsonNode>> it = e.lastState().fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> f = it.next();
                    assertEquals(f.getValue().asText(), String.valueOf(last.get(f.getKey())),
                            () -> e.name() + ": last state " + f.getKey() + "\n" + v.trace().describe());
                }
                if (v.kind() == TlcResult.Violation.Kind.TEMPORAL) {
                    assertTrue(v.trace().isLasso(), () -> e.name() + ": liveness trace is not a lasso\n" + v.trace().describe());
                }
                String json = ItfTrace.toJson(v.trace(), new ItfTrace.Meta(e.scenario(), e.obligation(), v.property(),
                        e.module(), e.config()));
                JsonNode itf = new ObjectMapper().readTree(json);
                assertEquals(v.trace().states().size(), itf.get("states").size());
                assertEquals("tla", itf.get("#meta").get("engine").asText());
                assertEquals(v.trace().isLasso(), itf.has("loop"));
                Files.createDirectories(ITF_OUT);
                Files.writeString(ITF_OUT.resolve(e.name() + ".itf.json"), json);
            }
            default -> fail("manifest: unknown expect '" + e.expect() + "' for " + e.name());
        }
        assertEquals(e.distinctStates(), r.stats().distinctStates(),
                () -> e.name() + ": distinct states changed (" + r.stats() + "); update tla-models/manifest.json deliberately");
    }

    private static String describe(TlcResult r, TlcRunner.Run run) {
        if (r instanceof TlcResult.Violation v) return "violation of " + v.property() + "\n" + v.trace().describe();
        if (r instanceof TlcResult.Failure f) {
            List<String> lines = run.output().lines().toList();
            return "failure: " + f.reason() + "\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
        return r.toString();
    }
}
