package org.kexecverify.model.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Range overlap checks compare unsigned inclusive ends, so a range that ends exactly at 2^64 is compared right, and
 * the sorted-neighbour check finds an overlap wherever the earlier range sits among many.
 */
class RamRangesOverlapAtTheTopOfTheAddressSpaceTest {
    @Test
    void rangesEndingAt2To64Overlap() {
        long top = 0xffff_ffff_ffff_e000L;
        assertTrue(ScenarioLoader.overlaps(top, 0x2000, top + 0x1000, 0x1000), "both end at 2^64");
        assertFalse(ScenarioLoader.overlaps(top, 0x1000, top + 0x1000, 0x1000), "adjacent");
        assertFalse(ScenarioLoader.overlaps(0, 0x1000, 0x1000, 0x1000), "adjacent at 0");
    }

    @Test
    void theNeighbourCheckFindsEveryOverlapAmongManyRanges() {
        ScenarioLoader.Intervals<Integer> iv = new ScenarioLoader.Intervals<>();
        for (int i = 0; i < 80_000; i++) {
            long base = 0x4000_0000L + (long) i * 0x2000;   // every other page
            assertNull(iv.overlapping(base, 0x1000), "range " + i);
            iv.add(base, 0x1000, i);
        }
        assertEquals(40_000, iv.overlapping(0x4000_0000L + 40_000L * 0x2000 + 0x800, 0x1000));     // inside range 40000
        assertEquals(39_999, iv.overlapping(0x4000_0000L + 39_999L * 0x2000 + 0x1000 - 8, 0x2000)); // from the gap's left side
        assertNull(iv.overlapping(0x4000_0000L + 12_345L * 0x2000 + 0x1000, 0x1000));               // exactly a gap
        assertEquals(0, iv.overlapping(0, 0x4000_0000L + 7 * 0x2000 + 1));                           // spans the first eight: names the first
        iv.add(0xffff_ffff_ffff_f000L, 0x1000, -1);
        assertEquals(-1, iv.overlapping(0xffff_ffff_ffff_e000L, 0x2000));
    }

    @Test
    void aScenarioWithTwoRamRangesEndingAt2To64IsRejected() throws Exception {
        String yaml = Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml"));
        String ram = "ram:\n  - {base: 0xffffffffffffe000, size: 0x2000}\n  - {base: 0xfffffffffffff000, size: 0x1000}\n";
        String bad = yaml.replaceFirst("(?m)^ram:\\n(  - .*\\n)+", ram);
        ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioLoader.parse("t.yaml", bad));
        assertTrue(e.oneLine().contains("ram[1]") && e.oneLine().contains("overlaps an earlier RAM range"), e.oneLine());
    }
}
