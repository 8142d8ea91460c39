package org.kexecverify.emulator.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.plan.RelocationPlan;

/**
 * The QEMU relocation bench on a 2 MiB variant of {@code scenarios/upstream-el2.yaml} (kernel and initramfs
 * segments 1 MiB each, everything else as bundled): the v5.16 program, entered at EL1 with ScenarioRun's
 * registers, copies every source page to its destination and reaches kimage->start at EL2 through
 * HVC_SOFT_RESTART; CNTVCT_EL0 advances across it. A verify list with two sources swapped must FAIL, so the
 * comparison in the wrapper can tell a wrong destination.
 */
class QemuRelocatesUpstreamEl2PlanTest {

    private static Toolchain tools;
    private static Path scenario;
    private static final Path WORK = Path.of("target", "qemu-work");

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(Toolchain.available(), Toolchain.missingReason());
        tools = Toolchain.find().orElseThrow();
        String yaml = Files.readString(Path.of("..", "scenarios", "upstream-el2.yaml"));
        String small = yaml.replace("{name: kernel, size: 13M,", "{name: kernel, size: 1M,")
                .replace("{name: initramfs, size: 12M,", "{name: initramfs, size: 1M,");
        assertTrue(!small.equals(yaml) && small.contains("size: 1M, dest: 0x48000000"), "the segment lines of upstream-el2.yaml changed:\n" + yaml);
        Files.createDirectories(WORK);
        scenario = WORK.resolve("upstream-el2-2m.yaml");
        Files.writeString(scenario, small);
    }

    @Test
    void relocationInQemuCopiesEveryPageAndEntersTheNewImageAtEl2() throws Exception {
        RelocationPlan plan = QemuRelocationBench.plan(scenario);
        int pages = plan.list().copies().size();
        QemuRelocationBench.Measurement m = QemuRelocationBench.run(tools, plan, WORK);
        assertTrue(m.ok(), m::summary);
        assertEquals(pages, m.pagesChecked(), m::summary);
        assertEquals(2, m.returnEl() >>> 2, m::summary);
        assertTrue(m.ticks() > 0 && m.cntfrq() > 0, m::summary);
        assertTrue(m.relocationLineNanos() > 0 && m.totalNanos() > m.bootNanos(), m::summary);
    }

    @Test
    void wrapperComparisonReportsSwappedSources() throws Exception {
        RelocationPlan plan = QemuRelocationBench.plan(scenario);
        QemuRelocationBench.Measurement m = QemuRelocationBench.run(tools, plan, WORK, copies -> {
            List<KimageList.Copy> l = new ArrayList<>(copies);
            KimageList.Copy a = l.get(0);
            KimageList.Copy b = l.get(1);
            l.set(0, new KimageList.Copy(b.source(), a.destination()));
            l.set(1, new KimageList.Copy(a.source(), b.destination()));
            return l;
        });
        assertFalse(m.ok(), m::summary);
        assertEquals(2, m.badPages(), m::summary);
        assertEquals(plan.list().copies().get(0).destination(), m.firstBad(), m::summary);
    }
}
