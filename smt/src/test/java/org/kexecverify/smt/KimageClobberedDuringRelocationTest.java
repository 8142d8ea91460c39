package org.kexecverify.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.smt.bench.IdmapMachine;
import org.kexecverify.smt.placement.PlacementPlan;
import org.kexecverify.smt.placement.PlacementPlan.Guarantee;
import org.kexecverify.smt.placement.PlacementPlan.PlacedObject;
import org.kexecverify.smt.placement.PlacementPlan.Segment;
import org.kexecverify.smt.placement.PlacementQuery;

/**
 * Linux commit eb3d8ea3e1f0 ("arm64: kexec: load from kimage prior to clobbering", 2022): the
 * struct kimage is kzalloc'd anywhere in RAM, so reading its fields after the first copy is
 * unsafe for some placement. Seen once on a 2 GiB QEMU machine; here it is found for any RAM size.
 */
class KimageClobberedDuringRelocationTest {
    static SmtEngine engine;

    @BeforeAll
    static void open() { engine = new SmtEngine(SmtOptions.DEFAULT); }

    @AfterAll
    static void close() { engine.close(); }

    static final List<Segment> SEGMENTS = List.of(new Segment("kernel Image", 0x4020_0000L, 24L << 20),
            new Segment("initramfs", 0x4800_0000L, 8L << 20), new Segment("dtb", 0x4c00_0000L, 0x1000));

    static SmtInput input(PlacementPlan plan) {
        return new IdmapMachine(Regime.EL1_0).input("placement").withMem(new IdmapMachine(Regime.EL1_0).mem)
                .withPlacement(plan);
    }

    static List<PlacedObject> controlPages() {
        return List.of(PlacedObject.controlPage("relocation code page"), PlacedObject.controlPage("trans_pgd level-0 table"),
                PlacedObject.controlPage("trans_pgd level-3 table"), PlacedObject.controlPage("EL2 vector copy"),
                new PlacedObject("indirection page", Guarantee.AVOIDS_DESTINATIONS, OptionalLong.empty(), 0x1000, -1));
    }

    @Test
    void kimageFieldsReadBeforeTheFirstCopyIsProvedForEveryPlacement() {
        List<PlacedObject> objs = new java.util.ArrayList<>(controlPages());
        objs.add(PlacedObject.kimage(0));
        Verdict v = engine.decide(input(new PlacementPlan(SEGMENTS, objs, true)), Obligation.NO_CLOBBER);
        assertInstanceOf(Verdict.Proved.class, v, v.explanation());
    }

    @Test
    void kimageFieldReadAfterTheFirstCopyIsClobberedForSomePlacement() {
        List<PlacedObject> objs = new java.util.ArrayList<>(controlPages());
        objs.add(PlacedObject.kimage(1));
        PlacementPlan plan = new PlacementPlan(SEGMENTS, objs, true);
        Verdict v = engine.decide(input(plan), Obligation.NO_CLOBBER);
        Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, v, v.explanation());
        @SuppressWarnings("unchecked")
        Map<String, Long> placement = (Map<String, Long>) r.counterexample().witness().get("placement");
        assertEquals(0L, PlacementQuery.firstClobber(plan, placement), v.explanation());
        assertEquals(0x4020_0000L, placement.get("pa(struct kimage)"), v.explanation());
        assertTrue(v.explanation().contains("struct kimage"), v.explanation());
    }

    @Test
    void aTablePageFromAnAllocatorWithoutTheDestinationCheckIsClobbered() {
        List<PlacedObject> objs = List.of(PlacedObject.controlPage("relocation code page"),
                new PlacedObject("trans_table page (plain get_zeroed_page)", Guarantee.ANYWHERE_IN_RAM, OptionalLong.empty(), 0x1000, -1));
        Verdict v = engine.decide(input(new PlacementPlan(SEGMENTS, objs, true)), Obligation.NO_CLOBBER);
        assertInstanceOf(Verdict.Refuted.class, v, v.explanation());
        assertTrue(v.explanation().contains("trans_table page"), v.explanation());
    }

    @Test
    void sourcePagesBreakingKimageAllocPagesInvariantAreClobbered() {
        Verdict ok = engine.decide(input(new PlacementPlan(SEGMENTS, controlPages(), true)), Obligation.NO_CLOBBER);
        assertInstanceOf(Verdict.Proved.class, ok, ok.explanation());
        Verdict v = engine.decide(input(new PlacementPlan(SEGMENTS, controlPages(), false)), Obligation.NO_CLOBBER);
        assertInstanceOf(Verdict.Refuted.class, v, v.explanation());
        assertTrue(v.explanation().contains("unread source"), v.explanation());
    }
}
