package org.kexecverify.engines;

import java.util.List;
import java.util.Set;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;

/** A way of deciding obligations on a relocation plan: model, smt, tla or emu. */
public interface Engine {
    String name();

    /** Obligations this engine decides; the rest it leaves to others. */
    Set<Obligation> decides();

    List<Verdict> check(RelocationPlan plan);

    /**
     * Whether checks of different plans may run on this engine object at the same time
     * ({@link EngineRuns}). False unless the engine keeps no state between checks.
     */
    default boolean concurrent() {
        return false;
    }
}
