package org.kexecverify.model.verdict;

/**
 * What deciding an obligation cost.
 *
 * @param engine  model, smt, tla or emu
 * @param millis  wall time
 * @param checked units checked (pages, queries, distinct states, instructions)
 * @param unit    what {@code checked} counts
 */
public record Stats(String engine, long millis, long checked, String unit) {
    @Override
    public String toString() {
        return engine + ": " + checked + " " + unit + " in " + millis + " ms";
    }
}
