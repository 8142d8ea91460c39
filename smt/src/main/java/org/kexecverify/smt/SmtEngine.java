package org.kexecverify.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BitVecNum;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import com.microsoft.z3.Params;
import com.microsoft.z3.Solver;
import com.microsoft.z3.Status;
import com.microsoft.z3.Z3Exception;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;
import org.kexecverify.smt.placement.PlacementPlan;
import org.kexecverify.smt.placement.PlacementQuery;
import org.kexecverify.smt.walk.Bv;
import org.kexecverify.smt.walk.SymWalker;

/**
 * Decides obligations with Z3: one query per obligation over a symbolic VA (or symbolic
 * placements), sat = refuted. Every witness is replayed through the Java model before it becomes
 * a counterexample; one the model does not confirm is an {@link SmtEngineBug}. {@code unknown},
 * timeouts and solver errors are {@link Verdict.Inconclusive}, never proved.
 *
 * <pre>
 *   SmtInput --Encoding (regs, table runs, VBAR)--&gt; Queries: bad(va) = in region and not ok(walk(va))
 *            --Solver (timeout)--&gt; unsat: Proved | sat: model -&gt; witness -&gt; Walker replay -&gt; Refuted
 *                                  unknown/error: Inconclusive
 * </pre>
 */
public final class SmtEngine implements AutoCloseable {
    public static final String ENGINE = "smt";
    /** Obligations this engine decides, in report order. */
    public static final List<Obligation> DECIDES = List.of(Obligation.REGISTERS_VALID, Obligation.IDMAP_COVERS_CODE,
            Obligation.VECTORS_EXECUTABLE, Obligation.DATA_ACCESSIBLE, Obligation.NO_CLOBBER);

    private final Context ctx;
    private final Bv bv;
    private final SmtOptions options;
    /** The IMPLEMENTATION DEFINED walk choices (e.g. FEAT_HAFDBS), as the other engines are given them. */
    private org.kexecverify.model.walk.WalkOptions walk = org.kexecverify.model.walk.WalkOptions.DEFAULT;

    /** The same engine walking with {@code w} (FEAT_HAFDBS: with TCR.HA an AF = 0 entry does not fault). */
    public SmtEngine withWalk(org.kexecverify.model.walk.WalkOptions w) {
        this.walk = w;
        return this;
    }

    public SmtEngine(SmtOptions options) {
        this.ctx = new Context();
        this.bv = new Bv(ctx);
        this.options = options;
    }

    public Bv bv() { return bv; }

    public Context context() { return ctx; }

    public SmtOptions options() { return options; }

    @Override
    public void close() { ctx.close(); }

    /**
     * The model engine's obligations over a relocation plan, phase by phase, in
     * {@code ModelEngine.check} order. A phase's synchronous vector (+0x200) is required when some
     * access of that phase can fault; the vectors it takes on purpose (HVC) always are.
     *
     * @param openPlacements NO_CLOBBER over every placement the allocator allows, instead of the
     *                       scenario's own placement
     */
    public List<Verdict> check(org.kexecverify.model.plan.RelocationPlan plan, boolean openPlacements) {
        List<Verdict> regs = new ArrayList<>();
        List<Verdict> code = new ArrayList<>();
        List<Verdict> vec = new ArrayList<>();
        List<Verdict> data = new ArrayList<>();
        for (org.kexecverify.model.plan.Phase p : plan.phases()) {
            List<Long> intended = PlanAdapter.intendedVectors(p);
            SmtInput in = PlanAdapter.phase(plan, p, intended, walk);
            regs.add(decide(in, Obligation.REGISTERS_VALID));
            Verdict c = decide(in, Obligation.IDMAP_COVERS_CODE);
            Verdict d = decide(in, Obligation.DATA_ACCESSIBLE);
            code.add(c);
            data.add(d);
            List<Long> offsets = new ArrayList<>(intended);
            if ((c instanceof Verdict.Refuted || d instanceof Verdict.Refuted) && !offsets.contains(SmtInput.VECTOR_CURRENT_EL_SPX_SYNC)) {
                offsets.add(SmtInput.VECTOR_CURRENT_EL_SPX_SYNC);
            }
            SmtInput vin = new SmtInput(in.name(), in.regs(), in.mem(), in.regions(), in.vbar(), offsets, in.walkOptions(), null);
            vec.add(offsets.isEmpty() ? null : decide(vin, Obligation.VECTORS_EXECUTABLE));
        }
        SmtInput placement = new SmtInput(plan.scenario().name(), plan.phases().get(0).regs(), plan.memory(), List.of(), java.util.OptionalLong.empty(),
                List.of(), walk, PlanAdapter.placement(plan, openPlacements));
        return Obligation.gate(plan, List.of(combine(Obligation.REGISTERS_VALID, regs), combine(Obligation.IDMAP_COVERS_CODE, code),
                combine(Obligation.VECTORS_EXECUTABLE, vec), combine(Obligation.DATA_ACCESSIBLE, data),
                decide(placement, Obligation.NO_CLOBBER)));
    }

    /** First refutation wins; otherwise any inconclusive phase makes the whole inconclusive; empty phases are vacuous. */
    static Verdict combine(Obligation o, List<Verdict> perPhase) {
        long ms = 0;
        long n = 0;
        List<String> proved = new ArrayList<>();
        Verdict inconclusive = null;
        for (Verdict v : perPhase) {
            if (v == null) {
                proved.add("a phase takes no exception: no vector to check");
                continue;
            }
            ms += v.stats().millis();
            n += v.stats().checked();
            if (v instanceof Verdict.Refuted) return v;
            if (v instanceof Verdict.Inconclusive i) {
                if (i.explanation().startsWith("the input names nothing")) {
                    proved.add("a phase has nothing this applies to");
                    continue;
                }
                if (inconclusive == null) inconclusive = v;
                continue;
            }
            proved.add(v.explanation());
        }
        Stats st = new Stats(ENGINE, ms, n, "queries");
        if (inconclusive != null) return new Verdict.Inconclusive(o, inconclusive.explanation(), st);
        return new Verdict.Proved(o, String.join("; ", proved), st);
    }

    public List<Verdict> decideAll(SmtInput in) {
        List<Verdict> out = new ArrayList<>();
        for (Obligation o : DECIDES) out.add(decide(in, o));
        return out;
    }

    /** The query for {@code o} over the input as given, or null when the input has nothing it applies to. */
    public ObligationQuery query(SmtInput in, Obligation o) {
        if (o == Obligation.NO_CLOBBER) {
            return in.placement() == null ? null : PlacementQuery.build(bv, in.placement(), in.mem().ram());
        }
        Encoding enc = Encoding.concrete(bv, in);
        return new Queries(bv, in, enc).of(o, bv.var("va"));
    }

    public Solver solver() {
        Solver s = ctx.mkSolver("QF_BV");
        Params p = ctx.mkParams();
        p.add("timeout", (int) Math.min(Integer.MAX_VALUE, options.timeoutMillis()));
        s.setParameters(p);
        return s;
    }

    /** The query as an SMT-LIB2 script that stock {@code z3 file.smt2} answers: sat = refuted. */
    public String smt2(SmtInput in, ObligationQuery q) {
        Solver s = ctx.mkSolver();
        s.add(q.bad());
        return "; kexec-verify " + q.obligation() + " for " + in.name() + " (" + in.regs().regime().displayName() + ")\n"
                + "; " + q.obligation().meaning() + "\n"
                + "; sat = REFUTED (the model is a counterexample), unsat = PROVED over " + q.checked() + "\n"
                + "(set-logic QF_BV)\n" + s.toString() + "(check-sat)\n";
    }

    public Verdict decide(SmtInput in, Obligation o) {
        long t0 = System.nanoTime();
        try {
            ObligationQuery q = query(in, o);
            if (q == null) {
                return new Verdict.Inconclusive(o, "the input names nothing this obligation is about (" + missing(o) + ")", stats(t0, 0, q));
            }
            Solver s = solver();
            s.add((BoolExpr) q.bad().simplify());
            Status st = s.check();
            if (st == Status.UNSATISFIABLE) return new Verdict.Proved(o, proved(in, q), stats(t0, 1, q));
            if (st == Status.UNKNOWN) {
                return new Verdict.Inconclusive(o, "Z3 answered unknown (" + s.getReasonUnknown() + ") within " + options.timeoutMillis()
                        + " ms: nothing proved", stats(t0, 1, q));
            }
            Model m = s.getModel();
            Counterexample cx = witness(in, q, m);
            return new Verdict.Refuted(o, explanationOf(cx), cx, stats(t0, 1, q));
        } catch (Z3Exception e) {
            return new Verdict.Inconclusive(o, "solver error: " + e.getMessage(), stats(t0, 1, null));
        }
    }

    private static String missing(Obligation o) {
        return switch (o) {
            case IDMAP_COVERS_CODE -> "no code region";
            case DATA_ACCESSIBLE -> "no data region";
            case VECTORS_EXECUTABLE -> "no VBAR or no vector entry that can be taken";
            case NO_CLOBBER -> "no placement plan";
            default -> "not an SMT obligation";
        };
    }

    private static Stats stats(long t0, long queries, ObligationQuery q) {
        return new Stats(ENGINE, (System.nanoTime() - t0) / 1_000_000, queries, queries == 1 ? "query over " + (q == null ? "?" : q.checked()) : "queries");
    }

    private static String proved(SmtInput in, ObligationQuery q) {
        String regime = in.regs().regime().displayName();
        return switch (q.obligation()) {
            case IDMAP_COVERS_CODE -> "every VA of " + names(q) + " translates VA==PA, executable in " + regime + ", Normal memory (Z3: unsat over " + q.checked() + ")";
            case DATA_ACCESSIBLE -> "every access of " + names(q) + " translates as required in " + regime + " (Z3: unsat over " + q.checked() + ")";
            case VECTORS_EXECUTABLE -> "the vector entries " + names(q) + " translate and are executable in " + regime + " (Z3: unsat)";
            case REGISTERS_VALID -> "no RES0/RES1, reserved-encoding, TxSZ, TTBR alignment or PA-size violation (Z3: unsat over " + q.checked() + ")";
            case NO_CLOBBER -> "no copy overwrites a page still needed (Z3: unsat over " + q.checked() + ")";
            default -> "proved";
        };
    }

    private static String names(ObligationQuery q) {
        return String.join(", ", q.violations().stream().map(ObligationQuery.Named::name).toList());
    }

    private static String explanationOf(Counterexample cx) {
        Object why = cx.witness().get("explanation");
        return why == null ? "refuted" : why.toString();
    }

    // ---- witnesses ---------------------------------------------------------------------------------

    private static long value(Model m, BitVecExpr e) {
        return ((BitVecNum) m.eval(e, true)).getBigInteger().longValue();
    }

    private static List<String> holding(Model m, ObligationQuery q) {
        List<String> out = new ArrayList<>();
        for (ObligationQuery.Named n : q.violations()) if (m.eval(n.condition(), true).isTrue()) out.add(n.name());
        return out;
    }

    private Counterexample witness(SmtInput in, ObligationQuery q, Model m) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("regime", in.regs().regime().cliName());
        List<String> which = holding(m, q);
        w.put("violated", which);
        String source;
        Map<String, Object> vars = new LinkedHashMap<>();
        switch (q.obligation()) {
            case IDMAP_COVERS_CODE, VECTORS_EXECUTABLE, DATA_ACCESSIBLE -> {
                long va = value(m, q.witness().get("va"));
                Region region = regionFor(in, q.obligation(), va, which);
                AccessType at = region == null ? AccessType.FETCH : region.access();
                int size = region == null ? 1 : region.accessSize();
                Translation t = Walker.translate(in.regs(), in.mem(), va, at, size, in.walkOptions());
                boolean javaOk = switch (q.obligation()) {
                    case IDMAP_COVERS_CODE -> t instanceof Translation.Mapped mp && mp.pa() == va + region.paDelta() && mp.attrs().executable()
                            && !leafDevice(in.regs(), t);
                    case VECTORS_EXECUTABLE -> t instanceof Translation.Mapped mp && mp.attrs().executable();
                    default -> t instanceof Translation.Mapped mp && (!region.checkPa() || mp.pa() == va + region.paDelta());
                };
                if (javaOk) {
                    throw new SmtEngineBug(String.format("Z3 refuted %s at VA 0x%x (%s) but the Java walk confirms it holds:%n%s", q.obligation(), va,
                            which, t.render()));
                }
                w.put("va", va);
                w.put("access", at.name().toLowerCase(java.util.Locale.ROOT));
                w.put("walk", t.render());
                w.put("region", region == null ? String.join(", ", which) : region.name());
                w.put("explanation", String.format("%s: VA 0x%x (%s) %s", String.join(", ", which), va, at.words(), outcomeWords(t, va)));
                vars.put("va", va);
                vars.put("outcome", t instanceof Translation.Fault f ? f.summary() : "mapped to 0x" + Long.toHexString(((Translation.Mapped) t).pa()));
                source = q.obligation() == Obligation.VECTORS_EXECUTABLE ? "exception entry: fetch from " + String.join(", ", which)
                        : q.obligation() == Obligation.IDMAP_COVERS_CODE ? "instruction fetch after the MMU-on write (msr sctlr)"
                        : "relocate_kernel.S: " + at.words() + " of " + w.get("region");
            }
            case REGISTERS_VALID -> {
                List<String> confirmed = confirmRegisters(in, which);
                w.put("explanation", String.join("; ", which));
                w.put("javaFindings", confirmed);
                vars.put("violations", which);
                source = "register values in force at the MMU-on write";
            }
            case NO_CLOBBER -> {
                PlacementPlan plan = in.placement();
                Map<String, Long> placement = new LinkedHashMap<>();
                for (Map.Entry<String, BitVecExpr> e : q.witness().entrySet()) placement.put(e.getKey(), value(m, e.getValue()));
                long copy = placement.get("copy");
                String expl = confirmClobber(plan, placement, which, in);
                w.put("placement", placement);
                w.put("explanation", expl);
                vars.put("copy", copy);
                vars.put("destination", placement.get("destination"));
                source = "relocate_kernel.S: copy_page, copy #" + copy;
            }
            default -> throw new IllegalArgumentException(q.obligation() + " is not decided by the SMT engine");
        }
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("regime", in.regs().regime().cliName());
        return new Counterexample(in.name(), q.obligation(), ENGINE, w, List.of(new Counterexample.State(q.obligation().name().toLowerCase(java.util.Locale.ROOT), source, vars)), -1, meta);
    }

    private static String outcomeWords(Translation t, long va) {
        if (t instanceof Translation.Fault f) return "takes a " + f.summary() + ": " + f.reason();
        Translation.Mapped mp = (Translation.Mapped) t;
        if (mp.pa() != va) return String.format("maps to PA 0x%x, not VA==PA", mp.pa());
        return "is mapped " + mp.attrs().describe();
    }

    private static Region regionFor(SmtInput in, Obligation o, long va, List<String> which) {
        for (Region r : in.regions()) {
            boolean kind = o == Obligation.IDMAP_COVERS_CODE ? r.access() == AccessType.FETCH : o == Obligation.DATA_ACCESSIBLE && r.access() != AccessType.FETCH;
            if (kind && which.contains(r.name()) && Long.compareUnsigned(va - r.start(), r.size()) < 0) return r;
        }
        return null;
    }

    /** The leaf's MAIR attribute is Device (from the Java walk's last step). */
    static boolean leafDevice(TranslationRegs regs, Translation t) {
        if (t.steps().isEmpty()) return false;
        WalkStep last = t.steps().get(t.steps().size() - 1);
        int idx = (int) DescriptorBits.ATTRINDX.get(last.descriptor());
        return MemoryAttribute.decode((int) Layouts.of(regs.mairReg(), regs.regime()).get("Attr" + idx, regs.mair())).device();
    }

    /** Java-side confirmation of register violations: field-table validation, TTBR alignment and PA size. */
    private static List<String> confirmRegisters(SmtInput in, List<String> which) {
        TranslationRegs r = in.regs();
        List<String> java = new ArrayList<>();
        Layouts.of(r.sctlrReg(), r.regime()).validate(r.sctlr()).stream().filter(f -> f.isError()).forEach(f -> java.add(f.toString()));
        if (r.mmuOn()) {
            Layouts.of(r.tcrReg(), r.regime()).validate(r.tcr()).stream().filter(f -> f.isError()).forEach(f -> java.add(f.toString()));
            Layouts.of(r.mairReg(), r.regime()).validate(r.mair()).stream().filter(f -> f.isError()).forEach(f -> java.add(f.toString()));
        }
        int ranges = !r.mmuOn() ? 0 : r.regime().hasTwoRanges() ? 2 : 1;
        for (int i = 0; i < ranges; i++) {
            long ttbr = i == 0 ? r.ttbr0() : r.ttbr1();
            var l = Layouts.of(r.ttbrReg(i), r.regime());
            l.validate(ttbr).stream().filter(f -> f.isError()).forEach(f -> java.add(f.toString()));
            boolean live = i == 0 || r.tcrField("EPD1") == 0;
            long base = ttbr & l.field("BADDR").mask();
            if (live && (base >>> r.effectivePaBits()) != 0) java.add(r.ttbrReg(i) + " base beyond the " + r.effectivePaBits() + "-bit PA size");
            long txsz = r.tcrField(i == 0 ? "T0SZ" : "T1SZ");
            if (live && txsz >= SymWalker.MIN_TXSZ && txsz <= SymWalker.MAX_TXSZ) {
                int in2 = Bv.W - (int) txsz;
                int stride = PhysicalMemory.PAGE_SHIFT - 3;
                int start = 4 - (in2 - PhysicalMemory.PAGE_SHIFT + stride - 1) / stride;
                long tableBytes = 8L << (in2 - (PhysicalMemory.PAGE_SHIFT + stride * (3 - start)));
                if ((base & (tableBytes - 1)) != 0) java.add(r.ttbrReg(i) + " base not aligned to its " + tableBytes + "-byte start-level table");
            }
        }
        if (in.vbar().isPresent()) {
            var sys = r.regime().el() == 1 ? org.kexecverify.model.reg.SysReg.VBAR_EL1 : org.kexecverify.model.reg.SysReg.VBAR_EL2;
            Layouts.of(sys, r.regime()).validate(in.vbar().getAsLong()).stream().filter(f -> f.isError()).forEach(f -> java.add(f.toString()));
        }
        if (java.isEmpty()) {
            throw new SmtEngineBug("Z3 found register violations " + which + " that the field-table validation does not: " + r);
        }
        return java;
    }

    private static String confirmClobber(PlacementPlan plan, Map<String, Long> placement, List<String> which, SmtInput in) {
        long first = PlacementQuery.firstClobber(plan, placement);
        if (first >= 0) {
            long dest = plan.destinationOf(first);
            String victim = "?";
            for (PlacementPlan.PlacedObject o : plan.objects()) {
                long p = placement.get(PlacementQuery.placementName(o));
                if (Long.compareUnsigned(dest - p, o.size()) < 0) victim = o.name();
            }
            return String.format("copy #%d writes destination page 0x%x, which holds %s while it is still needed (%s)", first, dest, victim,
                    String.join(", ", which));
        }
        long j = placement.get("source_copy");
        long src = placement.get("pa(source of copy j)");
        long i = placement.get("copy");
        boolean invariant = !plan.sourcesKeepInvariant() || src == plan.destinationOf(j) || !plan.isDestination(src);
        if (i < j && plan.destinationOf(i) == src && in.mem().isRam(src) && invariant) {
            return String.format("copy #%d writes page 0x%x, the unread source of copy #%d", i, src, j);
        }
        throw new SmtEngineBug("Z3 found a clobbering placement " + placement + " (" + which + ") that the copy-by-copy replay does not confirm");
    }

    static long pageOf(long pa) { return pa & ~(PhysicalMemory.PAGE_SIZE - 1); }

}
