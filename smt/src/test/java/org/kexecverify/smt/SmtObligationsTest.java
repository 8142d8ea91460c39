package org.kexecverify.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.Walker;
import org.kexecverify.smt.bench.IdmapMachine;
import org.kexecverify.smt.bench.IdmapMachine.Leaf;

/** IDMAP_COVERS_CODE, VECTORS_EXECUTABLE, DATA_ACCESSIBLE and REGISTERS_VALID decided by Z3 on small machines. */
class SmtObligationsTest {
    static SmtEngine engine;
    static final long CODE = 0x4100_0000L;
    static final long CODE_SIZE = 25L << 20;

    @BeforeAll
    static void open() { engine = new SmtEngine(SmtOptions.DEFAULT); }

    @AfterAll
    static void close() { engine.close(); }

    static String show(Verdict v) {
        return v.outcome() + ": " + v.explanation() + (v instanceof Verdict.Refuted r ? "\n" + r.counterexample().witness().get("walk") : "");
    }

    @Test
    void rfcV2RelocationPageMappedPageKernelExecIsExecuteNeverAtEl2() {
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(CODE, CODE_SIZE, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", CODE, CODE_SIZE);
        Verdict v = engine.decide(m.input("rfc-v2-el2"), Obligation.IDMAP_COVERS_CODE);
        Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, v, show(v));
        long va = (Long) r.counterexample().witness().get("va");
        assertTrue(Long.compareUnsigned(va - CODE, CODE_SIZE) < 0, show(v));
        Translation t = Walker.translate(m.regs(), m.mem, va, AccessType.FETCH);
        Translation.Fault f = assertInstanceOf(Translation.Fault.class, t, t.render());
        assertEquals(org.kexecverify.model.walk.FaultKind.PERMISSION, f.kind(), t.render());
        assertTrue(v.explanation().contains("bit 54"), show(v));
    }

    @Test
    void samePageKernelExecMappingIsExecutableAtEl1AndVhe() {
        for (Regime g : List.of(Regime.EL1_0, Regime.EL2_0)) {
            IdmapMachine m = new IdmapMachine(g).idmap(CODE, CODE_SIZE, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                    .code("relocation code", CODE, CODE_SIZE);
            Verdict v = engine.decide(m.input("rfc-v2-" + g.cliName()), Obligation.IDMAP_COVERS_CODE);
            assertInstanceOf(Verdict.Proved.class, v, g + ": " + show(v));
        }
    }

    @Test
    void pageHypExecMappingIsExecutableAtEl2() {
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(CODE, CODE_SIZE, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", CODE, CODE_SIZE);
        Verdict v = engine.decide(m.input("fixed-el2"), Obligation.IDMAP_COVERS_CODE);
        assertInstanceOf(Verdict.Proved.class, v, show(v));
    }

    @Test
    void oneMissingPageInTheMiddleOfA25MiBRegionIsFound() {
        long hole = CODE + 0xC0_0000L + 0x7000;
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(CODE, CODE_SIZE, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", CODE, CODE_SIZE);
        m.tables.writeEntry(hole, 3, 0);
        Verdict v = engine.decide(m.input("hole"), Obligation.IDMAP_COVERS_CODE);
        Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, v, show(v));
        long va = (Long) r.counterexample().witness().get("va");
        assertEquals(hole >>> 12, va >>> 12, show(v));
    }

    @Test
    void nonIdentityLeafIsRefutedWithTheWrongPa() {
        IdmapMachine m = new IdmapMachine(Regime.EL1_0).idmap(CODE, 0x20_0000L, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", CODE, 0x20_0000L);
        m.tables.mapPage(CODE + 0x5000, CODE + 0x9000, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3));
        Verdict v = engine.decide(m.input("shifted"), Obligation.IDMAP_COVERS_CODE);
        Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, v, show(v));
        assertEquals(CODE + 0x5000, ((Long) r.counterexample().witness().get("va")) & ~0xfffL, show(v));
    }

    @Test
    void vbarEl2IntoUnmappedKernelImageIsRefuted() {
        long image = 0x4008_0000L;
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(CODE, 0x10_0000L, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", CODE, 0x10_0000L).vbar(image + 0x800);
        Verdict v = engine.decide(m.input("vbar-unmapped"), Obligation.VECTORS_EXECUTABLE);
        Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, v, show(v));
        long va = (Long) r.counterexample().witness().get("va");
        assertTrue(va >= image + 0xa00 && va < image + 0xa80, show(v));
        Verdict ok = engine.decide(m.vbar(CODE + 0x800).input("vbar-in-code"), Obligation.VECTORS_EXECUTABLE);
        assertInstanceOf(Verdict.Proved.class, ok, show(ok));
    }

    @Test
    void readOnlyListPageFailsWriteButPassesRead() {
        long list = 0x4200_0000L;
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(list, 0x4000, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .region(Region.data("entry list", list, list + 0x4000, AccessType.READ, true));
        assertInstanceOf(Verdict.Proved.class, engine.decide(m.input("ro-read"), Obligation.DATA_ACCESSIBLE));
        m.region(Region.data("destination", list + 0x2000, list + 0x3000, AccessType.WRITE, true));
        Verdict v = engine.decide(m.input("ro-write"), Obligation.DATA_ACCESSIBLE);
        Verdict.Refuted r = assertInstanceOf(Verdict.Refuted.class, v, show(v));
        assertEquals("destination", r.counterexample().witness().get("region"), show(v));
    }

    @Test
    void seedRegistersAreValidAndAClearedRes1BitIsNot() {
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(CODE, 0x1000, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K);
        SmtInput in = m.input("seed-regs");
        Verdict ok = engine.decide(in, Obligation.REGISTERS_VALID);
        assertInstanceOf(Verdict.Proved.class, ok, show(ok));
        SmtInput bad = in.withRegs(in.regs().withTcr(IdmapMachine.TCR_EL2 & ~(1L << 31)));
        Verdict v = engine.decide(bad, Obligation.REGISTERS_VALID);
        assertInstanceOf(Verdict.Refuted.class, v, show(v));
        assertTrue(v.explanation().contains("RES1"), show(v));
        // the seed's TTBR0_EL2 lies above 4 GB: fine with PS=44-bit, beyond IPS=32-bit when 0x80843510 is read in the VHE layout
        long seedTtbr = 0x1_b306_9000L;
        SmtInput nvhe = in.withRegs(in.regs().withTtbr0(seedTtbr));
        Verdict fine = engine.decide(nvhe, Obligation.REGISTERS_VALID);
        assertInstanceOf(Verdict.Proved.class, fine, show(fine));
        SmtInput vhe = in.withRegs(new org.kexecverify.model.walk.TranslationRegs(Regime.EL2_0, IdmapMachine.SCTLR_EL1, IdmapMachine.TCR_EL2,
                IdmapMachine.MAIR, seedTtbr, 0, in.regs().idAa64mmfr0()));
        Verdict layout = engine.decide(vhe, Obligation.REGISTERS_VALID);
        assertInstanceOf(Verdict.Refuted.class, layout, "an E2H=0 TCR value read in the VHE layout: " + show(layout));
        assertTrue(layout.explanation().contains("beyond the PA size"), show(layout));
    }

    @Test
    void largeBlockMappedRegionsProve() {
        long base = 0x80_0000_0000L;
        IdmapMachine m = new IdmapMachine(Regime.EL2, List.of(new RamRange(base, 1L << 40)))
                .idmap(base, 1L << 40, IdmapMachine.block(Pgprot.PAGE_HYP_EXEC), Leaf.BLOCK_1G).code("1 TiB", base, 1L << 40);
        Verdict v = engine.decide(m.input("1tib"), Obligation.IDMAP_COVERS_CODE);
        assertInstanceOf(Verdict.Proved.class, v, show(v));
        assertTrue(DescriptorBits.TYPE.get(IdmapMachine.block(Pgprot.PAGE_HYP_EXEC)) == 0);
        assertEquals(OptionalLong.empty(), m.input("x").vbar());
    }
}
