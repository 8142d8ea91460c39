package org.kexecverify.emulator.qemu;

/**
 * What QEMU reported for one case, before any interpretation: ran to the end, took an exception
 * through the case's vector page (raw ESR/FAR/ELR of the regime), or went silent (the CPU is
 * looping, e.g. re-faulting on its own vector fetch).
 */
public sealed interface RawOutcome {

    /** The code page ran to its end: fetch, BRK round trip, load and store all succeeded. */
    record Completed() implements RawOutcome {
        @Override
        public String toString() {
            return "Completed";
        }
    }

    /**
     * An exception was taken through VBAR_ELx of the case and the stub there ran.
     *
     * @param slot vector slot the stub sat in
     */
    record Trapped(VectorSlot slot, long esr, long far, long elr) implements RawOutcome {
        @Override
        public String toString() {
            return "Trapped[" + slot + " esr=0x" + Long.toHexString(esr) + " far=0x" + Long.toHexString(far)
                    + " elr=0x" + Long.toHexString(elr) + "]";
        }
    }

    /**
     * No result line: the CPU is stuck, re-taking an exception ({@code exceptions} taken since the
     * previous result, the last one's {@code ESR ec/esr} as QEMU logged it) or silent for the limit.
     */
    record Hung(long silentMillis, long exceptions, String lastEsr) implements RawOutcome {
    }

    /** Vector table slots harness.S distinguishes (kind numbers in the result line). */
    enum VectorSlot {
        CURRENT_EL_SPX_SYNC(1),
        CURRENT_EL_SP0_SYNC(2),
        CURRENT_EL_ASYNC(3),
        LOWER_EL(4);

        private final int kind;

        VectorSlot(int kind) {
            this.kind = kind;
        }

        static VectorSlot ofKind(long kind) {
            for (VectorSlot s : values()) {
                if (s.kind == kind) {
                    return s;
                }
            }
            throw new IllegalArgumentException("harness reported unknown result kind " + kind);
        }
    }
}
