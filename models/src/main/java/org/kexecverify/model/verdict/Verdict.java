package org.kexecverify.model.verdict;

/**
 * The outcome of one obligation on one scenario from one engine. Always carries statistics.
 *
 * <p>{@code Proved} only when the engine established the property; solver {@code unknown},
 * timeouts and tool failures are {@code Inconclusive}, never {@code Proved}.
 */
public sealed interface Verdict permits Verdict.Proved, Verdict.Refuted, Verdict.Inconclusive {

    Obligation obligation();

    Stats stats();

    /** Kernel-terms explanation of the outcome. */
    String explanation();

    record Proved(Obligation obligation, String explanation, Stats stats) implements Verdict {}

    record Refuted(Obligation obligation, String explanation, Counterexample counterexample, Stats stats) implements Verdict {}

    record Inconclusive(Obligation obligation, String explanation, Stats stats) implements Verdict {}

    default String outcome() {
        if (this instanceof Proved) return "PROVED";
        if (this instanceof Refuted) return "REFUTED";
        return "INCONCLUSIVE";
    }
}
