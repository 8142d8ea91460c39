package org.kexecverify.groundtruth.kernel;

/**
 * How a boot-then-kexec run ended.
 *
 * <pre>
 *   QEMU start --first kernel--> /init: "KV1: KEXEC_E" --relocation--> second kernel --> "SECOND KERNEL UP"
 *        |             |                      |                             |
 *        |             +-- panic line --------+-----------------------------+--> Panic(line, phase)
 *        |             +-- silence / exception loop (-d int) ---------------+--> Hang(phase, ...)
 *        +-- packages, kexec -l, QEMU itself ------------------------------------> SetupFailed(reason)
 * </pre>
 */
public sealed interface KexecOutcome {

    /** Where in the run an outcome happened. */
    enum Phase {
        /** From QEMU's start to the first kernel's {@code kexec -e}. */
        FIRST_KERNEL,
        /** After {@code kexec -e}, before the second kernel printed anything: the relocation code and purgatory. */
        RELOCATION,
        /** The second kernel printed its first line. */
        SECOND_KERNEL
    }

    /** The short name used in tables ({@code SECOND_KERNEL_UP}, {@code HANG}, {@code PANIC}, {@code SETUP_FAILED}). */
    String kind();

    /**
     * The second kernel reached userspace.
     *
     * @param currentEl the EL it reports it was entered at ("CPU: All CPU(s) started at EL2"), -1 if it did not say
     * @param vhe       whether it runs with VHE ("VHE mode initialized", or the Virtualization Host Extensions
     *                  feature detected)
     * @param elLine    the kernel log line {@code currentEl} was read from
     */
    record SecondKernelUp(int currentEl, boolean vhe, String elLine) implements KexecOutcome {
        @Override
        public String kind() {
            return "SECOND_KERNEL_UP";
        }

        @Override
        public String toString() {
            return kind() + "(EL" + currentEl + (vhe ? ", VHE" : ", no VHE") + ")";
        }
    }

    /**
     * No console output for the silence limit, or a loop of synchronous exceptions that prints nothing.
     *
     * @param silentMillis how long the console had been silent
     * @param lastLine     the last console line before the silence
     * @param loop         QEMU's {@code -d int} log since that line, summarised (enabled from {@code kexec -e} on)
     */
    record Hang(Phase phase, long silentMillis, String lastLine, ExceptionLog.Summary loop) implements KexecOutcome {
        @Override
        public String kind() {
            return "HANG";
        }

        @Override
        public String toString() {
            return kind() + "(" + phase + ", silent " + silentMillis / 1000 + " s after '" + lastLine + "'; " + loop + ")";
        }
    }

    /** A kernel panicked: {@code line} is the "Kernel panic - not syncing" line, {@code cause} the oops line before it. */
    record Panic(Phase phase, String line, String cause) implements KexecOutcome {
        @Override
        public String kind() {
            return "PANIC";
        }

        @Override
        public String toString() {
            return kind() + "(" + phase + ": " + line + (cause.isEmpty() ? "" : "; " + cause) + ")";
        }
    }

    /** The run could not be set up or did not get to judge relocation (no package, kexec -l failed, QEMU exited). */
    record SetupFailed(String reason) implements KexecOutcome {
        @Override
        public String kind() {
            return "SETUP_FAILED";
        }

        @Override
        public String toString() {
            return kind() + "(" + reason + ")";
        }
    }
}
