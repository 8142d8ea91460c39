package org.kexecverify.emulator.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.programs.KexecSetup.Design;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.Pgprot;

/**
 * The 2019 RFC v2 freeze at EL2: the relocation page is mapped PAGE_KERNEL_EXEC, which keeps PTE_UXN (bit 54),
 * the only execute-never bit of the non-VHE EL2 regime, so the fetch after {@code msr sctlr_el2} takes a
 * Permission fault; VBAR_EL2 still points into the old kernel image, which the transitional table does not map,
 * so the vector fetch faults again, forever.
 */
class RfcV2El2CodePageExecuteNeverTest {
    @Test
    void fetchAfterSctlrEl2WriteFaultsAndTheUnmappedVectorLoops() {
        KexecSetup.Prepared p = KexecSetup.of(Design.RFC_V2_EL2).imageBytes(16 * 4096).build();
        RunResult r = p.run(1_000_000);
        RunResult.Hang h = assertInstanceOf(RunResult.Hang.class, r, () -> r + "\n" + p.machine().exceptions());
        assertEquals(RunResult.Hang.Kind.FAULT_LOOP, h.kind(), h.description());
        ExceptionRecord first = p.machine().exceptions().get(0);
        assertEquals(0x21, first.ec(), "instruction abort at EL2: " + first);
        assertEquals(0b001111, first.esr() & 0x3f, "IFSC = Permission fault, level 3: " + first);
        assertEquals(p.code().symbol("arm64_relocate_new_kernel") + 4L * indexOfInsnAfterSctlrWrite(p), first.elr(), first.toString());
        assertEquals("VBAR_EL2+0x200", first.vectorName());
        String d = h.description();
        assertTrue(d.contains("instruction abort at EL2, PERMISSION level 3"), d);
        assertTrue(d.contains("bit 54"), d);
        assertTrue(d.contains("VBAR_EL2+0x200"), d);
        assertTrue(d.contains("fault loop"), d);
        assertEquals(KexecSetup.HYP_STUB_VECTORS + 0x200, h.pc(), "spinning at the EL2h synchronous vector");
    }

    /** The word offset of the instruction that follows {@code msr sctlr_el2, x0} on the MMU-on path. */
    private static int indexOfInsnAfterSctlrWrite(KexecSetup.Prepared p) {
        byte[] code = p.code().code();
        int hits = 0;
        for (int off = 0; off < code.length; off += 4) {
            int w = p.code().word(off);
            if (w == 0xd51c1000) { // msr sctlr_el2, x0
                hits++;
                if (hits == 2) {
                    return off / 4 + 1;
                }
            }
        }
        throw new AssertionError("msr sctlr_el2, x0 not found twice");
    }

    @Test
    void withBit54ClearTheEnableSucceedsAndTheCopyRunsCacheable() {
        long exec = DescriptorBits.UXN.set(Pgprot.PAGE_KERNEL_EXEC.bits(), 0);
        KexecSetup.Prepared p = KexecSetup.of(Design.RFC_V2_EL2).imageBytes(16 * 4096).codePageAttributes(exec).build();
        RunResult r = p.run(1_000_000);
        assertInstanceOf(RunResult.Completed.class, r, () -> r + "\n" + p.machine().exceptions());
        assertEquals(2, p.machine().el());
        // the RFC cleaned the D-cache by set/way after the loop; set/way maintenance is outside the emulated subset,
        // so the cacheable copies are still dirty at hand-off and RAM does not hold them yet
        assertEquals(16, p.mismatchedDestinations().size(), "destination pages not yet in RAM");
        assertTrue(p.machine().ram().dirtyLines().length >= 16 * 64, "dirty destination lines");
    }
}
