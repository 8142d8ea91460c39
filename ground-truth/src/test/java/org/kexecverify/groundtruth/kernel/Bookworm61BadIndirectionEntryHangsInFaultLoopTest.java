package org.kexecverify.groundtruth.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * The HANG path, end to end: stopped at kern_reloc (6.1, cortex-a57), kimage->head is made an indirection entry
 * pointing outside RAM (PA 64 GiB | IND_INDIRECTION). The relocation loop switches TTBR1 to the linear-map copy,
 * reads the entry through it and takes a Data Abort; VBAR_EL1 still points into the kernel image, which the copy
 * does not map, so the vector fetch faults again, forever, with no console output: a HANG in phase RELOCATION
 * whose -d int summary is one kind of synchronous exception at EL1.
 */
class Bookworm61BadIndirectionEntryHangsInFaultLoopTest {
    private static final long IND_INDIRECTION = 0x2;

    @Test
    void badIndirectionEntryIsAFaultLoopHang() {
        RealKernelTier.enabled("bookworm 6.1 on cortex-a57 with a bad kimage->head: HANG in a fault loop");
        StopAtRelocation.Result r = StopAtRelocation.run(Suite.BOOKWORM, GuestCpu.CORTEX_A57, RealKernelRun.Options.defaults(),
                (state, gdb) -> gdb.writeMemory(state.kimage(),
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong((1L << 36) | IND_INDIRECTION).array()));
        String why = r.describe();
        assertNotNull(r.state(), why);
        KexecOutcome.Hang h = assertInstanceOf(KexecOutcome.Hang.class, r.run().outcome(), why);
        assertEquals(KexecOutcome.Phase.RELOCATION, h.phase(), why);
        assertTrue(h.loop().exceptions() >= RealKernelRun.FAULT_LOOP_MINIMUM, why);
        assertEquals(1, h.loop().kinds().size(), "more than one kind of exception in the loop:\n" + why);
        assertTrue(h.loop().kinds().get(0).contains("Abort EL1 to EL1"), why);
    }
}
