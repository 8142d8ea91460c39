package org.kexecverify.model.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.regime.Regime;

/** Every fault kind at every level it can occur, in every regime, against hand-built descriptors. */
class WalkFaultsPerRegimeTest {
    static final long VA = 0x4555_5000L;

    private static Translation.Fault expectFault(Translation t, FaultKind kind, int level) {
        Translation.Fault f = assertInstanceOf(Translation.Fault.class, t, t.render());
        assertEquals(kind, f.kind(), t.render());
        assertEquals(level, f.level(), t.render());
        return f;
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void translationFaultAtEachLevel(Regime r) {
        WalkFixture f = new WalkFixture(r);
        expectFault(f.walk(VA, AccessType.READ), FaultKind.TRANSLATION, 0);
        f.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        // clear the L1 entry -> level-1 translation fault
        WalkFixture g = new WalkFixture(r);
        g.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        g.tables.writeEntry(VA, 1, 0);
        expectFault(g.walk(VA, AccessType.READ), FaultKind.TRANSLATION, 1);
        WalkFixture h = new WalkFixture(r);
        h.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        h.tables.writeEntry(VA, 2, 0);
        expectFault(h.walk(VA, AccessType.READ), FaultKind.TRANSLATION, 2);
        WalkFixture i = new WalkFixture(r);
        i.tables.writeEntry(VA, 3, 0);
        expectFault(i.walk(VA, AccessType.READ), FaultKind.TRANSLATION, 3);
        // L3 reserved 0b01 encoding
        i.tables.writeEntry(VA, 3, DescriptorBits.TYPE.set(Pgprot.PAGE_KERNEL.page(VA, LinuxMair.V5_3.mtNormal()), 0));
        expectFault(i.walk(VA, AccessType.READ), FaultKind.TRANSLATION, 3);
        // L0 block is not allowed with 4 KB
        WalkFixture j = new WalkFixture(r);
        j.tables.writeEntry(VA, 0, DescriptorBits.TYPE.set(Pgprot.PAGE_KERNEL.page(0, LinuxMair.V5_3.mtNormal()), 0));
        expectFault(j.walk(VA, AccessType.READ), FaultKind.TRANSLATION, 0);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void accessFlagFaultAtLeafLevels(Regime r) {
        long noAf = DescriptorBits.AF.set(Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3), 0);
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, VA, noAf);
        expectFault(f.walk(VA, AccessType.READ), FaultKind.ACCESS_FLAG, 3);
        WalkFixture g = new WalkFixture(r);
        g.tables.mapBlock(0x4060_0000L, 0x4060_0000L, 2, noAf);
        expectFault(g.walk(0x4060_1234L, AccessType.READ), FaultKind.ACCESS_FLAG, 2);
        WalkFixture h = new WalkFixture(r);
        h.tables.mapBlock(0x4000_0000L, 0x4000_0000L, 1, noAf);
        expectFault(h.walk(0x4060_1234L, AccessType.READ), FaultKind.ACCESS_FLAG, 1);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void addressSizeFaultsForTtbrTableAndOutput(Regime r) {
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, 0x1_0000_0000_0000L >>> 1 << 1 & 0x0000_ffff_ffff_f000L | (1L << 47), Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        // PS/IPS: 44-bit at EL2 (seed), 48-bit in the EL1 fixture; output 2^47 is beyond 44 bits only at EL2
        Translation t = f.walk(VA, AccessType.READ);
        if (r == Regime.EL2) expectFault(t, FaultKind.ADDRESS_SIZE, 3);
        else assertInstanceOf(Translation.Mapped.class, t, t.render());
        // TTBR base beyond the PA size: level 0
        TranslationRegs regs = f.regs().withTtbr0(1L << 47);
        TranslationRegs narrow = r == Regime.EL2 ? regs : regs.withTcr(regs.tcrLayout().field("IPS").set(regs.tcr(), 4));
        expectFault(Walker.translate(narrow, f.mem, VA, AccessType.READ), FaultKind.ADDRESS_SIZE, 0);
        // table descriptor pointing beyond the PA size: level of that descriptor
        WalkFixture g = new WalkFixture(r);
        g.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        g.tables.writeEntry(VA, 1, TableBuilder.tableDescriptor(1L << 46));
        TranslationRegs gr = r == Regime.EL2 ? g.regs() : g.regs().withTcr(g.regs().tcrLayout().field("IPS").set(g.regs().tcr(), 4));
        expectFault(Walker.translate(gr, g.mem, VA, AccessType.READ), FaultKind.ADDRESS_SIZE, 1);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void permissionFaultsByAccessType(Regime r) {
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL_ROX.bits(LinuxMair.V5_3));
        expectFault(f.walk(VA, AccessType.WRITE), FaultKind.PERMISSION, 3);
        assertInstanceOf(Translation.Mapped.class, f.walk(VA, AccessType.READ));
        Translation fetch = f.walk(VA, AccessType.FETCH);
        if (r == Regime.EL2) expectFault(fetch, FaultKind.PERMISSION, 3);   // bit 54 = XN at EL2
        else assertInstanceOf(Translation.Mapped.class, fetch, fetch.render());
        // PAGE_KERNEL (PXN+UXN) is never executable
        WalkFixture g = new WalkFixture(r);
        g.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        expectFault(g.walk(VA, AccessType.FETCH), FaultKind.PERMISSION, 3);
        // PAGE_HYP_EXEC: executable at EL2 (no bit 54); AP[1]=1 with AP[2]=1 -> RO; at EL1 PXN clear too
        WalkFixture h = new WalkFixture(r);
        h.tables.mapPage(VA, VA, Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3));
        assertInstanceOf(Translation.Mapped.class, h.walk(VA, AccessType.FETCH));
        expectFault(h.walk(VA, AccessType.WRITE), FaultKind.PERMISSION, 3);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void pxnAndImplicitPxnMatterOnlyInTwoRangeRegimes(Regime r) {
        long pxnOnly = DescriptorBits.PXN.set(Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), 1);
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, VA, pxnOnly);
        Translation t = f.walk(VA, AccessType.FETCH);
        if (r == Regime.EL2) assertInstanceOf(Translation.Mapped.class, t, t.render());   // PXN RES0, ignored
        else expectFault(t, FaultKind.PERMISSION, 3);
        // AP[2:1] = 0b01: EL0-writable, implicitly PXN at EL1/EL2&0; AP[1] ignored at EL2
        long el0Writable = DescriptorBits.AP2.set(DescriptorBits.AP1.set(Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3) & ~DescriptorBits.UXN.mask(), 1), 0);
        WalkFixture g = new WalkFixture(r);
        g.tables.mapPage(VA, VA, el0Writable);
        Translation u = g.walk(VA, AccessType.FETCH);
        if (r == Regime.EL2) assertInstanceOf(Translation.Mapped.class, u, u.render());
        else expectFault(u, FaultKind.PERMISSION, 3);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void hierarchicalXnTableAndApTable(Regime r) {
        long exec = Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3) & ~DescriptorBits.UXN.mask();
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, VA, exec);
        long l2 = f.mem.read64(f.tables.entryFor(VA, 2));
        f.tables.writeEntry(VA, 2, DescriptorBits.UXN_TABLE.set(l2, 1));
        Translation t = f.walk(VA, AccessType.FETCH);
        if (r == Regime.EL2) expectFault(t, FaultKind.PERMISSION, 3);   // XNTable
        else assertInstanceOf(Translation.Mapped.class, t, t.render()); // UXNTable: EL0 only
        f.tables.writeEntry(VA, 2, DescriptorBits.PXN_TABLE.set(l2, 1));
        Translation u = f.walk(VA, AccessType.FETCH);
        if (r == Regime.EL2) assertInstanceOf(Translation.Mapped.class, u, u.render()); // PXNTable RES0
        else expectFault(u, FaultKind.PERMISSION, 3);
        f.tables.writeEntry(VA, 2, DescriptorBits.AP_TABLE1.set(l2, 1));
        expectFault(f.walk(VA, AccessType.WRITE), FaultKind.PERMISSION, 3);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void alignmentFaults(Regime r) {
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        TranslationRegs withA = f.regs().withSctlr(f.regs().sctlrLayout().field("A").set(f.regs().sctlr(), 1));
        expectFault(Walker.translate(withA, f.mem, VA + 1, AccessType.READ, 8, WalkOptions.DEFAULT), FaultKind.ALIGNMENT, 0);
        TranslationRegs noA = f.regs().withSctlr(f.regs().sctlrLayout().field("A").set(f.regs().sctlr(), 0));
        assertInstanceOf(Translation.Mapped.class, Walker.translate(noA, f.mem, VA + 1, AccessType.READ, 8, WalkOptions.DEFAULT));
        // Device memory: unaligned always faults, after translation
        WalkFixture g = new WalkFixture(r);
        g.tables.mapPage(VA, VA, DescriptorBits.ATTRINDX.set(Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3), 0));
        TranslationRegs gNoA = g.regs().withSctlr(g.regs().sctlrLayout().field("A").set(g.regs().sctlr(), 0));
        expectFault(Walker.translate(gNoA, g.mem, VA + 4, AccessType.WRITE, 8, WalkOptions.DEFAULT), FaultKind.ALIGNMENT, 3);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void deviceFetchIsAConfiguredChoice(Regime r) {
        WalkFixture f = new WalkFixture(r);
        long dev = DescriptorBits.ATTRINDX.set(Pgprot.PAGE_HYP_EXEC.bits(LinuxMair.V5_3), 0);
        f.tables.mapPage(VA, VA, dev);
        assertInstanceOf(Translation.Mapped.class, Walker.translate(f.regs(), f.mem, VA, AccessType.FETCH, WalkOptions.DEFAULT));
        WalkOptions strict = new WalkOptions(WalkOptions.DeviceFetch.PERMISSION_FAULT, false);
        expectFault(Walker.translate(f.regs(), f.mem, VA, AccessType.FETCH, strict), FaultKind.PERMISSION, 3);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void vaOutsideTheRangeAndMmuOff(Regime r) {
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        Translation hi = f.walk(0x0080_0000_4555_5000L, AccessType.READ);
        Translation.Fault fault = expectFault(hi, FaultKind.TRANSLATION, 0);
        assertEquals(FaultKind.TRANSLATION, fault.kind());
        TranslationRegs off = f.regs().withSctlr(f.regs().sctlrLayout().field("M").set(f.regs().sctlr(), 0));
        Translation.Mapped flat = assertInstanceOf(Translation.Mapped.class, Walker.translate(off, f.mem, 0x1234_5678L, AccessType.FETCH));
        assertEquals(0x1234_5678L, flat.pa());
        expectFault(Walker.translate(off, f.mem, 0x1234_5679L, AccessType.READ, 4, WalkOptions.DEFAULT), FaultKind.ALIGNMENT, 0);
    }

    @ParameterizedTest
    @EnumSource(Regime.class)
    void tableOutsideRamIsAnExternalAbortOnTheWalk(Regime r) {
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(VA, VA, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
        f.tables.writeEntry(VA, 2, TableBuilder.tableDescriptor(0x1000_0000L));
        expectFault(f.walk(VA, AccessType.READ), FaultKind.EXTERNAL_ABORT_ON_WALK, 3);
    }

    /** Implicit PXN applies to EL0-writable pages only: APTable[1] (read-only) or APTable[0] (no EL0) above lifts it (QEMU agrees). */
    @ParameterizedTest
    @EnumSource(Regime.class)
    void implicitPxnFollowsApTable(Regime r) {
        long el0Writable = DescriptorBits.AP1.set(Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3) & ~DescriptorBits.UXN.mask(), 1);
        for (var restrict : java.util.List.of(DescriptorBits.AP_TABLE1, DescriptorBits.AP_TABLE0)) {
            WalkFixture f = new WalkFixture(r);
            f.tables.mapPage(VA, VA, el0Writable);
            Translation before = f.walk(VA, AccessType.FETCH);
            long l2 = f.mem.read64(f.tables.entryFor(VA, 2));
            f.tables.writeEntry(VA, 2, restrict.set(l2, 1));
            Translation after = f.walk(VA, AccessType.FETCH);
            if (r == Regime.EL2) {
                assertInstanceOf(Translation.Mapped.class, before, before.render());
                assertInstanceOf(Translation.Mapped.class, after, after.render());
            } else {
                expectFault(before, FaultKind.PERMISSION, 3);
                assertInstanceOf(Translation.Mapped.class, after, after.render());
            }
        }
    }
}
