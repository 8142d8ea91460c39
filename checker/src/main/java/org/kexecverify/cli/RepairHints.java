package org.kexecverify.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.smt.PlanAdapter;
import org.kexecverify.smt.SmtEngine;
import org.kexecverify.smt.SmtInput;
import org.kexecverify.smt.SmtOptions;
import org.kexecverify.smt.repair.Repair;

/** {@code check --repair}: the smallest descriptor/register change (Z3 MaxSMT) per MMU-on phase, and its re-proof. */
final class RepairHints {
    private RepairHints() {}

    static final List<Obligation> WALK_OBLIGATIONS = List.of(Obligation.IDMAP_COVERS_CODE, Obligation.VECTORS_EXECUTABLE, Obligation.DATA_ACCESSIBLE);

    /** Notes keyed by the first refuted walk verdict; empty when nothing walk-related is refuted. */
    static Map<Verdict, String> forPlan(RelocationPlan plan, List<Verdict> verdicts, long timeoutMillis) {
        Map<Verdict, String> out = new LinkedHashMap<>();
        Verdict anchor = verdicts.stream().filter(v -> v instanceof Verdict.Refuted && WALK_OBLIGATIONS.contains(v.obligation())).findFirst().orElse(null);
        if (anchor == null) return out;
        StringBuilder sb = new StringBuilder();
        String design = DesignRepairs.hints(plan);
        if (!design.isEmpty()) sb.append(design).append('\n');
        sb.append("descriptor-level repair hints (smt, MaxSMT over descriptor and register bits):\n");
        try (SmtEngine e = new SmtEngine(new SmtOptions(timeoutMillis))) {
            for (Phase p : plan.phases()) {
                if (!p.regs().mmuOn()) continue;
                // a repaired design must also survive a fault: require the synchronous vector (+0x200) too
                List<Long> vectors = new java.util.ArrayList<>(PlanAdapter.intendedVectors(p));
                if (!vectors.contains(SmtInput.VECTOR_CURRENT_EL_SPX_SYNC)) vectors.add(SmtInput.VECTOR_CURRENT_EL_SPX_SYNC);
                Repair.Result r = new Repair(e).search(PlanAdapter.phase(plan, p, vectors, WalkOptions.DEFAULT), WALK_OBLIGATIONS);
                sb.append("[").append(p.name()).append("]\n");
                if (!r.found()) {
                    sb.append("  no repair found: ").append(r.why()).append('\n');
                    continue;
                }
                if (r.hints().isEmpty()) {
                    sb.append("  nothing to change in this phase\n");
                    continue;
                }
                for (Repair.Hint h : r.hints()) sb.append("  - ").append(h.words()).append('\n');
                sb.append("  re-proved on the repaired copy:");
                for (Verdict v : r.reproved()) sb.append(' ').append(v.obligation()).append('=').append(v.outcome());
                sb.append('\n');
            }
        }
        out.put(anchor, sb.toString().stripTrailing());
        return out;
    }
}
