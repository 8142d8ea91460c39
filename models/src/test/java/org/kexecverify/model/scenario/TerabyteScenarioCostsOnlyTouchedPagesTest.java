package org.kexecverify.model.scenario;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.plan.RelocationPlan;

/** A 1 TiB RAM layout allocates only the pages written (tables, list, kimage), not the TiB. */
class TerabyteScenarioCostsOnlyTouchedPagesTest {
    @Test
    void oneTebibyteOfRamTouchesFewPages() throws Exception {
        String yaml = Files.readString(Path.of("../scenarios/rfc-v2-el2.yaml")).replace("size: 8G", "size: 1T");
        RelocationPlan plan = ScenarioBuilders.build(ScenarioLoader.parse("tib.yaml", yaml));
        int touched = plan.memory().pagesTouched();
        // 25 MB of segments: ~6,400 copies -> 13 entry pages; identity tables for ~12,800 pages -> < 64 table pages
        assertTrue(touched < 200, "pages touched: " + touched);
        assertTrue(plan.memory().isRam(0x40000000L + (1L << 40) - 4096));
    }
}
