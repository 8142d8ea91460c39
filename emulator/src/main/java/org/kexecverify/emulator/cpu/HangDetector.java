package org.kexecverify.emulator.cpu;

import java.util.Arrays;

/**
 * Decides, from what the machine reports, that a run can make no further progress, and says so in kernel terms.
 *
 * <pre>
 *   exception taken ---> same exception as the last one, and no instruction retired since, or the handler
 *                        returned to it with the same registers and no store          ==> FAULT_LOOP
 *   direct branch to itself (b .)                                                      ==> SELF_LOOP
 *   taken backward branch -> state (PC, X0-X30, SPs, NZCV, EL, DAIF) equal to a snapshot taken at an earlier
 *                        backward branch, with no side effect in between (store, system-register write,
 *                        maintenance, exception): the machine is deterministic, so it repeats forever ==> SPIN
 *                        (snapshots at the 1st, 2nd, 4th, 8th ... backward branch: Brent's cycle finding)
 * </pre>
 *
 * The spin check is what catches the kernel's invalid vectors, which branch back through the previous slot's NOP
 * padding ({@code trans_pgd_stub_vectors}, Linux 6.1): a loop of 32 instructions, not a {@code b .}.
 */
final class HangDetector {
    // ---- fault loops
    private ExceptionRecord lastException;
    private ExceptionRecord chainStart;
    private long lastExceptionRetired = -1;
    private long lastExceptionStores = -1;
    private long lastExceptionStateHash;

    // ---- spins
    private long backwardBranches;
    private boolean snapValid;
    private long snapPc;
    private long snapEffects;
    private long snapRetired;
    private long snapFlags;
    private final long[] snapX = new long[32];
    private final long[] snapSp = new long[3];

    ExceptionRecord lastException() {
        return lastException;
    }

    /**
     * Records an exception entry; returns the fault-loop description when {@code rec} repeats the last one with no
     * progress, else null.
     */
    String exceptionTaken(ExceptionRecord rec, long retired, long stores, long stateHash, String vectorWhere) {
        if (chainStart == null || retired != lastExceptionRetired) {
            chainStart = rec;
        }
        String hang = null;
        if (rec.sameAs(lastException) && (retired == lastExceptionRetired || (stateHash == lastExceptionStateHash && stores == lastExceptionStores))) {
            hang = faultLoopDescription(rec, retired == lastExceptionRetired);
        }
        lastException = rec;
        lastExceptionRetired = retired;
        lastExceptionStores = stores;
        lastExceptionStateHash = stateHash;
        return hang;
    }

    private String faultLoopDescription(ExceptionRecord rec, boolean noRetire) {
        String loop = noRetire ? "the vector itself faults the same way, no instruction completes"
                : "the handler returns to the same fault with no change of state";
        if (chainStart != null && !chainStart.sameAs(rec) && noRetire) {
            return String.format("%s, vector %s (0x%x) -> %s -> fault loop (%s)", chainStart.cause(), chainStart.vectorName(),
                    chainStart.vectorAddress(), rec.cause(), loop);
        }
        return String.format("%s, vector %s (0x%x) -> fault loop (%s)", rec.cause(), rec.vectorName(), rec.vectorAddress(), loop);
    }

    /**
     * A taken backward branch at {@code pc} to {@code target}; {@code effects} counts every side effect so far.
     * Returns the number of instructions of the loop when the state after this branch equals the snapshot (a spin),
     * else -1.
     */
    long backwardBranch(long target, long effects, long retired, long[] x, long[] sps, long flags) {
        if (snapValid && target == snapPc && effects == snapEffects && flags == snapFlags && Arrays.equals(x, snapX) && Arrays.equals(sps, snapSp)) {
            return retired - snapRetired;
        }
        backwardBranches++;
        if ((backwardBranches & (backwardBranches - 1)) == 0) {
            snapValid = true;
            snapPc = target;
            snapEffects = effects;
            snapRetired = retired;
            snapFlags = flags;
            System.arraycopy(x, 0, snapX, 0, 32);
            System.arraycopy(sps, 0, snapSp, 0, 3);
        }
        return -1;
    }

    // ---- descriptions

    /** {@code " (VBAR_EL2+0x200: synchronous, current EL with SP_ELx)"} when {@code addr} lies in a vector table, else "". */
    static String where(long addr, long vbar1, long vbar2) {
        for (int e = 2; e >= 1; e--) {
            long vbar = e == 2 ? vbar2 : vbar1;
            if (Long.compareUnsigned(addr, vbar) >= 0 && addr - vbar < 0x800 && (vbar != 0 || addr < 0x800)) {
                long off = addr - vbar;
                return String.format(" (VBAR_EL%d+0x%03x: %s)", e, off, vectorSlot(off));
            }
        }
        return "";
    }

    static String vectorSlot(long off) {
        String[] from = {"current EL with SP_EL0", "current EL with SP_ELx", "lower EL, AArch64", "lower EL, AArch32"};
        String[] kind = {"synchronous", "IRQ", "FIQ", "SError"};
        return kind[(int) (off >> 7) & 3] + ", " + from[(int) (off >> 9) & 3] + (off % 0x80 != 0 ? String.format(" +0x%x", off % 0x80) : "");
    }

    String afterLastException() {
        return lastException == null ? "" : "; entered after " + lastException.cause() + " -> " + lastException.vectorName();
    }
}
