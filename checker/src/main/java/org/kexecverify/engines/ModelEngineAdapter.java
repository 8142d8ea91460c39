package org.kexecverify.engines;

import java.util.List;
import java.util.Set;
import org.kexecverify.model.engine.ModelEngine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;

/** The page-by-page model engine. */
public final class ModelEngineAdapter implements Engine {
    private final ModelEngine engine;

    public ModelEngineAdapter(WalkOptions options, org.kexecverify.model.progress.Progress progress) {
        this.engine = new ModelEngine(options, progress);
    }

    @Override
    public String name() { return ModelEngine.NAME; }

    @Override
    public Set<Obligation> decides() { return ModelEngine.DECIDES; }

    @Override
    public List<Verdict> check(RelocationPlan plan) { return engine.check(ProgramPlans.of(plan)); }
}
