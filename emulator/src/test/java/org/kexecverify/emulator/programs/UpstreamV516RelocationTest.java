package org.kexecverify.emulator.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.programs.KexecSetup.Design;

/** The v5.16 design: EL1 copy with the MMU on through the linear-map copy, dc civac per page, HVC_SOFT_RESTART to EL2. */
class UpstreamV516RelocationTest {
    @Test
    void relocatesThroughTheLinearMapAndEntersTheNewImageAtEl2() {
        KexecSetup.Prepared p = KexecSetup.of(Design.UPSTREAM_V5_16).imageBytes(600 * 4096).build();
        RunResult r = p.run(10_000_000);
        RunResult.Completed c = assertInstanceOf(RunResult.Completed.class, r, () -> r + "\n" + p.machine().exceptions());
        assertEquals(KexecSetup.DESTINATION, c.pc());
        assertEquals(2, c.el(), "HVC_SOFT_RESTART entered the new image at EL2");
        assertEquals(1, c.exceptions().size(), "exactly the hvc: " + c.exceptions());
        assertEquals(0x16, c.exceptions().get(0).ec());
        assertEquals(KexecSetup.DTB, p.machine().x(0), "x0 = dtb");
        assertEquals(0, p.machine().x(1) | p.machine().x(2) | p.machine().x(3), "x1..x3 = 0");
        assertEquals(java.util.List.of(), p.mismatchedDestinations());
        assertEquals(0, p.machine().ram().dirtyLines().length, "every destination line cleaned to the PoC");
        long fills = p.machine().tlb().fills();
        assertTrue(fills > 0 && fills < 60, "the linear map's 2 MB blocks are cached as block entries, not per page: " + fills);
    }

    @Test
    void bootedAtEl1BranchesStraightToTheNewImage() {
        KexecSetup.Prepared p = KexecSetup.of(Design.UPSTREAM_V5_16).imageBytes(8 * 4096).bootedAtEl2(false).build();
        RunResult r = p.run(1_000_000);
        RunResult.Completed c = assertInstanceOf(RunResult.Completed.class, r, () -> r + "\n" + p.machine().exceptions());
        assertEquals(1, c.el());
        assertEquals(0, c.exceptions().size());
        assertEquals(java.util.List.of(), p.mismatchedDestinations());
    }

    /** The v13 ThunderX2 hang: dc ivac instead of dc civac after a cacheable copy throws the copied data away. */
    @Test
    void dcIvacAfterTheCopyLosesTheDestinationData() {
        String variant = Program.UPSTREAM_V5_16.source().replace("dc\tcivac, x20", "dc\tivac, x20");
        KexecSetup.Prepared p = KexecSetup.of(Design.UPSTREAM_V5_16).imageBytes(8 * 4096).programSource(variant).build();
        RunResult r = p.run(1_000_000);
        assertInstanceOf(RunResult.Completed.class, r, () -> r + "\n" + p.machine().exceptions());
        assertEquals(8, p.mismatchedDestinations().size(), "every destination page lost its copy");
    }
}
