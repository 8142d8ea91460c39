package org.kexecverify.emulator.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Pins the harness itself on the RFC v2 shape, with literal kernel register values and PTEs
 * (PAGE_KERNEL_EXEC = 0x00480000_00000713 keeps PTE_UXN, bit 54, which is XN in the nVHE EL2
 * regime): the EL2 code page fetch faults (ESR_EL2 0x8600000f: EC 0x21, IFSC permission level 3),
 * the same page runs at EL1, and an unmapped VBAR_EL2 turns the fault into silence (HANG).
 */
class QemuHarnessSmokeTest {

    private static final long CODE = 0x5000_0000L;
    private static final long VEC = 0x5020_0000L;
    private static final long DATA = 0x5040_0000L;
    private static final long L0 = 0x4800_0000L;
    private static final long PAGE_KERNEL_EXEC = 0x0048_0000_0000_0713L;
    private static final long PAGE_HYP_EXEC_RW = 0x0000_0000_0000_0713L;
    private static final long PMD_TYPE_TABLE = 0x3L;
    private static final long TCR_EL2_48BIT_VA_40BIT_PS = 0x8082_3510L;
    private static final long TCR_EL1_48BIT_VA_40BIT_IPS = 0x2_8090_3510L;
    private static final long MAIR_NORMAL_AT_4 = 0xffL << 32;
    private static final long SCTLR_EL2_RES1 = 0x30c5_0830L;
    private static final long SCTLR_EL1_RES1 = 0x30d0_0800L;
    private static final long HCR_EL2_RW = 1L << 31;

    private static QemuRunner runner;

    @BeforeAll
    static void tools() {
        Assumptions.assumeTrue(Toolchain.available(), Toolchain.missingReason());
        Toolchain t = Toolchain.find().orElseThrow();
        Path work = Path.of("target", "qemu-work");
        runner = new QemuRunner(t, HarnessProgram.build(t, work), work, QemuRunner.defaultHangLimit());
    }

    private static Map<Long, byte[]> idmap(long codePte, long vecPte, long dataPte) {
        Map<Long, byte[]> pages = new TreeMap<>();
        long l1 = L0 + 0x1000, l2 = L0 + 0x2000, l3c = L0 + 0x3000, l3v = L0 + 0x4000, l3d = L0 + 0x5000;
        put(pages, L0, 0, l1 | PMD_TYPE_TABLE);
        put(pages, l1, 1, l2 | PMD_TYPE_TABLE);
        put(pages, l2, (int) ((CODE >> 21) & 511), l3c | PMD_TYPE_TABLE);
        put(pages, l2, (int) ((VEC >> 21) & 511), l3v | PMD_TYPE_TABLE);
        put(pages, l2, (int) ((DATA >> 21) & 511), l3d | PMD_TYPE_TABLE);
        if (codePte != 0) {
            put(pages, l3c, 0, CODE | codePte);
        }
        if (vecPte != 0) {
            put(pages, l3v, 0, VEC | vecPte);
        } else {
            put(pages, l3v, 1, 0);
        }
        put(pages, l3d, 0, DATA | dataPte);
        return pages;
    }

    private static void put(Map<Long, byte[]> pages, long table, int index, long desc) {
        byte[] page = pages.computeIfAbsent(table, k -> new byte[BareMetalCase.PAGE]);
        ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN).putLong(index * 8, desc);
    }

    private static BareMetalCase el2(long codePte, long vecPte) {
        return new BareMetalCase(EntryMode.EL2, HCR_EL2_RW, SCTLR_EL2_RES1 | 1, SCTLR_EL2_RES1,
                TCR_EL2_48BIT_VA_40BIT_PS, MAIR_NORMAL_AT_4, L0, 0, VEC, CODE, DATA,
                true, true, true, true, idmap(codePte, vecPte, PAGE_HYP_EXEC_RW));
    }

    private static BareMetalCase el1(long codePte, long vecPte) {
        return new BareMetalCase(EntryMode.EL1, HCR_EL2_RW, SCTLR_EL1_RES1 | 1, SCTLR_EL1_RES1,
                TCR_EL1_48BIT_VA_40BIT_IPS, MAIR_NORMAL_AT_4, L0, 0, VEC, CODE, DATA,
                true, true, true, true, idmap(codePte, vecPte, PAGE_HYP_EXEC_RW));
    }

    @Test
    void rfcV2CodePageFaultsAtEl2RunsAtEl1AndUnmappedVectorHangs() {
        List<BareMetalCase> cases = List.of(
                el2(PAGE_KERNEL_EXEC, PAGE_HYP_EXEC_RW),
                el2(PAGE_HYP_EXEC_RW, PAGE_HYP_EXEC_RW),
                el1(PAGE_KERNEL_EXEC, PAGE_KERNEL_EXEC),
                el2(PAGE_KERNEL_EXEC, 0),
                el1(PAGE_HYP_EXEC_RW, PAGE_HYP_EXEC_RW));
        QemuRunner.BatchResult r = runner.run(Cpu.CORTEX_A57, cases);
        String trace = "outcomes " + r.outcomes() + " boot " + r.boot();
        RawOutcome.Trapped t = assertInstanceOf(RawOutcome.Trapped.class, r.outcomes().get(0), trace);
        assertEquals(0x8600_000fL, t.esr(), trace);
        assertEquals(RawOutcome.VectorSlot.CURRENT_EL_SPX_SYNC, t.slot(), trace);
        assertEquals(CODE, t.far() & ~0xfffL, trace);
        assertInstanceOf(RawOutcome.Completed.class, r.outcomes().get(1), trace);
        assertInstanceOf(RawOutcome.Completed.class, r.outcomes().get(2), trace);
        assertInstanceOf(RawOutcome.Hung.class, r.outcomes().get(3), trace);
        assertInstanceOf(RawOutcome.Completed.class, r.outcomes().get(4), trace);
        assertEquals(2, r.boots(), trace);
        assertEquals(8, r.boot().currentEl(), "CurrentEL must read EL2 at boot: " + trace);
    }
}
