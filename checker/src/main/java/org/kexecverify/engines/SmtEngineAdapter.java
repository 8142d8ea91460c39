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
    private final org.kexecverify.model.walk.WalkOptions walk;

    public SmtEngineAdapter(SmtOptions options, boolean openPlacements) {
        this(options, openPlacements, org.kexecverify.model.walk.WalkOptions.DEFAULT);
    }

    /** With the walk choices the other engines get (hardware Access-flag update, Device fetches). */
    public SmtEngineAdapter(SmtOptions options, boolean openPlacements, org.kexecverify.model.walk.WalkOptions walk) {
        this.options = options;
        this.openPlacements = openPlacements;
        this.walk = walk;
    }

    @Override
    public String name() { return SmtEngine.ENGINE; }

    @Override
    public Set<Obligation> decides() {
        // not ENTRY_EL_PRESERVED: the queries are stage-1 walks over a symbolic VA and placement, with no exception
        // level and no path through the code (the model engine reads the code's exits, the emulator runs them)
        return EnumSet.copyOf(SmtEngine.DECIDES);
    }

    @Override
    public List<Verdict> check(RelocationPlan plan) {
        try (SmtEngine e = new SmtEngine(options).withWalk(walk)) {
            return e.check(ProgramPlans.of(plan), openPlacements);
        }
    }
}
