package org.kexecverify.model.progress;

/**
 * Progress of a long run (pages walked, queries done, states explored, MB copied). Engines call it;
 * the CLI shows it on a terminal and stays quiet otherwise.
 */
@FunctionalInterface
public interface Progress {
    /**
     * @param task  what is running ("TLC rfc-v2-el2", "DATA_ACCESSIBLE")
     * @param done  units done
     * @param total units in all, or -1 when unknown
     * @param unit  what a unit is ("pages", "states", "MB")
     */
    void update(String task, long done, long total, String unit);

    /** Ends the current progress line, if any. */
    default void done() {}

    Progress NONE = (t, d, n, u) -> { };
}
