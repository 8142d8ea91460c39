package org.kexecverify.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.verdict.Obligation;

/**
 * One obligation as a satisfiability question: {@code bad} is satisfiable exactly when the
 * obligation is refuted (sat = refuted, unsat = proved).
 *
 * @param bad        the negated obligation, over symbolic VA / placement
 * @param witness    named terms read off a model to build the counterexample ({@code va}, placements)
 * @param violations named sub-conditions (which region, which register field) for the explanation
 * @param checked    what one query stands for, for statistics ({@code 6400 pages})
 */
public record ObligationQuery(Obligation obligation, BoolExpr bad, Map<String, BitVecExpr> witness, List<Named> violations, String checked) {

    /** A sub-condition with a kernel-terms name. */
    public record Named(String name, BoolExpr condition) {}

    public ObligationQuery {
        witness = Map.copyOf(witness);
        violations = List.copyOf(violations);
    }
}
