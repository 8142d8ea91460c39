package org.kexecverify.engines;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.smt.SmtEngine;
import org.kexecverify.smt.SmtOptions;

/** The Z3 engine: one query per obligation and phase over a symbolic VA (and, with open placements, symbolic layouts). */
public final class SmtEngineAdapter implements Engine {
    private final SmtOptions options;
    private final boolean openPlacements;

    public SmtEngineAdapter(SmtOptions options, boolean openPlacements) {
        this.options = options;
        this.openPlacements = openPlacements;
    }

    @Override
    public String name() { return SmtEngine.ENGINE; }

    @Override
    public Set<Obligation> decides() { return EnumSet.copyOf(SmtEngine.DECIDES); }

    @Override
    public List<Verdict> check(RelocationPlan plan) {
        try (SmtEngine e = new SmtEngine(options)) {
            return e.check(ProgramPlans.of(plan), openPlacements);
        }
    }
}
