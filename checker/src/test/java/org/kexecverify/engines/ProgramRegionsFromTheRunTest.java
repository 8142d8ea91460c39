package org.kexecverify.engines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kexecverify.cli.Scenarios;
import org.kexecverify.emulator.scenario.FootprintRun;
import org.kexecverify.model.engine.ModelEngine;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.ProgramFootprint;
import org.kexecverify.model.program.ProgramRegions;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;

/**
 * The regions the model and smt engines prove include every page a run of the scenario's code touched: a page the
 * builder did not list but the code reads is walked too, and its fault refutes DATA_ACCESSIBLE.
 */
class ProgramRegionsFromTheRunTest {
    static RelocationPlan upstream() {
        RelocationPlan p = Scenarios.plan(Path.of("../scenarios/upstream-el2.yaml"));
        Assumptions.assumeTrue(p.scenario().code().get().isPresent(), "Linux 6.1 code not available: " + p.scenario().code().reason());
        return p;
    }

    static Verdict data(RelocationPlan p) {
        return new ModelEngine().check(p).stream().filter(v -> v.obligation() == Obligation.DATA_ACCESSIBLE).findFirst().orElseThrow();
    }

    @Test
    void everyPageTheLinux61RunTouchedIsInsideTheProvedRegions() throws Exception {
        RelocationPlan p = upstream();
        ProgramFootprint fp = FootprintRun.of(p);
        assertTrue(fp.reachedNewKernel(), fp.end());
        assertTrue(fp.touches().size() > 6000, "the run touched " + fp.touches().size() + " pages");
        RelocationPlan q = ProgramRegions.apply(p, fp);
        Phase reloc = q.phases().get(0);
        for (ProgramFootprint.Touch t : fp.touches()) {
            if (t.regime() != reloc.regs().regime()) continue;
            List<Region> rs = t.access() == AccessType.FETCH ? reloc.code() : reloc.data();
            assertTrue(rs.stream().anyMatch(r -> Long.compareUnsigned(t.vaPage() - (r.va() & ~0xfffL), r.size() + (r.va() & 0xfff)) < 0),
                    "touched page outside every region: " + t);
        }
        // the hvc into the EL2 vector copy is among the vector entries proved
        assertTrue(q.phases().get(1).exceptions().stream().anyMatch(v -> v.offset() == 0x400), q.phases().get(1).exceptions().toString());
        assertEquals("PROVED", data(q).outcome(), data(q).explanation());
    }

    @Test
    void aPageOnlyTheRunReadsIsWalkedAndItsFaultRefutesDataAccessible() {
        RelocationPlan p = upstream();
        Phase reloc = p.phases().get(0);
        long unmapped = 0xffff_7000_0000_0000L; // TTBR1 range, outside the linear map the copy covers
        ProgramFootprint fp = new ProgramFootprint(List.of(new ProgramFootprint.Touch(reloc.regs().regime(), reloc.regs().ttbr1(), unmapped, -1,
                AccessType.READ)), List.of(), true, "synthetic");
        assertEquals("PROVED", data(p).outcome(), data(p).explanation());
        Verdict v = data(ProgramRegions.apply(p, fp));
        assertEquals("REFUTED", v.outcome(), v.explanation());
        assertTrue(v.explanation().contains("data read by the run"), v.explanation());
    }
}
