package org.kexecverify.model.program;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.plan.VectorUse;
import org.kexecverify.model.walk.AccessType;

/**
 * The regions a plan's phases prove, taken from the program: the pages a run of the code fetched, read and wrote
 * (coalesced into runs of pages with one VA-to-PA offset), and the vector entries it took, added to each phase whose
 * regime and table base they were accessed through. The builder's regions stay as well: they cover what a run did
 * not reach (a run that hangs at the first fetch reads no list), and they name each range in kernel terms.
 *
 * <pre>
 *   footprint touch (regime, ttbr, va, pa, access) --&gt; phase with that regime and ttbr
 *      run of consecutive pages, same access, same va-pa  --&gt;  Region("... touched by the run", va, pa, n*4096)
 *   taken exception (to EL, VBAR, offset) --&gt; VectorUse in the phase of that EL and VBAR
 * </pre>
 */
public final class ProgramRegions {
    private ProgramRegions() {}

    public static RelocationPlan apply(RelocationPlan plan, ProgramFootprint fp) {
        List<Phase> phases = new ArrayList<>();
        for (Phase ph : plan.phases()) {
            List<ProgramFootprint.Touch> mine = fp.touches().stream().filter(t -> t.regime() == ph.regs().regime()
                    && (t.ttbr() == ph.regs().ttbr0() || t.ttbr() == ph.regs().ttbr1()) && ph.regs().mmuOn()).toList();
            List<Region> code = new ArrayList<>(ph.code());
            List<Region> data = new ArrayList<>(ph.data());
            for (Region r : runs(mine, AccessType.FETCH, ph.code())) code.add(r);
            for (AccessType a : List.of(AccessType.READ, AccessType.WRITE)) for (Region r : runs(mine, a, ph.data())) data.add(r);
            Set<VectorUse> ex = new LinkedHashSet<>(ph.exceptions());
            int el = ph.regs().regime().el();
            for (ProgramFootprint.Taken t : fp.exceptions()) {
                if (t.toEl() == el && t.vbar() == ph.vbar() && t.ec() == 0x16 && ex.stream().noneMatch(v -> v.offset() == t.offset())) {
                    ex.add(new VectorUse(t.offset(), t.why() + " (taken by the run)"));
                }
            }
            phases.add(new Phase(ph.name(), ph.entryStep(), ph.regs(), ph.vbar(), code, data, List.copyOf(ex)));
        }
        return new RelocationPlan(plan.scenario(), plan.memory(), plan.list(), phases, plan.regions(), plan.kimageReadAfterCopy(), plan.design());
    }

    /** Runs of touched pages of one access type not already inside one of the builder's regions. */
    static List<Region> runs(List<ProgramFootprint.Touch> ts, AccessType access, List<Region> known) {
        Map<Long, Long> pages = new LinkedHashMap<>(); // va page -> pa page (-1: faulted)
        for (ProgramFootprint.Touch t : ts) {
            if (t.access() != access || covered(known, t.vaPage(), access)) continue;
            pages.putIfAbsent(t.vaPage(), t.paPage());
        }
        List<Long> vas = new ArrayList<>(pages.keySet());
        vas.sort(Long::compareUnsigned);
        List<Region> out = new ArrayList<>();
        long start = 0;
        long pa = 0;
        long n = 0;
        for (long va : vas) {
            long p = pages.get(va);
            if (n > 0 && va == start + n * 4096 && p >= 0 && pa >= 0 && p == pa + n * 4096) {
                n++;
                continue;
            }
            if (n > 0) out.add(region(start, pa, n, access));
            start = va;
            pa = p;
            n = 1;
        }
        if (n > 0) out.add(region(start, pa, n, access));
        return out;
    }

    private static Region region(long va, long pa, long pages, AccessType a) {
        String what = switch (a) {
            case FETCH -> "code fetched by the run";
            case READ -> "data read by the run";
            case WRITE -> "data written by the run";
        };
        // a faulted access has no PA: the walk must reach the page the VA names under an identity map, else the fault shows
        return new Region(what, va, pa >= 0 ? pa : va, pages * 4096, a, "the tables the run walked");
    }

    private static boolean covered(List<Region> rs, long va, AccessType a) {
        for (Region r : rs) {
            boolean sameKind = r.access() == a || (a == AccessType.READ && r.access() == AccessType.WRITE);
            if (sameKind && Long.compareUnsigned(va - r.va(), r.size()) < 0) return true;
        }
        return false;
    }
}
