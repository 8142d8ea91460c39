package org.kexecverify.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Verdict;

/**
 * {@code check --replay}: every refutation is replayed on the A64 emulator (one concrete run per
 * scenario) and marked CONFIRMED, SPURIOUS (an engine is wrong: reported as a disagreement) or
 * not emulated.
 */
final class EmulatorReplay {
    private EmulatorReplay() {}

    /** Budget of one run: the 25 MiB relocation takes ~6.3 M instructions. */
    static final long BUDGET = 200_000_000L;

    record Result(Map<Verdict, String> notes, List<String> spurious) {}

    static Result replay(RelocationPlan plan, List<Verdict> verdicts) {
        Map<Verdict, String> notes = new LinkedHashMap<>();
        List<String> spurious = new java.util.ArrayList<>();
        if (verdicts.stream().noneMatch(v -> v instanceof Verdict.Refuted)) return new Result(notes, spurious);
        ScenarioRun.Outcome o = null;
        String unsupported = null;
        try {
            o = ScenarioRun.prepare(plan).run(BUDGET);
        } catch (ScenarioRun.Unsupported e) {
            unsupported = e.getMessage();
        }
        for (Verdict v : verdicts) {
            if (!(v instanceof Verdict.Refuted)) continue;
            if (o == null) {
                notes.put(v, "emulator replay: not emulated (" + unsupported + ")");
            } else if (o.violates(v.obligation())) {
                notes.put(v, "emulator replay: CONFIRMED: " + o.summary());
            } else {
                notes.put(v, "emulator replay: SPURIOUS: the concrete run does not break " + v.obligation() + ": " + o.summary());
                spurious.add(v.obligation() + " refuted by " + v.stats().engine() + " but the emulator's run does not break it");
            }
        }
        return new Result(notes, spurious);
    }
}
