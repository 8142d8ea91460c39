package org.kexecverify.emulator.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.mem.CacheGeometry;
import org.kexecverify.model.verdict.Obligation;

/**
 * RFC v2 8/8 cleans the D-cache by set/way, level 1 only (Mark Rutland, 31 Jul 2019: set/way maintenance is not a
 * way to reach the PoC). On the fixed EL2 layout ({@code rfc-v2-el2-fixed}, the code page executable at EL2) the copy
 * runs with the caches on; its lines that L1 evicted sit dirty in L2. With an L2 below the PoC (the default,
 * Cortex-A57/A72-like geometry) the final DC CISW loop moves L1's dirty lines to L2 and the new kernel, with its MMU
 * off, reads RAM that never got the data. With a hierarchy whose only level is L1 (LoC = 1) the same loop does reach
 * the PoC and the hand-off is clean.
 */
class RfcV2SetWayCleansLevel1OnlyTest {
    @Test
    void withAnL2TheLevel1SetWayCleanLeavesDestinationsDirtyAboveThePoc() throws Exception {
        ScenarioRun run = ScenarioRun.prepare(ScenarioRunTest.plan("rfc-v2-el2-fixed"));
        ScenarioRun.Outcome o = run.run(200_000_000);
        RunResult.Completed c = assertInstanceOf(RunResult.Completed.class, o.result(), () -> o + "\n" + run.machine().exceptions());
        assertEquals(2, c.el());
        assertFalse(o.dirtyDestinationLines().isEmpty(), o::toString);
        assertTrue(o.violates(Obligation.COHERENT_HANDOFF), o::toString);
        assertTrue(o.notes().stream().anyMatch(n -> n.startsWith("dirty D-cache lines over destinations at the hand-off, by level: L1 0 L2 ")), o::toString);
        assertEquals(0, run.machine().ram().dirtyLinesPerLevel()[0], "level 1 was cleaned: " + o);
    }

    @Test
    void withLevel1AsThePocTheSameCodeHandsOffClean() throws Exception {
        ScenarioRun run = ScenarioRun.prepare(ScenarioRunTest.plan("rfc-v2-el2-fixed"), ScenarioRun.Options.DEFAULT.withGeometry(CacheGeometry.L1_ONLY));
        ScenarioRun.Outcome o = run.run(200_000_000);
        assertInstanceOf(RunResult.Completed.class, o.result(), () -> o + "\n" + run.machine().exceptions());
        assertTrue(o.clean(), o::toString);
    }

    @Test
    void theCodeReadsTheCacheGeometryFromCcsidr() throws Exception {
        ScenarioRun run = ScenarioRun.prepare(ScenarioRunTest.plan("rfc-v2-el2-fixed"));
        run.run(200_000_000);
        // CLIDR: L1 separate I/D, L2 unified, LoC 2
        assertEquals(0x0a200023L, run.machine().sysReg(org.kexecverify.model.a64.SysRegId.CLIDR_EL1));
        assertEquals(0L, run.machine().sysReg(org.kexecverify.model.a64.SysRegId.CSSELR_EL1), "level 1 selected");
    }
}
