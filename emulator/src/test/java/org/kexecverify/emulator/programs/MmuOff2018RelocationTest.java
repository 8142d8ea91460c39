package org.kexecverify.emulator.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.mem.Frame;
import org.kexecverify.emulator.programs.KexecSetup.Design;

/** The pre-2019 MMU-off loop: dc ivac on each destination page before the uncached copy. */
class MmuOff2018RelocationTest {
    private static KexecSetup.Prepared withStaleDirtyLine(String source) {
        KexecSetup s = KexecSetup.of(Design.MMU_OFF_2018).imageBytes(4 * 4096);
        if (source != null) {
            s.programSource(source);
        }
        KexecSetup.Prepared p = s.build();
        // the old kernel wrote the first destination line with the caches on and never cleaned it
        Frame f = p.machine().ram().frame(KexecSetup.DESTINATION);
        p.machine().ram().dWrite64(f, 0, 0xdead_beefL);
        return p;
    }

    @Test
    void copiesWithTheMmuOffAndInvalidatesStaleDestinationLines() {
        KexecSetup.Prepared p = withStaleDirtyLine(null);
        RunResult r = p.run(1_000_000);
        RunResult.Completed c = assertInstanceOf(RunResult.Completed.class, r, () -> r + "\n" + p.machine().exceptions());
        assertEquals(2, c.el());
        assertEquals(java.util.List.of(), p.mismatchedDestinations());
        assertEquals(0, p.machine().ram().dirtyLines().length, "dc ivac discarded the stale dirty line");
    }

    @Test
    void withoutDcIvacAStaleDirtyLineSitsOverTheCopiedKernel() {
        String variant = Program.MMU_OFF_2018.source().replace("2:\tdc\tivac, x0", "2:\tnop");
        KexecSetup.Prepared p = withStaleDirtyLine(variant);
        RunResult r = p.run(1_000_000);
        assertInstanceOf(RunResult.Completed.class, r, () -> r + "\n" + p.machine().exceptions());
        assertEquals(java.util.List.of(), p.mismatchedDestinations(), "RAM holds the copy for now");
        assertTrue(p.machine().ram().lineDiffersFromRam(KexecSetup.DESTINATION),
                "a dirty line with old data covers the new kernel: its eviction would overwrite the copy");
        assertFalse(p.machine().ram().dirtyLines().length == 0);
    }
}
