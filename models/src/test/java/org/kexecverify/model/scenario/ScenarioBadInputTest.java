package org.kexecverify.model.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad scenarios fail with one line naming the file and the field path. */
class ScenarioBadInputTest {
    static String base() throws IOException {
        return Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml"));
    }

    private static ScenarioError fail(String yaml) {
        return assertThrows(ScenarioError.class, () -> ScenarioBuilders.build(ScenarioLoader.parse("t.yaml", yaml)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "size past 2^64|size: 13M, dest|size: 0x10000000000000000, dest|kimage.segments[0].size",
            "size not a size|size: 12M, dest|size: 12Q, dest|kimage.segments[1].size",
            "overlapping segments|dest: 0x48000000|dest: 0x40100000|kimage.segments[1].dest",
            "misaligned destination|dest: 0x4fe00000|dest: 0x4fe00010|kimage.segments[2].dest",
            "unknown builder|builder: rfc-v2-trans-table|builder: rfc-v3|tables.builder",
            "unknown field|placement:|placment_typo: 1\\nplacement:|placment_typo",
            "register value too wide|SCTLR_EL2: 0x30e5183f|SCTLR_EL2: 0x130e5183f00000000|registers.SCTLR_EL2",
            "unknown register|HCR_EL2: 0x80000000|HCR_EL3: 0x80000000|registers.HCR_EL3",
            "unknown regime|regime: el2|regime: el3|regime",
            "control pages outside RAM|control_pages: 0x1b3069000|control_pages: 0x3b3069000|placement.control_pages",
            "ttbr differs from the built root|TTBR0_EL2: 0x1b3069000|TTBR0_EL2: 0x1b3068000|registers.TTBR0_EL2",
            "RAM wraps|size: 8G|size: 0xfffffffffffff000|ram[0]",
    })
    void reportsTheField(String what, String from, String to, String field) throws IOException {
        String yaml = base().replace(from, to.replace("\\n", "\n"));
        ScenarioError e = fail(yaml);
        assertTrue(e.oneLine().startsWith("t.yaml: " + field), what + " -> " + e.oneLine());
        assertEquals(1, e.oneLine().lines().count(), e.oneLine());
    }

    @Test
    void cyclicTablePointersAreRejected() throws IOException {
        // the level-1 entry for VA 0 points back at the root table (0x1b3069000)
        String yaml = base().replace("  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  entries:\n"
                + "    - {address: 0x1b306c000, value: 0x1b3069003}");
        ScenarioError e = fail(yaml);
        assertTrue(e.getMessage().contains("cyclic"), e.oneLine());
    }

    @Test
    void tableDescriptorOutsideRamIsRejected() throws IOException {
        String yaml = base().replace("  builder: rfc-v2-trans-table", "  builder: rfc-v2-trans-table\n  entries:\n"
                + "    - {address: 0x1b3069ff8, value: 0x10000003}");
        ScenarioError e = fail(yaml);
        assertTrue(e.getMessage().contains("outside RAM"), e.oneLine());
    }

    @Test
    void malformedYamlNamesTheLine() {
        ScenarioError e = fail("name: x\nregime: [el2\n");
        assertTrue(e.oneLine().contains("not valid YAML"), e.oneLine());
    }

    @Test
    void absurdSegmentSizeIsRejectedBeforeAllocating() throws IOException {
        String yaml = base().replace("size: 13M, dest: 0x40080000", "size: 17G, dest: 0x1000000000").replace("size: 8G", "size: 1T");
        ScenarioError e = fail(yaml);
        assertTrue(e.getMessage().contains("16 GiB"), e.oneLine());
    }
}
