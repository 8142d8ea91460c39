package org.kexecverify.engines;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import org.kexecverify.emulator.scenario.FootprintRun;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.ProgramFootprint;
import org.kexecverify.model.program.ProgramRegions;

/**
 * The plan the model and smt engines prove: the builder's regions plus what one run of the scenario's code touched
 * ({@link ProgramRegions}), so that no page the program fetches, reads or writes, and no vector entry it takes,
 * stays outside the proof. One run per plan, shared by the engines of a check.
 */
final class ProgramPlans {
    private ProgramPlans() {}

    private static final Map<RelocationPlan, RelocationPlan> DONE = Collections.synchronizedMap(new WeakHashMap<>());

    static RelocationPlan of(RelocationPlan plan) {
        if (plan.scenario().code().get().isEmpty()) return plan;
        return DONE.computeIfAbsent(plan, p -> {
            try {
                ProgramFootprint fp = FootprintRun.of(p);
                return ProgramRegions.apply(p, fp);
            } catch (ScenarioRun.Unsupported e) {
                return p; // the code cannot run here: the builder's regions stand alone (emu says why)
            }
        });
    }
}
