package org.kexecverify.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.cli.Scenarios;

/**
 * The report's memory map: on its segmented axis a 4 KB page beside 8 GB of RAM is many pixels wide (a linear axis
 * gives it 0.0003 px); a RAM hole is drawn and named; address ticks are labelled; the red "not identity-mapped" mark
 * appears only for a region the phase uses at its PA, so the proved rfc-v2-el2-fixed has none while a region the
 * design really leaves unmapped would.
 */
class MemoryMapShowsPagesHolesAndOnlyRealFaultsTest {
    private static final String RED = "fill:rgb(211,47,47)";

    @Test
    void aPageBesideGigabytesIsVisible() {
        Pictures.Axis a = new Pictures.Axis(List.of(0x40000000L, 0x40001000L, 0x240000000L), 600);
        int page = a.x(0x40001000L) - a.x(0x40000000L);
        assertTrue(page >= 10, "a 4 KB page gets " + page + " px of 600");
        assertTrue(a.x(0x240000000L) == 600 && a.x(0x40000000L) == 0, "the axis spans the width");
        assertTrue(a.x(0x100000000L) > a.x(0x40001000L) && a.x(0x100000000L) < 600, "monotone inside a segment");
    }

    @Test
    void holesTicksAndNoRedOnAProvedDesign(@TempDir Path dir) throws Exception {
        String fixed = Pictures.memoryMap(Scenarios.plan(Path.of("../scenarios/rfc-v2-el2-fixed.yaml")));
        assertFalse(fixed.contains(RED), "a proved design has no red idmap mark");
        assertTrue(fixed.contains(">0x40000000<") && fixed.contains(">0x240000000<"), "address ticks name the ends of RAM");

        String text = Files.readString(Path.of("../scenarios/rfc-v2-el2-fixed.yaml"))
                .replace("../designs/", Path.of("../designs").toAbsolutePath().normalize() + "/")
                .replace("  - {base: 0x40000000, size: 8G}", "  - {base: 0x40000000, size: 8G}\n  - {base: 0x400000000, size: 1G}");
        Path two = Files.writeString(dir.resolve("two-ram-ranges.yaml"), text);
        String holed = Pictures.memoryMap(Scenarios.plan(two));
        assertTrue(holed.contains(">hole<"), "the gap between the RAM ranges is drawn as a hole");
    }
}
