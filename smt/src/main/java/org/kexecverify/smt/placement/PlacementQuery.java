package org.kexecverify.smt.placement;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.smt.ObligationQuery;
import org.kexecverify.smt.ObligationQuery.Named;
import org.kexecverify.smt.placement.PlacementPlan.Guarantee;
import org.kexecverify.smt.placement.PlacementPlan.PlacedObject;
import org.kexecverify.smt.placement.PlacementPlan.Segment;
import org.kexecverify.smt.walk.Bv;

/**
 * NO_CLOBBER over every placement the allocator allows. Each placement-open object gets a symbolic
 * page-aligned PA in RAM, constrained only by its {@link Guarantee}; the copies are one symbolic
 * copy number {@code i} whose destination is a piecewise-linear function of {@code i} over the
 * segments; source pages are one symbolic source {@code j} under kimage_alloc_page's invariant. The
 * query asks for a copy that overwrites an object (or an unread source) still needed after it:
 *
 * <pre>
 *   exists placement, i:  i &lt; neededUntil(X)  and  dest(i) in [p_X, p_X + size_X)
 *   exists j, i &lt; j:     dest(i) == src(j)      (src(j) is dest(j) or no destination at all)
 * </pre>
 *
 * Its size grows with the number of segments and objects, never with the number of pages.
 */
public final class PlacementQuery {
    private PlacementQuery() {}

    /** Symbolic PA of an object, as named in witnesses. */
    public static String placementName(PlacedObject o) { return "pa(" + o.name() + ")"; }

    public static ObligationQuery build(Bv bv, PlacementPlan plan, List<RamRange> ram) {
        long total = plan.totalPages();
        BitVecExpr i = bv.var("copy");
        BoolExpr iValid = bv.ult(i, bv.num(total));
        BitVecExpr dest = destination(bv, plan, i);
        List<BoolExpr> axioms = new ArrayList<>();
        axioms.add(iValid);
        Map<String, BitVecExpr> witness = new LinkedHashMap<>();
        witness.put("copy", i);
        witness.put("destination", dest);
        List<Named> named = new ArrayList<>();
        Map<PlacedObject, BitVecExpr> pa = new LinkedHashMap<>();
        for (PlacedObject o : plan.objects()) {
            BitVecExpr p = bv.var(placementName(o));
            pa.put(o, p);
            witness.put(placementName(o), p);
            axioms.add(pageAligned(bv, p));
            if (o.guarantee() == Guarantee.FIXED) {
                axioms.add(bv.eq(p, bv.num(o.fixedAt().orElseThrow())));
            } else {
                axioms.add(inRam(bv, p, o.size(), ram));
                if (o.guarantee() == Guarantee.AVOIDS_DESTINATIONS) {
                    for (Segment s : plan.segments()) axioms.add(bv.not(overlaps(bv, p, o.size(), s.dest(), s.pages() << PhysicalMemory.PAGE_SHIFT)));
                }
            }
        }
        // Distinct allocations do not overlap, but a clobber of one object never depends on where the
        // others are (RAM is far larger than the control pages), so that constraint is left out: the
        // query stays linear in the number of objects. Witnesses name only the clobbered object.
        List<PlacedObject> objs = plan.objects();
        for (PlacedObject o : objs) {
            long until = o.neededUntilCopy() < 0 ? total : o.neededUntilCopy();
            BitVecExpr p = pa.get(o);
            BoolExpr hit = bv.and(bv.ule(p, dest), bv.ult(dest, bv.add(p, bv.num(o.size()))), bv.ult(i, bv.num(until)));
            String when = o.neededUntilCopy() < 0 ? "used until the relocation ends" : "last read after " + o.neededUntilCopy() + " page copies";
            named.add(new Named(o.name() + " (" + o.guarantee() + ", " + when + ") overwritten by a copy", hit));
        }
        // sources: one symbolic source page j, read at copy j
        BitVecExpr j = bv.var("source_copy");
        BitVecExpr src = bv.var("pa(source of copy j)");
        witness.put("source_copy", j);
        witness.put("pa(source of copy j)", src);
        BitVecExpr destJ = destination(bv, plan, j);
        List<BoolExpr> srcAx = new ArrayList<>(List.of(bv.ult(j, bv.num(total)), pageAligned(bv, src), inRam(bv, src, PhysicalMemory.PAGE_SIZE, ram)));
        if (plan.sourcesKeepInvariant()) {
            List<BoolExpr> notDest = new ArrayList<>();
            for (Segment s : plan.segments()) notDest.add(bv.not(overlaps(bv, src, PhysicalMemory.PAGE_SIZE, s.dest(), s.pages() << PhysicalMemory.PAGE_SHIFT)));
            srcAx.add(bv.or(bv.eq(src, destJ), bv.and(notDest.toArray(new BoolExpr[0]))));
        }
        for (PlacedObject o : objs) srcAx.add(bv.not(overlapsSym(bv, src, PhysicalMemory.PAGE_SIZE, pa.get(o), o.size())));
        BoolExpr srcHit = bv.and(bv.and(srcAx.toArray(new BoolExpr[0])), bv.ult(i, j), bv.eq(dest, src));
        named.add(new Named("source page of copy j overwritten by an earlier copy", srcHit));

        BoolExpr anyHit = bv.or(named.stream().map(Named::condition).toArray(BoolExpr[]::new));
        BoolExpr bad = bv.and(bv.and(axioms.toArray(new BoolExpr[0])), anyHit);
        return new ObligationQuery(Obligation.NO_CLOBBER, bad, witness, named,
                total + " page copies x " + objs.size() + " objects, "
                        + (objs.stream().allMatch(o -> o.guarantee() == Guarantee.FIXED) ? "this placement" : "all placements the allocator allows"));
    }

    static BitVecExpr destination(Bv bv, PlacementPlan plan, BitVecExpr i) {
        BitVecExpr out = bv.num(-1);
        long first = plan.totalPages();
        List<Segment> segs = plan.segments();
        for (int k = segs.size() - 1; k >= 0; k--) {
            Segment s = segs.get(k);
            first -= s.pages();
            BitVecExpr off = bv.sub(i, bv.num(first));
            BitVecExpr d = bv.add(bv.num(s.dest()), bv.shl(off, PhysicalMemory.PAGE_SHIFT));
            out = bv.ite(bv.ult(off, bv.num(s.pages())), d, out);
        }
        return out;
    }

    static BoolExpr pageAligned(Bv bv, BitVecExpr p) { return bv.eq(bv.and(p, bv.num(PhysicalMemory.PAGE_SIZE - 1)), 0); }

    static BoolExpr inRam(Bv bv, BitVecExpr p, long size, List<RamRange> ram) {
        List<BoolExpr> any = new ArrayList<>();
        for (RamRange r : ram) {
            if (size > r.size()) continue;
            any.add(bv.ule(bv.sub(p, bv.num(r.base())), bv.num(r.size() - size)));
        }
        return any.isEmpty() ? bv.f() : bv.or(any.toArray(new BoolExpr[0]));
    }

    /** [p, p+size) meets [base, base+len) (no wrap: both lie in RAM). */
    static BoolExpr overlaps(Bv bv, BitVecExpr p, long size, long base, long len) {
        return bv.and(bv.ult(p, bv.num(base + len)), bv.ult(bv.num(base), bv.add(p, bv.num(size))));
    }

    static BoolExpr overlapsSym(Bv bv, BitVecExpr a, long sa, BitVecExpr b, long sb) {
        return bv.and(bv.ult(a, bv.add(b, bv.num(sb))), bv.ult(b, bv.add(a, bv.num(sa))));
    }

    /**
     * Replays a concrete placement copy by copy (the Java cross-check of a Z3 witness): the first
     * copy that overwrites a still-needed object, or -1.
     */
    public static long firstClobber(PlacementPlan plan, Map<String, Long> placement) {
        long total = plan.totalPages();
        long best = -1;
        for (PlacedObject o : plan.objects()) {
            Long p = placement.get(placementName(o));
            if (p == null) continue;
            long until = o.neededUntilCopy() < 0 ? total : o.neededUntilCopy();
            long first = 0;
            for (Segment s : plan.segments()) {
                long len = s.pages() << PhysicalMemory.PAGE_SHIFT;
                long lo = Math.max(p, s.dest());
                long hi = Math.min(p + o.size(), s.dest() + len);
                if (Long.compareUnsigned(lo, hi) < 0) {
                    long c = first + ((lo - s.dest()) >>> PhysicalMemory.PAGE_SHIFT);
                    if (c < until && (best < 0 || c < best)) best = c;
                    break;
                }
                first += s.pages();
            }
        }
        return best;
    }
}
