package org.kexecverify.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.PgprotExpression;
import org.kexecverify.model.engine.ModelEngine;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * Repairs in the design's own terms: the builder options a kernel developer would change ({@code code_prot},
 * {@code data_prot} as pgprot expressions, {@code vectors: copy}), each candidate built by the scenario's builder and
 * re-proved by the model engine, listed narrowest first: ordered by the access they grant beyond what the scenario
 * already grants (write, execute and EL0 access of the mappings they change), then by how many options they change.
 * A candidate that needs more access than another working one is never listed before it.
 */
final class DesignRepairs {
    private DesignRepairs() {}

    static final List<String> CODE_PROTS = List.of("PAGE_KERNEL_ROX", "PAGE_HYP_EXEC", "PAGE_KERNEL_ROX & ~PTE_UXN", "PAGE_KERNEL_EXEC",
            "PAGE_HYP_EXEC & ~PTE_RDONLY", "PAGE_KERNEL_EXEC & ~PTE_UXN");
    static final List<String> DATA_PROTS = List.of("PAGE_KERNEL_RO", "PAGE_KERNEL", "PAGE_HYP");
    static final List<String> VECTORS = List.of("none", "copy");
    static final int SHOWN = 3;

    /** A working option set: what it changes, the access it adds, and the model engine's re-proof. */
    record Candidate(Map<String, String> changes, List<String> adds, int access, List<Verdict> reproved) {
        int widening() {
            return adds.size();
        }
    }

    /**
     * As the descriptor-level search requires: a repaired design must survive a fault too, so in every MMU-on phase
     * the synchronous vector (VBAR + 0x200) must be an executable fetch from RAM, whether or not a fault is expected.
     */
    static boolean survivesAFault(RelocationPlan plan) {
        for (Phase p : plan.phases()) {
            if (!p.regs().mmuOn()) continue;
            Translation t = Walker.translate(p.regs(), plan.memory(), p.vbar() + 0x200, AccessType.FETCH, 4, WalkOptions.DEFAULT);
            if (!(t instanceof Translation.Mapped m && m.attrs().executable() && plan.memory().isRam(m.pa(), 1))) return false;
        }
        return true;
    }

    /** The hint text, or empty when the builder takes none of these options or the scenario's options already prove. */
    static String hints(RelocationPlan plan) {
        Scenario s = plan.scenario();
        List<String> takes = ScenarioBuilders.OPTIONS_BY_BUILDER.getOrDefault(s.tables().builder(), List.of());
        if (!takes.contains("code_prot") && !takes.contains("vectors")) return "";
        Map<String, String> given = s.tables().options();
        List<List<String>> axes = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (String k : List.of("code_prot", "data_prot", "vectors")) {
            if (!takes.contains(k)) continue;
            keys.add(k);
            List<String> values = new ArrayList<>(k.equals("code_prot") ? CODE_PROTS : k.equals("data_prot") ? DATA_PROTS : VECTORS);
            String now = given.get(k);
            if (now != null && !values.contains(now)) values.add(0, now);
            axes.add(values);
        }
        int mtNormal = mtNormal(s);
        if (mtNormal < 0) return "";
        List<Candidate> working = new ArrayList<>();
        ModelEngine engine = new ModelEngine(WalkOptions.DEFAULT);
        int tried = 0;
        for (List<String> combo : cartesian(axes)) {
            Map<String, String> opts = new LinkedHashMap<>(given);
            Map<String, String> changes = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                String dflt = ScenarioBuilders.defaultOption(s.tables().builder(), keys.get(i));
                String was = given.getOrDefault(keys.get(i), dflt);
                opts.put(keys.get(i), combo.get(i));
                if (!combo.get(i).equals(was)) changes.put(keys.get(i), combo.get(i));
            }
            if (changes.isEmpty()) continue;
            tried++;
            RelocationPlan candidate;
            try {
                candidate = ScenarioBuilders.build(s.withTableOptions(opts));
            } catch (ScenarioError | RuntimeException e) {
                continue;   // an option set the builder cannot build is no repair
            }
            List<Verdict> vs = engine.checkWalks(candidate);
            if (vs.size() == RepairHints.WALK_OBLIGATIONS.size() && vs.stream().allMatch(v -> v instanceof Verdict.Proved)
                    && survivesAFault(candidate)) {
                List<String> adds = new ArrayList<>();
                for (Map.Entry<String, String> c : changes.entrySet()) {
                    String was = given.getOrDefault(c.getKey(), ScenarioBuilders.defaultOption(s.tables().builder(), c.getKey()));
                    adds.addAll(added(s.regime(), c.getKey(), was, c.getValue(), mtNormal));
                }
                int access = 0;
                for (Map.Entry<String, String> c : opts.entrySet()) {
                    if (c.getKey().endsWith("_prot")) access += widening(s.regime(), c.getKey(), "PTE_RDONLY | PTE_UXN | PTE_PXN", c.getValue(), mtNormal);
                }
                working.add(new Candidate(changes, adds, access, vs));
            }
        }
        working.sort(Comparator.comparingInt(Candidate::widening).thenComparingInt(Candidate::access).thenComparingInt(c -> c.changes().size())
                .thenComparing(c -> c.changes().toString()));
        StringBuilder sb = new StringBuilder("repair hints (builder options, narrowest first; each re-proved by the model engine):\n");
        if (working.isEmpty()) {
            sb.append("  none of ").append(tried).append(" option sets of ").append(s.tables().builder())
                    .append(" proves every walk obligation: the fix is outside the builder's options (see the descriptor-level hints)\n");
            return sb.toString().stripTrailing();
        }
        for (Candidate c : working.subList(0, Math.min(SHOWN, working.size()))) {
            sb.append("  - tables.options: ");
            sb.append(String.join(", ", c.changes().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue()).toList()));
            sb.append(c.adds().isEmpty() ? " (no access added)" : " (adds " + String.join(", ", c.adds()) + ")");
            sb.append("; re-proved:");
            for (Verdict v : c.reproved()) sb.append(' ').append(v.obligation()).append('=').append(v.outcome());
            sb.append('\n');
        }
        if (working.size() > SHOWN) sb.append("  (").append(working.size() - SHOWN).append(" wider option sets also prove; not listed)\n");
        return sb.toString().stripTrailing();
    }

    /**
     * The access {@code now} grants that {@code was} did not, counted per kind: write (AP[2] clear), execute in the
     * regime (PXN at EL1&0 and EL2&0, XN = bit 54 at EL2 with E2H=0) and EL0 access (AP[1] where EL0 exists). For
     * {@code vectors}, copying the vectors maps one more page executable: 1.
     */
    static int widening(Regime regime, String key, String was, String now, int mtNormal) {
        return added(regime, key, was, now, mtNormal).size();
    }

    /** What {@code now} allows that {@code was} did not, in words ("execute (code_prot)"). */
    static List<String> added(Regime regime, String key, String was, String now, int mtNormal) {
        List<String> out = new ArrayList<>();
        if (key.equals("vectors")) {
            if (now.equals("copy") && !was.equals("copy")) out.add("an executable vector page (vectors: copy)");
            return out;
        }
        long a = PgprotExpression.attributes(was, mtNormal);
        long b = PgprotExpression.attributes(now, mtNormal);
        if (writable(a) < writable(b)) out.add("write (" + key + ")");
        if (executable(regime, a) < executable(regime, b)) out.add("execute at EL" + regime.el() + " (" + key + ")");
        if (regime.hasTwoRanges() && DescriptorBits.AP1.get(a) < DescriptorBits.AP1.get(b)) out.add("EL0 access (" + key + ")");
        return out;
    }

    private static int writable(long attrs) {
        return DescriptorBits.AP2.get(attrs) == 0 ? 1 : 0;
    }

    private static int executable(Regime regime, long attrs) {
        long xn = regime == Regime.EL2 ? DescriptorBits.UXN.get(attrs) : DescriptorBits.PXN.get(attrs);
        return xn == 0 ? 1 : 0;
    }

    private static int mtNormal(Scenario s) {
        Long mair = s.registers().get(s.regime().el() == 1 ? SysReg.MAIR_EL1 : SysReg.MAIR_EL2);
        return mair == null ? -1 : LinuxMair.mtNormalIndex(mair);
    }

    private static List<List<String>> cartesian(List<List<String>> axes) {
        List<List<String>> out = new ArrayList<>();
        out.add(List.of());
        for (List<String> axis : axes) {
            List<List<String>> next = new ArrayList<>();
            for (List<String> prefix : out) {
                for (String v : axis) {
                    List<String> l = new ArrayList<>(prefix);
                    l.add(v);
                    next.add(l);
                }
            }
            out = next;
        }
        return out;
    }
}
