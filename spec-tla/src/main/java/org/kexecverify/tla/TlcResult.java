package org.kexecverify.tla;

/**
 * The outcome of one TLC run, outcome first. Only {@link NoError} means TLC explored the whole
 * state space and every checked property held; a TLC error, a parse failure, a timeout or an
 * out-of-memory is a {@link Failure}, never a {@link NoError}.
 */
public sealed interface TlcResult permits TlcResult.NoError, TlcResult.Violation, TlcResult.Failure {

    TlcStats stats();

    /** TLC: "Model checking completed. No error has been found." */
    record NoError(TlcStats stats) implements TlcResult {}

    /**
     * A property failed.
     *
     * @param kind     invariant, temporal property or deadlock
     * @param property the invariant's name, or the temporal properties checked, or {@code Deadlock}
     * @param trace    the counterexample
     */
    record Violation(Kind kind, String property, TlcTrace trace, TlcStats stats) implements TlcResult {
        public enum Kind { INVARIANT, TEMPORAL, DEADLOCK }
    }

    /** TLC did not decide: why, in one line. */
    record Failure(String reason, TlcStats stats) implements TlcResult {}
}
