package org.kexecverify.tla;

/**
 * What a TLC run explored.
 *
 * @param distinctStates distinct states found (TLC message 2199), -1 when TLC did not report it
 * @param statesGenerated states generated, -1 when unknown
 * @param depth          depth of the state graph (2194), -1 when unknown
 * @param millis         wall time of the child JVM
 * @param exitCode       the child's exit code (-1 when it was killed)
 */
public record TlcStats(long distinctStates, long statesGenerated, long depth, long millis, int exitCode) {
    @Override
    public String toString() {
        return distinctStates + " distinct states, " + statesGenerated + " generated, depth " + depth
                + ", " + millis + " ms, exit " + exitCode;
    }
}
