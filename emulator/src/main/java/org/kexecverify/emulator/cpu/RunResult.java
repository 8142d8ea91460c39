package org.kexecverify.emulator.cpu;

import java.util.List;

/**
 * How a run ended, outcome first: it reached a stop address ({@link Completed}), it is stuck
 * ({@link Hang}, with the loop described in kernel terms), or it left what the emulator models
 * ({@link Stopped}).
 */
public sealed interface RunResult {
    long pc();

    int el();

    long steps();

    /** Execution reached one of the stop addresses (e.g. the new kernel's entry point). */
    record Completed(long pc, int el, long steps, long retired, List<ExceptionRecord> exceptions) implements RunResult {
        public Completed {
            exceptions = List.copyOf(exceptions);
        }
    }

    /** Execution can make no further progress; {@code loop} holds the exceptions of the loop, if any. */
    record Hang(Kind kind, String description, long pc, int el, long steps, List<ExceptionRecord> loop) implements RunResult {
        public Hang {
            loop = List.copyOf(loop);
        }

        /** What kind of loop. */
        public enum Kind {
            /** The same exception is taken again at the same vector without architectural progress. */
            FAULT_LOOP,
            /** A branch to itself ({@code b .}), e.g. an invalid-vector stub. */
            SELF_LOOP,
            /** A loop of several instructions that returns to the same state with no side effect (e.g. Linux's invalid vectors). */
            SPIN,
            /** WFI with no interrupt source modelled. */
            WAIT_FOR_INTERRUPT,
            /** The step budget ran out first. */
            STEP_BUDGET
        }
    }

    /** The program did something the emulator does not model (e.g. returned to EL0). */
    record Stopped(String reason, long pc, int el, long steps) implements RunResult {
    }
}
