package org.kexecverify.smt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.plan.VectorUse;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.smt.placement.PlacementPlan;
import org.kexecverify.smt.placement.PlacementPlan.Guarantee;
import org.kexecverify.smt.placement.PlacementPlan.PlacedObject;
import org.kexecverify.smt.placement.PlacementPlan.Segment;

/**
 * Turns what the model engine consumes (a {@link RelocationPlan}: phases with registers, VBAR,
 * code and data regions, memory, the kimage list and the named physical regions) into SMT inputs:
 * one {@link SmtInput} per phase and one {@link PlacementPlan}.
 *
 * <p>Placements: {@code fixed} keeps every object where the scenario put it (the model engine's
 * question, "this layout"); {@code open} lets control pages, indirection pages and table pages lie
 * anywhere the allocator allows and the struct kimage anywhere in RAM (the question "every layout").
 */
public final class PlanAdapter {
    private PlanAdapter() {}

    public static SmtInput phase(RelocationPlan plan, Phase p, List<Long> vectorOffsets, WalkOptions opts) {
        List<Region> regions = new ArrayList<>();
        for (var r : p.code()) regions.add(Region.at(r.name(), r.va(), r.pa(), r.size(), r.access()));
        for (var r : p.data()) regions.add(Region.at(r.name(), r.va(), r.pa(), r.size(), r.access()));
        return new SmtInput(plan.scenario().name() + " [" + p.name() + "]", p.regs(), plan.memory(), regions, OptionalLong.of(p.vbar()),
                vectorOffsets, opts, null);
    }

    /** The exception vectors a phase takes on purpose (HVC ...). */
    public static List<Long> intendedVectors(Phase p) {
        Set<Long> out = new LinkedHashSet<>();
        for (VectorUse u : p.exceptions()) out.add((long) u.offset());
        return new ArrayList<>(out);
    }

    public static PlacementPlan placement(RelocationPlan plan, boolean open) {
        List<Segment> segs = new ArrayList<>();
        long start = -1;
        long next = -1;
        int n = 0;
        for (KimageList.Copy c : plan.list().copies()) {
            if (c.destination() != next) {
                if (start >= 0) segs.add(new Segment("destination run " + (n++), start, next - start));
                start = c.destination();
            }
            next = c.destination() + PhysicalMemory.PAGE_SIZE;
        }
        if (start >= 0) segs.add(new Segment("destination run " + n, start, next - start));
        boolean tablesAreControlPages = plan.scenario().placement().tablePages() < 0;
        List<PlacedObject> objs = new ArrayList<>();
        for (PhysRegion r : plan.regions()) {
            Guarantee g;
            long until = -1;
            switch (r.kind()) {
                case CODE, ARGUMENTS, VECTORS, INDIRECTION -> g = Guarantee.AVOIDS_DESTINATIONS;
                case TABLE -> g = tablesAreControlPages ? Guarantee.AVOIDS_DESTINATIONS : Guarantee.ANYWHERE_IN_RAM;
                case KIMAGE -> {
                    if (!plan.kimageReadAfterCopy()) continue;
                    // the model engine's reading: fields are read at some point of the copy loop, so the struct is needed throughout
                    g = Guarantee.ANYWHERE_IN_RAM;
                }
                default -> { continue; }
            }
            long base = r.pa() & ~(PhysicalMemory.PAGE_SIZE - 1);
            long size = ((r.pa() + r.size() + PhysicalMemory.PAGE_SIZE - 1) & ~(PhysicalMemory.PAGE_SIZE - 1)) - base;
            Guarantee used = open ? g : Guarantee.FIXED;
            objs.add(new PlacedObject(r.name() + " @0x" + Long.toHexString(base), used, used == Guarantee.FIXED ? OptionalLong.of(base) : OptionalLong.empty(),
                    size, until));
        }
        for (Phase p : plan.phases()) {
            if (p.exceptions().isEmpty()) continue;
            long base = p.vbar() & ~(PhysicalMemory.PAGE_SIZE - 1);
            objs.add(new PlacedObject(p.vbarName() + " vectors of " + p.name(), Guarantee.FIXED, OptionalLong.of(base), PhysicalMemory.PAGE_SIZE, -1));
        }
        return new PlacementPlan(segs, dedupe(objs), sourcesKeepInvariant(plan.list()));
    }

    /** kimage_alloc_page's invariant on the concrete list: every source is its own destination or no destination. */
    static boolean sourcesKeepInvariant(KimageList list) {
        Set<Long> dests = new java.util.HashSet<>(list.destinationPages());
        for (KimageList.Copy c : list.copies()) if (c.source() != c.destination() && dests.contains(c.source())) return false;
        return true;
    }

    /** Fixed objects sharing a page are one object (the allocator never hands a page out twice). */
    private static List<PlacedObject> dedupe(List<PlacedObject> objs) {
        List<PlacedObject> out = new ArrayList<>();
        Set<Long> fixedPages = new java.util.HashSet<>();
        for (PlacedObject o : objs) {
            if (o.guarantee() == Guarantee.FIXED && !fixedPages.add(o.fixedAt().getAsLong())) continue;
            out.add(o);
        }
        return out;
    }
}
