package org.kexecverify.model.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.scenario.ScenarioLoader;

/**
 * The bundled captures (Debian 6.1 at EL2 on cortex-a57 and on max) load through the ordinary loader and become plans of the
 * same shape the upstream-trans-pgd builder gives, from the captured data; broken captures fail in one line naming the field.
 * (Without the code resolved: the code pages stay empty here, the checker's tests resolve them.)
 */
class CapturedScenarioTest {
    static final Path EL2 = Path.of("../scenarios/captured/captured-6.1-el2.yaml");
    static final Path EL2H = Path.of("../scenarios/captured/captured-6.1-el2h.yaml");

    @Test
    void nonVheCaptureIsRelocationAtEl1ThenTheEl2VectorsFromTheCapturedPages() throws ScenarioError {
        RelocationPlan p = ScenarioBuilders.build(ScenarioLoader.load(EL2));
        assertEquals(CapturedPlan.DESIGN, p.design());
        assertEquals(2, p.phases().size(), p.phases().toString());
        assertEquals(Regime.EL1_0, p.phases().get(0).regs().regime());
        assertEquals(Regime.EL2, p.phases().get(1).regs().regime());
        assertEquals(0x400, p.phases().get(1).exceptions().get(0).offset());
        Capture c = p.scenario().tables().captured();
        assertEquals(c.kimage().ttbr1(), p.phases().get(0).regs().ttbr1(), "the loop's TTBR1 is kimage->arch.ttbr1");
        assertEquals(c.x().get(2).longValue(), p.phases().get(0).regs().ttbr0(), "x2 = the idmap machine_kexec installed");
        for (PhysRegion.Kind k : List.of(PhysRegion.Kind.CODE, PhysRegion.Kind.VECTORS, PhysRegion.Kind.KIMAGE, PhysRegion.Kind.CONTROL,
                PhysRegion.Kind.TABLE, PhysRegion.Kind.INDIRECTION, PhysRegion.Kind.SOURCE, PhysRegion.Kind.DESTINATION)) {
            assertTrue(!p.regions(k).isEmpty(), "no " + k + " region: " + p.regions());
        }
        assertEquals(c.pages().size() - 1 - p.list().indirectionPages().size(), p.regions(PhysRegion.Kind.TABLE).size(),
                "every captured page but struct kimage and the entry list is a table page reachable from TTBR0 or the copy");
        long pages = c.sources().stream().mapToLong(Capture.SourceHash::pages).sum();
        assertEquals(pages, p.list().copies().size(), "the entry list parsed from kimage->head in the captured pages");
    }

    @Test
    void vheCaptureIsOnePhaseAtEl2WithE2h() throws ScenarioError {
        RelocationPlan p = ScenarioBuilders.build(ScenarioLoader.load(EL2H));
        assertEquals(1, p.phases().size(), p.phases().toString());
        assertEquals(Regime.EL2_0, p.phases().get(0).regs().regime());
        assertEquals(List.of(), p.regions(PhysRegion.Kind.VECTORS), "VHE: no EL2 vector copy (kimage->arch.el2_vectors = 0)");
        assertEquals(2, p.scenario().tables().captured().currentEl());
    }

    @Test
    void capturesAreSmallAndHoldNoCodeBytes() throws IOException, ScenarioError {
        for (Path f : List.of(EL2, EL2H)) {
            assertTrue(Files.size(f) < 2 << 20, f + ": " + Files.size(f) + " bytes");
            Capture c = ScenarioLoader.load(f).tables().captured();
            for (Capture.CodeRef r : c.code()) {
                assertTrue(!c.pages().containsKey(r.pa()), String.format("%s: the code page 0x%x (%s) is stored by value", f, r.pa(), r.symbol()));
            }
        }
    }

    private static String base() throws IOException {
        return Files.readString(EL2);
    }

    private static ScenarioError fail(String yaml) {
        return assertThrows(ScenarioError.class, () -> ScenarioBuilders.build(ScenarioLoader.parse("t.yaml", yaml)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
            "CurrentEL that contradicts CPSR;current_el: 1;current_el: 2;captured.stop.current_el",
            "captured without the builder;builder: captured ;builder: upstream-trans-pgd ;captured",
            "unknown captured field;  what: ;  wot: 1\\n  what: ;captured.wot",
            "page text that is not words;0x8000000474f1003 0x8000000476e8003 0*510;0x8000000474f1003 0xzz 0*510;captured.pages.0x474f0000",
            "a page key that is not page aligned;    \"0x474f1000\": |;    \"0x474f1001\": |;captured.pages.0x474f1001",
            "sha256 that is not hex;sha256: \"f;sha256: \"g;captured.sources[0].sha256",
    })
    void reportsTheField(String what, String from, String to, String field) throws IOException {
        String yaml = base().replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to.replace("\\n", "\n")));
        ScenarioError e = fail(yaml);
        assertTrue(e.oneLine().startsWith("t.yaml: " + field), what + " -> " + e.oneLine());
        assertEquals(1, e.oneLine().lines().count(), e.oneLine());
    }

    @Test
    void aSegmentThatIsNotTheEntryListsRunIsNamed() throws IOException {
        String yaml = base().replaceFirst("size: 0x21da000, dest: 0x42000000", "size: 0x21d9000, dest: 0x42000000");
        ScenarioError e = fail(yaml);
        assertTrue(e.oneLine().startsWith("t.yaml: kimage.segments[0]: "), e.oneLine());
    }

    @Test
    void aTablePageThatWasNotCapturedIsNamed() throws IOException {
        // drop the first level-3 table of the linear-map copy: its level-2 entry then points at a page the capture lacks
        String yaml = base().replaceFirst("(?s)    \"0x474f2000\": \\|[^\n]*\n      [^\n]*\n", "");
        ScenarioError e = fail(yaml);
        assertTrue(e.oneLine().startsWith("t.yaml: captured.pages: level-3 table 0x474f2000"), e.oneLine());
    }
}
