package org.kexecverify.tla;

import java.util.List;

/**
 * A counterexample trace from TLC.
 *
 * @param states the states in order (at least one)
 * @param loop   for a lasso (liveness counterexample): the 0-based index of the state the behaviour
 *               returns to forever (the last state itself when TLC reports stuttering); -1 otherwise
 */
public record TlcTrace(List<TlcState> states, int loop) {
    public TlcTrace {
        states = List.copyOf(states);
        if (loop < -1 || loop >= Math.max(states.size(), 1)) {
            throw new IllegalArgumentException("loop index " + loop + " outside the trace of " + states.size() + " states");
        }
    }

    public boolean isLasso() {
        return loop >= 0;
    }

    public TlcState last() {
        return states.get(states.size() - 1);
    }

    /** One line per state: index, action and kernel step, for failure messages. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < states.size(); i++) {
            TlcState s = states.get(i);
            b.append(String.format("%3d %-22s %s%n", i, s.action(), s.kernelStep()));
        }
        if (loop >= 0) b.append("    (loops back to state ").append(loop).append(")\n");
        return b.toString();
    }
}
