package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.plan.RelocationPlan;

/**
 * {@code check --repair} on rfc-v2-el2 proposes the fix the bundled rfc-v2-el2-fixed makes, in the builder's terms:
 * {@code code_prot: PAGE_HYP_EXEC, vectors: copy} first (execute on the relocation page and a mapped vector copy, no
 * write added), never an RWX pgprot before it; hints are ordered by the access they add; the first hint, written into
 * the scenario, proves every walk obligation in a fresh check (the re-proof is not taken on the hint's word). A
 * scenario whose fault is a register (rfc-v2-el2h: TTBR0_EL2 beyond the IPS) gets no option hint.
 */
class RepairHintsAreBuilderOptionsNarrowestFirstTest {
    private static final Pattern HINT = Pattern.compile("(?m)^  - tables\\.options: (.*) \\((?:adds (.*)|no access added)\\); re-proved:(.*)$");

    @Test
    void theBundledFixComesFirstAndProves(@TempDir Path dir) throws IOException {
        RelocationPlan plan = Scenarios.plan(Path.of("../scenarios/rfc-v2-el2.yaml"));
        String hints = DesignRepairs.hints(plan);
        Matcher m = HINT.matcher(hints);
        assertTrue(m.find(), hints);
        assertEquals("code_prot: PAGE_HYP_EXEC, vectors: copy", m.group(1), hints);
        assertFalse(m.group(2).contains("write"), hints);
        int last = m.group(2).split(", (?=[a-z])").length;
        assertTrue(m.group(3).strip().equals("IDMAP_COVERS_CODE=PROVED VECTORS_EXECUTABLE=PROVED DATA_ACCESSIBLE=PROVED"), hints);
        while (m.find()) {
            int n = m.group(2) == null ? 0 : m.group(2).split(", (?=[a-z])").length;
            assertTrue(n >= last, "hints out of order (" + n + " after " + last + "):\n" + hints);
            last = n;
        }

        // applied by hand to a copy of the scenario, the first hint proves the walk obligations in a fresh check
        String text = Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml"))
                .replace("../designs/", Path.of("../designs").toAbsolutePath().normalize() + "/")
                .replaceFirst("(?m)^(  builder: rfc-v2-trans-table.*)$", "$1\n  options:\n    code_prot: PAGE_HYP_EXEC\n    vectors: copy");
        Path s = Files.writeString(dir.resolve("rfc-v2-el2-hinted.yaml"), text);
        CliRun r = CliRun.of("check", s.toString(), "--engine", "model", "--verbose", "--no-cache", "--out", dir.resolve("out").toString());
        for (String ob : List.of("IDMAP_COVERS_CODE", "VECTORS_EXECUTABLE", "DATA_ACCESSIBLE")) {
            assertTrue(Pattern.compile("(?m)^\\s+" + ob + "\\s+model\\s+PROVED").matcher(r.out()).find(), ob + " not proved with the hint applied:\n" + r);
        }
    }

    @Test
    void aRegisterFaultGetsNoOptionHint() {
        String hints = DesignRepairs.hints(Scenarios.plan(Path.of("../scenarios/rfc-v2-el2h.yaml")));
        assertTrue(hints.contains("none of") && !HINT.matcher(hints).find(), hints);
    }
}
