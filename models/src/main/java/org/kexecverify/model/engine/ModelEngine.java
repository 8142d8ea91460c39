package org.kexecverify.model.engine;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.reg.Diagnostic;
import org.kexecverify.model.reg.Finding;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.PageAttributes;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * The model engine: decides the obligations that need no ordering by walking every page of every
 * region concretely, O(pages). Simple and exact for the one layout it is given.
 */
public final class ModelEngine {
    public static final String NAME = "model";

    /**
     * Only the walk obligations (IDMAP_COVERS_CODE, VECTORS_EXECUTABLE, DATA_ACCESSIBLE), gated like {@link #check}:
     * what a repair must re-prove, without the page-by-page NO_CLOBBER enumeration.
     */
    public synchronized List<Verdict> checkWalks(RelocationPlan plan) {
        firstFailure.clear();
        failureSearchCost.clear();
        List<Verdict> out = walks(plan);
        progress.done();
        return Obligation.gate(plan, out);
    }

    private List<Verdict> walks(RelocationPlan plan) {
        return new ArrayList<>(List.of(idmapCoversCode(plan), vectorsExecutable(plan), dataAccessible(plan)));
    }

    /** Obligations this engine decides. */
    public static final Set<Obligation> DECIDES = EnumSet.of(Obligation.REGISTERS_VALID, Obligation.IDMAP_COVERS_CODE,
            Obligation.VECTORS_EXECUTABLE, Obligation.DATA_ACCESSIBLE, Obligation.NO_CLOBBER, Obligation.ENTRY_EL_PRESERVED);

    private final WalkOptions options;
    private final org.kexecverify.model.progress.Progress progress;

    public ModelEngine(WalkOptions options, org.kexecverify.model.progress.Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    public ModelEngine(WalkOptions options) {
        this(options, org.kexecverify.model.progress.Progress.NONE);
    }

    public ModelEngine() {
        this(WalkOptions.DEFAULT);
    }

    /** First failing code or data access per phase, computed once per check. */
    private final Map<Phase, Failure> firstFailure = new java.util.IdentityHashMap<>();
    private final Map<Phase, Long> failureSearchCost = new java.util.IdentityHashMap<>();

    public synchronized List<Verdict> check(RelocationPlan plan) {
        firstFailure.clear();
        failureSearchCost.clear();
        List<Verdict> out = new ArrayList<>();
        out.add(registersValid(plan));
        out.addAll(walks(plan));
        out.add(noClobber(plan));
        out.add(entryElPreserved(plan));
        progress.done();
        return Obligation.gate(plan, out);
    }

    // ---- shared ----------------------------------------------------------------------------------

    /** First failing access of a region, or null. */
    record Failure(Phase phase, Region region, Translation walk, String why) {}

    private Failure checkRegion(RelocationPlan plan, Phase phase, Region r, boolean fetch, long[] counter) {
        for (long off = 0; off < r.size(); off += 4096) {
            long va = r.va() + off;
            if ((++counter[0] & 0xfff) == 0) progress.update(plan.scenario().name() + " model walk", counter[0], -1, "pages");
            Translation t = Walker.translate(phase.regs(), plan.memory(), va, r.access(), 8, options);
            String why = judge(t, r.pa() + off, r, fetch, plan.memory());
            if (why != null) return new Failure(phase, r, t, why);
        }
        return null;
    }

    private static String judge(Translation t, long expectPa, Region r, boolean fetch, org.kexecverify.model.mem.DescriptorSource mem) {
        if (t instanceof Translation.Fault f) {
            return r.access().words() + " of " + r.name() + " at VA 0x" + Long.toHexString(t.va()) + " takes a " + f.summary() + ": " + f.reason();
        }
        Translation.Mapped m = (Translation.Mapped) t;
        if (m.pa() != expectPa) {
            return String.format("%s VA 0x%x translates to PA 0x%x, not 0x%x%s", r.name(), t.va(), m.pa(), expectPa,
                    r.identity() ? " (the identity map is broken)" : "");
        }
        PageAttributes a = m.attrs();
        if (!mem.isRam(m.pa(), 1)) {
            return String.format("%s of %s at VA 0x%x reaches PA 0x%x, which is not RAM: a synchronous External abort", r.access().words(), r.name(),
                    t.va(), m.pa());
        }
        if (fetch && !a.executable()) return r.name() + " at VA 0x" + Long.toHexString(t.va()) + " is not executable";
        if (fetch && a.leaf().device()) {
            return String.format("%s at VA 0x%x is mapped as %s (MAIR Attr%d): an instruction fetch from Device memory is CONSTRAINED "
                    + "UNPREDICTABLE (it may fault, or behave as Normal Non-cacheable as QEMU and Cortex-A cores do); code must be Normal memory",
                    r.name(), t.va(), a.leaf().describe(), a.mairIndex());
        }
        return null;
    }

    private static Map<String, Object> witness(Failure f) {
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("phase", f.phase().name());
        w.put("regime", f.phase().regs().regime().cliName());
        w.put("va", f.walk().va());
        w.put("access", f.walk().access().name().toLowerCase(java.util.Locale.ROOT));
        w.put("region", f.region().name());
        w.put("mappedWith", f.region().mappedWith());
        w.put("walk", f.walk().render());
        if (f.walk() instanceof Translation.Fault fault) {
            w.put("fault", fault.kind().name());
            w.put("level", (long) fault.level());
            w.put("fsc", (long) fault.fsc());
        }
        return w;
    }

    private static Counterexample cx(RelocationPlan plan, Obligation o, Map<String, Object> witness, List<Counterexample.State> states) {
        return new Counterexample(plan.scenario().name(), o, NAME, witness, states, -1,
                Map.of("file", plan.scenario().file(), "design", plan.design()));
    }

    private static Counterexample.State walkState(Failure f) {
        Map<String, Object> vars = new LinkedHashMap<>();
        vars.put("pc_or_va", f.walk().va());
        vars.put("regime", f.phase().regs().regime().cliName());
        vars.put("outcome", f.walk() instanceof Translation.Fault fl ? fl.summary() : "mapped");
        return new Counterexample.State("walk " + f.walk().access().name().toLowerCase(java.util.Locale.ROOT), f.phase().entryStep(), vars);
    }

    // ---- REGISTERS_VALID --------------------------------------------------------------------------

    /** The registers a kexec design programs (as opposed to ID and status registers), validated by REGISTERS_VALID. */
    static final Set<SysReg> PROGRAMMED = EnumSet.of(SysReg.SCTLR_EL1, SysReg.SCTLR_EL2, SysReg.TCR_EL1, SysReg.TCR_EL2, SysReg.MAIR_EL1,
            SysReg.MAIR_EL2, SysReg.TTBR0_EL1, SysReg.TTBR1_EL1, SysReg.TTBR0_EL2, SysReg.TTBR1_EL2, SysReg.HCR_EL2, SysReg.VBAR_EL1, SysReg.VBAR_EL2);

    /** What REGISTERS_VALID reads: every ERROR and WARNING finding, one line each, tagged with the phase. */
    public record RegisterFindings(List<String> errors, List<String> warnings, int checked) {}

    public Verdict registersValid(RelocationPlan plan) {
        long t0 = System.nanoTime();
        RegisterFindings rf = registerFindings(plan);
        List<String> errors = rf.errors();
        List<String> warnings = rf.warnings();
        Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, rf.checked(), "registers");
        if (errors.isEmpty()) {
            return new Verdict.Proved(Obligation.REGISTERS_VALID, "every register of every phase respects RES0/RES1, has no reserved encoding, "
                    + "TxSZ in range, TTBRs aligned and inside the PA size" + (warnings.isEmpty() ? "" : "; warnings: " + String.join("; ", warnings)), st);
        }
        Map<String, Object> w = new LinkedHashMap<>();
        w.put("findings", errors);
        String expl = String.join("; ", errors) + (warnings.isEmpty() ? "" : "; warnings: " + String.join("; ", warnings));
        return new Verdict.Refuted(Obligation.REGISTERS_VALID, expl,
                cx(plan, Obligation.REGISTERS_VALID, w, List.of(new Counterexample.State("registers", "UNKNOWN", Map.of("findings", (long) errors.size())))), st);
    }

    public static RegisterFindings registerFindings(RelocationPlan plan) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        int checked = 0;
        for (Phase p : plan.phases()) {
            TranslationRegs r = p.regs();
            List<Finding> fs = new ArrayList<>(r.sctlrLayout().validate(r.sctlr()));
            checked++;
            long vbarLow = Layouts.of(p.vbarName().equals("VBAR_EL1") ? SysReg.VBAR_EL1 : SysReg.VBAR_EL2, r.regime()).res0Mask() & p.vbar();
            if (vbarLow != 0) {
                fs.add(new Finding(Diagnostic.VBAR_MISALIGNED, p.vbarName(), "VBA", String.format("%s = 0x%x is not 2 KB aligned", p.vbarName(), p.vbar())));
            }
            if (r.mmuOn()) {
                fs.addAll(r.tcrLayout().validate(r.tcr()));
                fs.addAll(Layouts.of(r.mairReg(), r.regime()).validate(r.mair()));
                checked += 3;
                int ranges = r.regime().hasTwoRanges() ? 2 : 1;
                int pa = r.effectivePaBits();
                String psName = r.paSizeFieldName();
                int psBits = Layouts.paBits(r.tcrField(psName));
                if (psBits > r.parangeBits()) {
                    fs.add(new Finding(Diagnostic.PS_BEYOND_PARANGE, r.tcrReg().name(), psName, String.format(
                            "%s.%s gives %d bits but ID_AA64MMFR0_EL1.PARange only %d: the smaller applies", r.tcrReg(), psName, psBits, r.parangeBits())));
                }
                for (int i = 0; i < ranges; i++) {
                    long ttbr = i == 0 ? r.ttbr0() : r.ttbr1();
                    SysReg reg = r.ttbrReg(i);
                    fs.addAll(Layouts.of(reg, r.regime()).validate(ttbr));
                    checked++;
                    long txsz = r.tcrField(i == 0 ? "T0SZ" : "T1SZ");
                    if (!org.kexecverify.model.walk.Granule.txszInRange(txsz)) continue;
                    int start = org.kexecverify.model.walk.Granule.startLevel(txsz);
                    long tableBytes = org.kexecverify.model.walk.Granule.startTableBytes(txsz);
                    long base = ttbr & Layouts.of(reg, r.regime()).field("BADDR").mask();
                    if ((base & (tableBytes - 1)) != 0) {
                        fs.add(new Finding(Diagnostic.TTBR_MISALIGNED, reg.name(), "BADDR", String.format(
                                "%s base 0x%x is not aligned to the %d-byte level-%d table", reg, base, tableBytes, start)));
                    }
                    if ((base >>> pa) != 0) {
                        fs.add(new Finding(Diagnostic.ADDRESS_BEYOND_PA_SIZE, reg.name(), "BADDR", String.format(
                                "%s base 0x%x is beyond the %d-bit PA size (%s.%s)", reg, base, pa, r.tcrReg(), psName)));
                    }
                }
                for (PhysRegion t : plan.regions(PhysRegion.Kind.TABLE)) {
                    if ((t.pa() >>> pa) != 0) {
                        fs.add(new Finding(Diagnostic.ADDRESS_BEYOND_PA_SIZE, r.tcrReg().name(), psName, String.format(
                                "page-table page 0x%x is beyond the %d-bit PA size %s.%s allows", t.pa(), pa, r.tcrReg(), psName)));
                        break;
                    }
                }
            }
            for (Finding f : fs) {
                String line = "[" + p.name() + "] " + f;
                if (f.isError()) errors.add(line);
                else if (f.code().severity() == Diagnostic.Severity.WARNING) warnings.add(line);
            }
        }
        // every register the scenario gives that the design programs is validated too, phase or not (HCR_EL2, the
        // other EL's SCTLR ...): a value the user wrote is never passed over unread
        for (Map.Entry<SysReg, Long> e : plan.scenario().registers().entrySet()) {
            SysReg reg = e.getKey();
            if (!PROGRAMMED.contains(reg)) continue;
            Regime as = Layouts.exists(reg, plan.scenario().regime()) ? plan.scenario().regime() : Layouts.defaultRegime(reg);
            if (!Layouts.exists(reg, as)) continue;
            checked++;
            for (Finding f : Layouts.of(reg, as).validate(e.getValue())) {
                String line = "[scenario registers] " + f;
                boolean seen = errors.stream().anyMatch(x -> x.endsWith("] " + f)) || warnings.stream().anyMatch(x -> x.endsWith("] " + f));
                if (seen) continue;
                if (f.isError()) errors.add(line);
                else if (f.code().severity() == Diagnostic.Severity.WARNING) warnings.add(line);
            }
        }
        return new RegisterFindings(List.copyOf(errors), List.copyOf(warnings), checked);
    }

    // ---- IDMAP_COVERS_CODE / DATA_ACCESSIBLE -------------------------------------------------------------

    Verdict idmapCoversCode(RelocationPlan plan) {
        return regions(plan, Obligation.IDMAP_COVERS_CODE, true);
    }

    Verdict dataAccessible(RelocationPlan plan) {
        return regions(plan, Obligation.DATA_ACCESSIBLE, false);
    }

    private Verdict regions(RelocationPlan plan, Obligation o, boolean code) {
        long t0 = System.nanoTime();
        long[] n = {0};
        for (Phase p : plan.phases()) {
            for (Region r : code ? p.code() : p.data()) {
                Failure f = checkRegion(plan, p, r, code, n);
                if (f != null) {
                    Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, n[0], "pages walked");
                    String expl = "[" + p.name() + "] " + f.why() + " (mapped with " + r.mappedWith() + ")";
                    return new Verdict.Refuted(o, expl, cx(plan, o, witness(f), List.of(walkState(f))), st);
                }
            }
        }
        Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, n[0], "pages walked");
        String what = code ? "every page of code executed after the MMU-on write translates to itself and is executable in its regime"
                : "every entry-list, source, destination and kimage page is accessible at the VA the code uses";
        return new Verdict.Proved(o, what + " (" + n[0] + " pages)", st);
    }

    // ---- VECTORS_EXECUTABLE -------------------------------------------------------------------------

    Verdict vectorsExecutable(RelocationPlan plan) {
        long t0 = System.nanoTime();
        long n = 0;
        List<String> notes = new ArrayList<>();
        for (Phase p : plan.phases()) {
            Map<Integer, String> takeable = new LinkedHashMap<>();
            p.exceptions().forEach(u -> takeable.put(u.offset(), u.why()));
            if (!failureSearchCost.containsKey(p)) {
                Failure found = null;
                long[] cnt = {0};
                for (Region r : p.code()) {
                    if (found == null) found = checkRegion(plan, p, r, true, cnt);
                }
                for (Region r : p.data()) {
                    if (found == null) found = checkRegion(plan, p, r, false, cnt);
                }
                firstFailure.put(p, found);
                failureSearchCost.put(p, cnt[0]);
            }
            Failure trigger = firstFailure.get(p);
            n += failureSearchCost.get(p);
            if (trigger != null) {
                takeable.putIfAbsent(0x200, "synchronous exception at the current EL with SP_ELx: " + trigger.why());
            }
            if (takeable.isEmpty()) {
                notes.add("[" + p.name() + "] no vector is reachable: no access faults and the code takes no exception on purpose (interrupts masked)");
                continue;
            }
            for (Map.Entry<Integer, String> e : takeable.entrySet()) {
                long va = p.vbar() + e.getKey();
                n++;
                Translation t = Walker.translate(p.regs(), plan.memory(), va, AccessType.FETCH, 4, options);
                boolean ok = t instanceof Translation.Mapped m && m.attrs().executable() && plan.memory().isRam(m.pa(), 1);
                if (!ok) {
                    String vecWhy = t instanceof Translation.Fault f ? f.summary() + ": " + f.reason()
                            : !plan.memory().isRam(((Translation.Mapped) t).pa(), 1)
                            ? String.format("a synchronous External abort (PA 0x%x is not RAM)", ((Translation.Mapped) t).pa()) : "not executable";
                    String expl = String.format("[%s] %s -> the CPU vectors to %s+0x%x = 0x%x, whose fetch takes %s; that fault vectors to %s+0x200 again: "
                                    + "ELR/ESR/FAR are overwritten each time, no forward progress, no console output (an exception loop: the machine looks frozen)",
                            p.name(), e.getValue(), p.vbarName(), e.getKey(), va, vecWhy, p.vbarName());
                    Map<String, Object> w = new LinkedHashMap<>();
                    w.put("phase", p.name());
                    w.put("regime", p.regs().regime().cliName());
                    w.put("vbar", p.vbar());
                    w.put("vectorOffset", (long) e.getKey());
                    w.put("va", va);
                    w.put("access", "fetch");
                    w.put("walk", t.render());
                    w.put("cause", e.getValue());
                    if (trigger != null) w.put("triggerWalk", trigger.walk().render());
                    List<Counterexample.State> states = new ArrayList<>();
                    if (trigger != null) states.add(walkState(trigger));
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("pc_or_va", va);
                    v.put("regime", p.regs().regime().cliName());
                    v.put("outcome", t instanceof Translation.Fault f2 ? f2.summary() : "mapped, not executable");
                    states.add(new Counterexample.State("vector fetch " + p.vbarName() + "+0x" + Integer.toHexString(e.getKey()), "exception entry", v));
                    Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, n, "pages walked");
                    return new Verdict.Refuted(Obligation.VECTORS_EXECUTABLE, expl, cx(plan, Obligation.VECTORS_EXECUTABLE, w, states), st);
                }
                notes.add(String.format("[%s] %s+0x%x executable (%s)", p.name(), p.vbarName(), e.getKey(), e.getValue()));
            }
        }
        Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, n, "pages walked");
        return new Verdict.Proved(Obligation.VECTORS_EXECUTABLE, String.join("; ", notes), st);
    }

    // ---- NO_CLOBBER (static: the allocator invariants and the kimage reads) --------------------------

    Verdict noClobber(RelocationPlan plan) {
        long t0 = System.nanoTime();
        Map<Long, String> needed = new HashMap<>();
        for (PhysRegion r : plan.regions()) {
            switch (r.kind()) {
                case TABLE, CODE, INDIRECTION, ARGUMENTS -> addPages(needed, r.pa(), r.size(), r.name());
                case KIMAGE -> {
                    if (plan.kimageReadAfterCopy()) addPages(needed, r.pa(), r.size(), "struct kimage (fields read after the copy loop starts)");
                }
                default -> { }
            }
        }
        for (Phase p : plan.phases()) {
            if (!p.exceptions().isEmpty()) addPages(needed, p.vbar(), 0x800, p.vbarName() + " vectors used by " + p.exceptions().get(0).why());
        }
        Map<Long, Integer> sourceIndex = new HashMap<>();
        List<KimageList.Copy> copies = plan.list().copies();
        for (int i = 0; i < copies.size(); i++) sourceIndex.put(copies.get(i).source(), i);
        long n = 0;
        for (int i = 0; i < copies.size(); i++) {
            KimageList.Copy c = copies.get(i);
            n++;
            String what = needed.get(c.destination());
            Integer later = sourceIndex.get(c.destination());
            if (what == null && later != null && later > i) what = "the source page of copy #" + later + " (not read yet)";
            if (what != null) {
                String expl = String.format("copy #%d (source 0x%x -> destination 0x%x) overwrites %s at 0x%x, which relocation still needs",
                        i, c.source(), c.destination(), what, c.destination());
                Map<String, Object> w = new LinkedHashMap<>();
                w.put("copyIndex", (long) i);
                w.put("source", c.source());
                w.put("destination", c.destination());
                w.put("clobbered", what);
                Counterexample.State s = new Counterexample.State("copy_page", "relocate_kernel.S: copy_page (IND_SOURCE)",
                        Map.of("copy", (long) i, "destination", c.destination()));
                Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, n, "copies checked");
                return new Verdict.Refuted(Obligation.NO_CLOBBER, expl, cx(plan, Obligation.NO_CLOBBER, w, List.of(s)), st);
            }
        }
        Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, n, "copies checked");
        return new Verdict.Proved(Obligation.NO_CLOBBER, "no copy destination is a table, code, vector, entry-list, argument page or unread source"
                + (plan.kimageReadAfterCopy() ? "" : "; struct kimage fields are all read before the first copy") + " (this layout only)", st);
    }

    // ---- ENTRY_EL_PRESERVED (from the code's exits and the plan's phases) ---------------------------------

    /**
     * The EL the new kernel is entered at, from the program: the code's exits that the struct's values allow
     * ({@link org.kexecverify.model.program.ExitLevels}); a branch leaves at the EL of the first phase (where the code
     * runs), an HVC from EL1 enters the plan's EL2 phase that takes it (a vector use at +0x400) and goes on there.
     * Compared with the EL the scenario booted at (its regime).
     */
    Verdict entryElPreserved(RelocationPlan plan) {
        long t0 = System.nanoTime();
        Obligation ob = Obligation.ENTRY_EL_PRESERVED;
        if (!(plan.scenario().code() instanceof org.kexecverify.model.program.ProgramCode.Resolved rc)) {
            return new Verdict.Inconclusive(ob, "no code to judge: " + plan.scenario().code().reason(), new Stats(NAME, 0, 0, "exits"));
        }
        org.kexecverify.model.program.DesignCode code = rc.code();
        int boot = plan.scenario().regime().el();
        Phase first = plan.phases().get(0);
        int runEl = first.regs().regime().el();
        List<PhysRegion> args = plan.regions(PhysRegion.Kind.ARGUMENTS);
        long struct = args.isEmpty() ? plan.scenario().placement().kimage() : args.get(0).pa();
        List<org.kexecverify.model.program.ExitLevels.Exit> exits = org.kexecverify.model.program.ExitLevels.of(code, plan.memory(), struct);
        Phase el2 = null;
        for (Phase p : plan.phases()) {
            if (p.regs().regime().el() == 2 && p.exceptions().stream().anyMatch(u -> u.offset() == 0x400)) el2 = p;
        }
        List<String> ways = new ArrayList<>();
        List<org.kexecverify.model.program.ExitLevels.Exit> wrong = new ArrayList<>();
        List<Integer> els = new ArrayList<>();
        boolean unknown = false;
        for (org.kexecverify.model.program.ExitLevels.Exit e : exits) {
            int el;
            String how;
            if (e.kind() == org.kexecverify.model.program.ExitLevels.Kind.BRANCH) {
                el = runEl;
                how = String.format("%s+0x%x %s at EL%d (%s)", code.entrySymbol(), e.codeOffset() - code.entry().entryOffset(), e.instruction(), el,
                        first.name());
            } else if (runEl == 2) {
                el = 2;
                how = String.format("%s+0x%x %s from EL2 stays at EL2", code.entrySymbol(), e.codeOffset() - code.entry().entryOffset(), e.instruction());
            } else if (el2 != null) {
                el = 2;
                how = String.format("%s+0x%x %s from EL%d into EL2 (%s, %s+0x400)", code.entrySymbol(), e.codeOffset() - code.entry().entryOffset(),
                        e.instruction(), runEl, el2.name(), el2.vbarName());
            } else {
                unknown = true;
                ways.add(String.format("%s+0x%x %s from EL%d, but no phase of the plan takes it at EL2", code.entrySymbol(),
                        e.codeOffset() - code.entry().entryOffset(), e.instruction(), runEl));
                continue;
            }
            if (!e.decidedBy().isEmpty()) how += " [path chosen by " + String.join(", ", e.decidedBy()) + "]";
            ways.add(how);
            els.add(el);
            if (el != boot) wrong.add(e);
        }
        Stats st = new Stats(NAME, (System.nanoTime() - t0) / 1_000_000, exits.size(), "exits");
        String bootWords = "booted at EL" + boot + " (" + plan.scenario().regime().displayName() + ")";
        if (exits.isEmpty()) return new Verdict.Inconclusive(ob, "no path of " + code.entrySymbol() + " leaves it: the new kernel is never entered", st);
        if (!unknown && wrong.isEmpty()) {
            return new Verdict.Proved(ob, bootWords + "; the new kernel is entered at EL" + boot + ": " + String.join("; ", ways), st);
        }
        if (!unknown && wrong.size() == els.size()) {
            org.kexecverify.model.program.ExitLevels.Exit e = wrong.get(0);
            int el = els.get(0);
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("bootEl", (long) boot);
            w.put("entryEl", (long) el);
            w.put("exit", String.format("%s+0x%x", code.entrySymbol(), e.codeOffset() - code.entry().entryOffset()));
            w.put("instruction", e.instruction());
            w.put("decidedBy", String.join(", ", e.decidedBy()));
            w.put("phase", first.name());
            Counterexample.State s = new Counterexample.State("exit " + e.instruction(), code.entrySymbol() + String.format("+0x%x",
                    e.codeOffset() - code.entry().entryOffset()), Map.of("el", (long) el, "bootEl", (long) boot));
            return new Verdict.Refuted(ob, bootWords + ", but the new kernel is entered at EL" + el + ": " + String.join("; ", ways)
                    + (boot == 2 && el == 1 ? " -- the new kernel runs without EL2: no hypervisor, KVM is lost without any crash" : ""),
                    cx(plan, ob, w, List.of(s)), st);
        }
        return new Verdict.Inconclusive(ob, bootWords + "; the exits the plan's values allow do not all enter at one EL: " + String.join("; ", ways), st);
    }

    private static void addPages(Map<Long, String> m, long pa, long size, String what) {
        for (long p = pa & ~0xfffL; p < pa + size; p += 4096) m.putIfAbsent(p, what);
    }
}
