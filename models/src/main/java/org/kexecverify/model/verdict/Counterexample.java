package org.kexecverify.model.verdict;

import java.util.List;
import java.util.Map;

/**
 * A refutation's evidence: an ITF-shaped trace of states (each with the TLA+ action or engine step
 * and the kernel source step it stands for) plus the concrete witness.
 *
 * @param scenario   scenario name (the file it came from is in {@code meta})
 * @param obligation the refuted obligation
 * @param engine     model, smt, tla or emu
 * @param witness    concrete values: VA, access, regime, placement, walk text
 * @param states     the trace, at least one state
 * @param loop       index of the state a lasso loops back to, or -1
 * @param meta       further {@code #meta} keys
 */
public record Counterexample(String scenario, Obligation obligation, String engine, Map<String, Object> witness,
                             List<State> states, int loop, Map<String, Object> meta) {

    public Counterexample {
        witness = Map.copyOf(witness);
        states = List.copyOf(states);
        meta = Map.copyOf(meta);
    }

    /**
     * @param action the engine's name for the step (TLA+ action, walk, instruction)
     * @param source kernel source step it stands for ({@code relocate_kernel.S: msr sctlr_el2}) or {@code UNKNOWN}
     * @param vars   state variables (ITF values)
     */
    public record State(String action, String source, Map<String, Object> vars) {
        public State {
            vars = Map.copyOf(vars);
        }
    }
}
