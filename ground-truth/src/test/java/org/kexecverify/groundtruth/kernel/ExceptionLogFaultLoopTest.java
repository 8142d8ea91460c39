package org.kexecverify.groundtruth.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** QEMU's -d int lines make a fault loop (the same abort forever) a HANG; an idle kernel's timer IRQs do not. */
class ExceptionLogFaultLoopTest {

    private static void abort(ExceptionLog log) {
        log.accept("Taking exception 3 [Prefetch Abort] on CPU 0");
        log.accept("...from EL2 to EL2");
        log.accept("...with ESR 0x21/0x8600000f");
        log.accept("...with FAR 0x48d6f200");
        log.accept("...to EL2 PC 0x48d6f200 PSTATE 0x3c9");
    }

    @Test
    void repeatedPrefetchAbortIsAFaultLoop() {
        ExceptionLog log = new ExceptionLog();
        for (int i = 0; i < 6000; i++) abort(log);
        assertTrue(log.faultLoop(5000));
        ExceptionLog.Summary s = log.summary();
        assertEquals(6000, s.exceptions());
        assertEquals(1, s.kinds().size(), s.toString());
        assertTrue(s.kinds().get(0).startsWith("256x Prefetch Abort EL2 to EL2 ESR 0x21/0x8600000f FAR 0x48d6f200 -> EL2 PC 0x48d6f200"), s.toString());
        log.mark();
        assertFalse(log.faultLoop(1));
    }

    @Test
    void timerInterruptsAreNotAFaultLoop() {
        ExceptionLog log = new ExceptionLog();
        for (int i = 0; i < 6000; i++) {
            log.accept("Taking exception 5 [IRQ] on CPU 0");
            log.accept("...from EL1 to EL1");
            log.accept("...to EL1 PC 0xffff800008010a80 PSTATE 0x3c5");
            log.accept("Exception return from AArch64 EL1 to AArch64 EL1 PC 0xffff800008e7d3d4");
        }
        assertFalse(log.faultLoop(5000));
        assertEquals(6000, log.summary().erets());
    }
}
