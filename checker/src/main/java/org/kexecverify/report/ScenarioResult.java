package org.kexecverify.report;

import java.util.List;
import java.util.Map;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Verdict;

/**
 * One scenario's outcome: its plan, every engine's verdicts, disagreements between engines, and
 * notes per counterexample file (replay outcome, repair hints) keyed by verdict.
 */
public record ScenarioResult(RelocationPlan plan, List<Verdict> verdicts, List<String> disagreements, Map<Verdict, String> notes) {
    public ScenarioResult {
        verdicts = List.copyOf(verdicts);
        disagreements = List.copyOf(disagreements);
    }
}
