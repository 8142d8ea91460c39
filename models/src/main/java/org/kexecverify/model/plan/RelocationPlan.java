package org.kexecverify.model.plan;

import java.util.List;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.scenario.Scenario;

/**
 * A scenario made concrete: memory with the tables and entry list written, the phases the CPU goes
 * through, and the named physical regions.
 *
 * <pre>
 *   scenario --builder--> memory (tables, list) + phases:
 *     [phase 1: relocate_kernel.S, regime R1, code/data regions, VBAR]
 *       --(msr sctlr / hvc)--> [phase 2: ...] --br--> new kernel (MMU off)
 * </pre>
 *
 * @param kimageReadAfterCopy the design reads struct kimage fields after the first page copy
 */
public record RelocationPlan(Scenario scenario, PhysicalMemory memory, KimageList list, List<Phase> phases,
                             List<PhysRegion> regions, boolean kimageReadAfterCopy, String design) {
    public RelocationPlan {
        phases = List.copyOf(phases);
        regions = List.copyOf(regions);
    }

    /** The same plan over other memory (an engine's private copy). */
    public RelocationPlan withMemory(PhysicalMemory m) {
        return new RelocationPlan(scenario, m, list, phases, regions, kimageReadAfterCopy, design);
    }

    public List<PhysRegion> regions(PhysRegion.Kind kind) {
        return regions.stream().filter(r -> r.kind() == kind).toList();
    }
}
