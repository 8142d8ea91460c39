package org.kexecverify.engines;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.emulator.cpu.ReadAfterStore;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.cpu.StaleTlbHit;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;

/**
 * The {@code emu} engine: runs the scenario's relocation program on the A64 emulator (a copy of the plan's
 * memory) to the new kernel's entry or a hang, and turns what the machine did into verdicts.
 *
 * <pre>
 *   ScenarioRun.prepare(plan copy) --run--> Completed at kimage->start | Hang(loop) | Stopped
 *        |                                      |
 *        |   machine observations: first read of a page the run had stored to (clobber),
 *        |   first TLB hit a fresh walk contradicts, fetches with the MMU on (identity or not)
 *        v
 *   refutations only from what happened (an abort on the code page, a vector fetch that faults, ...);
 *   a failure that follows an observed clobber is charged to NO_CLOBBER alone;
 *   a clean run proves each obligation for this run's path only (one placement, one list)
 * </pre>
 *
 * A scenario whose code could not be had, a layout the emulator does not model, or a run that meets an encoding
 * the emulator does not implement gives Inconclusive with the reason, never Proved. Nothing here reads the design,
 * builder or scenario name (the scenario name only labels a counterexample, as ITF {@code #meta.scenario}).
 */
public final class EmuEngine implements Engine {
    public static final String NAME = "emu";
    public static final Set<Obligation> DECIDES = EnumSet.of(Obligation.IDMAP_COVERS_CODE, Obligation.VECTORS_EXECUTABLE,
            Obligation.DATA_ACCESSIBLE, Obligation.NO_CLOBBER, Obligation.NO_HANG_AFTER_MMU_ON, Obligation.COHERENT_HANDOFF,
            Obligation.TLB_CLEAN_BEFORE_ENABLE, Obligation.ENTRY_EL_PRESERVED);
    private static final String SCOPE = " (this run only: one placement, one entry list; other layouts are not exercised)";

    private final long budget;
    private final org.kexecverify.model.walk.WalkOptions walk;

    public EmuEngine() {
        this(1_000_000_000L);
    }

    /** An engine whose runs stop after {@code budget} instructions (a run that exhausts it is Inconclusive, not a hang). */
    public EmuEngine(long budget) {
        this(budget, org.kexecverify.model.walk.WalkOptions.DEFAULT);
    }

    /** An engine whose machine makes the given IMPLEMENTATION DEFINED walk choices (the ones the other engines are given). */
    public EmuEngine(org.kexecverify.model.walk.WalkOptions walk) {
        this(1_000_000_000L, walk);
    }

    public EmuEngine(long budget, org.kexecverify.model.walk.WalkOptions walk) {
        this.budget = budget;
        this.walk = walk;
    }

    @Override
    public String name() { return NAME; }

    @Override
    public Set<Obligation> decides() { return DECIDES; }

    @Override
    public List<Verdict> check(RelocationPlan original) {
        long t0 = System.nanoTime();
        RelocationPlan plan = original.withMemory(original.memory().copyOf());
        ScenarioRun run;
        try {
            run = ScenarioRun.prepare(plan, ScenarioRun.Options.DEFAULT, walk);
        } catch (ScenarioRun.Unsupported e) {
            Stats st = new Stats(NAME, ms(t0), 0, "instructions");
            List<Verdict> out = new ArrayList<>();
            for (Obligation o : DECIDES) out.add(new Verdict.Inconclusive(o, "not run on the emulator: " + e.getMessage(), st));
            return out;
        }
        run.machine().setCheckTlbHits(true);
        ScenarioRun.Outcome outcome = run.run(budget);
        Stats st = new Stats(NAME, ms(t0), run.machine().retired(), "instructions");
        return new Judge(plan, run, outcome, st).verdicts();
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    /** Turns one run into one verdict per obligation. */
    private static final class Judge {
        final RelocationPlan plan;
        final ScenarioRun run;
        final Machine m;
        final ScenarioRun.Outcome o;
        final Stats st;
        final RunResult r;
        final List<ExceptionRecord> exceptions;
        final ReadAfterStore clobber;
        /** The first exception that is not the design's own HVC, or null. */
        final ExceptionRecord firstFault;

        Judge(RelocationPlan plan, ScenarioRun run, ScenarioRun.Outcome o, Stats st) {
            this.plan = plan;
            this.run = run;
            this.m = run.machine();
            this.o = o;
            this.st = st;
            this.r = o.result();
            this.exceptions = m.exceptions();
            this.clobber = m.readAfterStore();
            this.firstFault = exceptions.stream().filter(e -> !isHvc(e)).findFirst().orElse(null);
        }

        static boolean isHvc(ExceptionRecord e) {
            return e.ec() == 0x16;
        }

        static boolean isInstructionAbort(ExceptionRecord e) {
            return e.ec() == 0x20 || e.ec() == 0x21;
        }

        static boolean isDataAbort(ExceptionRecord e) {
            return e.ec() == 0x24 || e.ec() == 0x25;
        }

        /** The failure came after a clobber the machine observed: charged to NO_CLOBBER, not to the others. */
        boolean afterClobber(ExceptionRecord e) {
            return clobber != null && clobber.step() <= e.step();
        }

        String runWords() {
            return o.summary();
        }

        List<Verdict> verdicts() {
            List<Verdict> out = new ArrayList<>();
            out.add(idmap());
            out.add(vectors());
            out.add(data());
            out.add(noClobber());
            out.add(noHang());
            out.add(coherent());
            out.add(tlb());
            out.add(entryEl());
            return out;
        }

        Verdict inconclusive(Obligation ob, String why) {
            return new Verdict.Inconclusive(ob, why, st);
        }

        Verdict proved(Obligation ob, String why) {
            return new Verdict.Proved(ob, why + SCOPE + "; code: " + run.code().describe(), st);
        }

        boolean completed() {
            return r instanceof RunResult.Completed;
        }

        String notReached() {
            if (r instanceof RunResult.Stopped s) return "the run left what the emulator models: " + s.reason();
            if (r instanceof RunResult.Hang h && h.kind() == RunResult.Hang.Kind.STEP_BUDGET) return "the run did not finish: " + h.description();
            return "the run never reached the new kernel: " + runWords();
        }

        // ---- IDMAP_COVERS_CODE: an instruction abort on a code page
        Verdict idmap() {
            Obligation ob = Obligation.IDMAP_COVERS_CODE;
            if (firstFault != null && isInstructionAbort(firstFault) && !afterClobber(firstFault)) {
                PhysRegion code = region(PhysRegion.Kind.CODE, firstFault.far());
                if (code != null) {
                    return refuted(ob, String.format("the emulator took an instruction abort fetching the relocation code at VA 0x%x (%s): %s",
                            firstFault.far(), code.name(), firstFault.cause()), firstFault, "fetch", chain(firstFault));
                }
            }
            if (completed()) {
                if (m.nonIdentityFetchPages() != 0) {
                    return inconclusive(ob, String.format("the run reached the new kernel, but %d of %d code-page fetches with the MMU on were "
                            + "not through an identity mapping", m.nonIdentityFetchPages(), m.mmuOnFetchPages()));
                }
                return proved(ob, String.format("every instruction the run executed with the MMU on (%d code-page refills) was fetched "
                        + "through an identity mapping without an abort, up to the new kernel's entry", m.mmuOnFetchPages()));
            }
            return inconclusive(ob, notReached() + failureNote());
        }

        // ---- VECTORS_EXECUTABLE: a vector fetch that faults
        Verdict vectors() {
            Obligation ob = Obligation.VECTORS_EXECUTABLE;
            for (int i = 1; i < exceptions.size(); i++) {
                ExceptionRecord prev = exceptions.get(i - 1);
                ExceptionRecord e = exceptions.get(i);
                if (isInstructionAbort(e) && e.farValid() && e.far() == prev.vectorAddress() && !afterClobber(prev)) {
                    return refuted(ob, String.format("the exception vector %s (VA 0x%x) cannot be fetched: %s -> fault loop",
                            prev.vectorName(), prev.vectorAddress(), e.cause()), e, "fetch", List.of(prev, e));
                }
            }
            if (completed()) {
                List<String> taken = exceptions.stream().map(e -> e.vectorName() + " (" + Layouts.exceptionClass(e.ec()) + ")").distinct().toList();
                if (taken.isEmpty()) {
                    // the model engine's reading too: the vectors that can be taken are those of the path's faults and HVCs
                    return proved(ob, "the run reached the new kernel without taking any exception: no vector entry is taken on this path, "
                            + "so none needs to execute");
                }
                return proved(ob, "every vector the run took executed: " + String.join(", ", taken));
            }
            return inconclusive(ob, notReached() + failureNote());
        }

        // ---- DATA_ACCESSIBLE: a data abort in the relocation code
        Verdict data() {
            Obligation ob = Obligation.DATA_ACCESSIBLE;
            if (firstFault != null && isDataAbort(firstFault) && !afterClobber(firstFault)) {
                boolean write = Layouts.Iss.WNR.get(firstFault.esr()) != 0;
                return refuted(ob, String.format("the emulator took a data abort: %s", firstFault.cause()), firstFault,
                        write ? "write" : "read", chain(firstFault));
            }
            if (completed()) {
                return proved(ob, "every load and store of the run (entry lists, sources, destinations, struct kimage) completed without a "
                        + "data abort, up to the new kernel's entry");
            }
            return inconclusive(ob, notReached() + failureNote());
        }

        // ---- NO_CLOBBER: a page read after the run stored to it (a destination that merely differs from its source at the
        //      hand-off is a coherence failure -- lost or unwritten-back lines -- and is judged by COHERENT_HANDOFF)
        Verdict noClobber() {
            Obligation ob = Obligation.NO_CLOBBER;
            if (clobber != null) {
                String what = regionNames(clobber.pa());
                Map<String, Object> w = witness(clobber.va(), phaseAt(clobber.el()), clobber.how().equals("instruction fetch") ? "fetch" : "read");
                w.put("pa", clobber.pa());
                w.put("readBy", clobber.how());
                w.put("overwrittenAtStep", clobber.storeStep());
                w.put("overwrittenByPc", clobber.storePc());
                w.put("clobbered", what);
                w.put("outcome", runWords());
                List<Counterexample.State> states = new ArrayList<>();
                states.add(state("store", clobber.storeStep(), clobber.storePc(), clobber.el(), Map.of("pa", clobber.pa() & -4096L)));
                states.add(state(clobber.how(), clobber.step(), clobber.pc(), clobber.el(), Map.of("va", clobber.va(), "pa", clobber.pa())));
                int loop = addOutcomeStates(states);
                String expl = String.format("the copy overwrote %s at PA 0x%x (first store at step %d), and the run read it afterwards: %s; %s",
                        what, clobber.pa() & -4096L, clobber.storeStep(), clobber, runWords());
                return new Verdict.Refuted(ob, expl, cx(ob, w, states, loop), st);
            }
            if (completed()) {
                return proved(ob, "no page the run read (load, fetch or table walk) had been overwritten by its copies");
            }
            return inconclusive(ob, notReached() + "; no read of an overwritten page before that");
        }

        // ---- NO_HANG_AFTER_MMU_ON
        Verdict noHang() {
            Obligation ob = Obligation.NO_HANG_AFTER_MMU_ON;
            if (r instanceof RunResult.Hang h && h.kind() != RunResult.Hang.Kind.STEP_BUDGET) {
                ExceptionRecord e = h.loop().isEmpty() ? null : h.loop().get(h.loop().size() - 1);
                Map<String, Object> w = witness(e != null && e.farValid() ? e.far() : h.pc(), phaseAt(h.el()), e != null && isInstructionAbort(e) ? "fetch" : "execute");
                w.put("hang", h.kind().name());
                w.put("loop", h.description());
                List<Counterexample.State> states = new ArrayList<>();
                int loop = addOutcomeStates(states);
                return new Verdict.Refuted(ob, "the emulator hangs: " + h.description() + (clobber != null ? "; after " + clobber : ""),
                        cx(ob, w, states, loop), st);
            }
            if (completed()) {
                RunResult.Completed c = (RunResult.Completed) r;
                return proved(ob, String.format("the run reached the new kernel's entry 0x%x at EL%d after %,d instructions", c.pc(), c.el(), c.retired()));
            }
            return inconclusive(ob, notReached());
        }

        // ---- COHERENT_HANDOFF: at the jump to the new kernel
        Verdict coherent() {
            Obligation ob = Obligation.COHERENT_HANDOFF;
            if (!completed()) return inconclusive(ob, notReached() + ": there is no hand-off to judge");
            RunResult.Completed c = (RunResult.Completed) r;
            List<String> wrong = new ArrayList<>();
            if (m.mmuOn()) wrong.add("the MMU is still on at the new kernel's entry");
            if (!o.dirtyDestinationLines().isEmpty()) {
                wrong.add(String.format("%d D-cache line(s) over destinations are dirty (first at PA 0x%x): the new kernel reads stale RAM with its MMU off",
                        o.dirtyDestinationLines().size(), o.dirtyDestinationLines().get(0)));
            }
            if (o.staleInstructionLines() != 0) {
                wrong.add(o.staleInstructionLines() + " I-cache line(s) hold instructions that differ from RAM (the new kernel's text): nothing "
                        + "invalidated the I-cache after the copy");
            }
            o.notes().stream().filter(n -> n.startsWith("dirty D-cache lines over destinations")).forEach(wrong::add);
            if (!o.mismatchedDestinations().isEmpty()) {
                wrong.add(String.format("%d destination page(s) differ from their sources in RAM (first 0x%x)", o.mismatchedDestinations().size(),
                        o.mismatchedDestinations().get(0)));
            }
            if (wrong.isEmpty()) {
                return proved(ob, String.format("at the new kernel's entry (0x%x, EL%d, MMU off) every destination line is clean to the PoC, no "
                        + "D-cache line over a destination is dirty, no I-cache line is stale, and every destination page equals its source "
                        + "(%d pages); %s", c.pc(), c.el(), plan.list().copies().size(), cachesNote()));
            }
            long va = !o.dirtyDestinationLines().isEmpty() ? o.dirtyDestinationLines().get(0)
                    : !o.mismatchedDestinations().isEmpty() ? o.mismatchedDestinations().get(0) : c.pc();
            Map<String, Object> w = witness(va, phaseAt(c.el()), "fetch");
            w.put("findings", String.join("; ", wrong));
            List<Counterexample.State> states = new ArrayList<>();
            states.add(state("jump to the new kernel", c.steps(), c.pc(), c.el(), Map.of("entry", c.pc())));
            return new Verdict.Refuted(ob, "at the new kernel's entry: " + String.join("; ", wrong), cx(ob, w, states, -1), st);
        }

        // ---- TLB_CLEAN_BEFORE_ENABLE
        Verdict tlb() {
            Obligation ob = Obligation.TLB_CLEAN_BEFORE_ENABLE;
            StaleTlbHit s = m.staleTlbHit();
            if (s != null && !s.tablesStoredTo()) {
                Map<String, Object> w = witness(s.va(), phaseAt(s.el()), s.access().name().toLowerCase(Locale.ROOT));
                w.put("cached", s.cached());
                w.put("tablesNow", s.fresh());
                List<Counterexample.State> states = new ArrayList<>();
                states.add(state("TLB hit", s.step(), s.pc(), s.el(), Map.of("va", s.va())));
                return new Verdict.Refuted(ob, "a stale TLB entry was used: " + s, cx(ob, w, states, -1), st);
            }
            String checked = String.format("%d TLB hits with the MMU on were compared with a fresh walk and all agreed; the TLB starts empty "
                    + "(entries the previous kernel may have left are not modelled yet, issue 15)", m.tlbHitsChecked());
            if (s != null) {
                return inconclusive(ob, "a TLB hit disagreed with the tables only because the run had overwritten a table page (see NO_CLOBBER): " + s);
            }
            if (completed()) return proved(ob, checked);
            return inconclusive(ob, notReached() + "; up to there " + checked);
        }

        // ---- ENTRY_EL_PRESERVED: the EL at the new kernel's first instruction against the EL the scenario booted at
        Verdict entryEl() {
            Obligation ob = Obligation.ENTRY_EL_PRESERVED;
            int boot = plan.scenario().regime().el();
            if (!completed()) return inconclusive(ob, notReached() + ": there is no first instruction of the new kernel to judge");
            RunResult.Completed c = (RunResult.Completed) r;
            String words = String.format("the run reached the new kernel's first instruction 0x%x at EL%d; the scenario booted at EL%d (%s)", c.pc(),
                    c.el(), boot, plan.scenario().regime().displayName());
            if (c.el() == boot) return proved(ob, words);
            Map<String, Object> w = witness(c.pc(), phaseAt(c.el()), "fetch");
            w.put("bootEl", (long) boot);
            w.put("entryEl", (long) c.el());
            w.put("outcome", runWords());
            List<Counterexample.State> states = new ArrayList<>();
            states.add(state("jump to the new kernel", c.steps(), c.pc(), c.el(), Map.of("entry", c.pc())));
            return new Verdict.Refuted(ob, words + (boot == 2 && c.el() == 1
                    ? ": the new kernel starts without EL2 -- no hypervisor, KVM is lost without any crash" : ""), cx(ob, w, states, -1), st);
        }

        String cachesNote() {
            return o.notes().stream().filter(n -> n.startsWith("caches: ")).findFirst().orElse("caches: empty at entry");
        }

        String failureNote() {
            if (firstFault != null && afterClobber(firstFault)) {
                return "; its first fault follows a read of an overwritten page, so it is charged to NO_CLOBBER";
            }
            return "";
        }

        // ---- counterexample pieces

        Verdict refuted(Obligation ob, String expl, ExceptionRecord e, String access, List<ExceptionRecord> chain) {
            Map<String, Object> w = witness(e.far(), phaseAt(e.fromEl()), access);
            w.put("esr", e.esr());
            w.put("ec", (long) e.ec());
            w.put("vector", e.vectorName());
            w.put("outcome", runWords());
            List<Counterexample.State> states = new ArrayList<>();
            for (ExceptionRecord x : chain) states.add(exceptionState(x));
            int loop = r instanceof RunResult.Hang h && h.kind() == RunResult.Hang.Kind.FAULT_LOOP ? states.size() - 1 : -1;
            return new Verdict.Refuted(ob, expl + "; " + runWords(), cx(ob, w, states, loop), st);
        }

        /** The exceptions from {@code first} on, up to the loop that ended the run (at most 4). */
        List<ExceptionRecord> chain(ExceptionRecord first) {
            List<ExceptionRecord> out = new ArrayList<>();
            for (ExceptionRecord e : exceptions) {
                if (e.step() >= first.step() && out.size() < 4) out.add(e);
            }
            return out;
        }

        /** Adds the states of the run's end (the fault loop's exceptions, or the entry) and returns the lasso index or -1. */
        int addOutcomeStates(List<Counterexample.State> states) {
            if (r instanceof RunResult.Hang h) {
                for (ExceptionRecord e : h.loop()) states.add(exceptionState(e));
                if (h.loop().isEmpty()) states.add(state("hang (" + h.kind().name().toLowerCase(Locale.ROOT) + ")", h.steps(), h.pc(), h.el(), Map.of()));
                return h.kind() == RunResult.Hang.Kind.FAULT_LOOP || h.kind() == RunResult.Hang.Kind.SELF_LOOP || h.kind() == RunResult.Hang.Kind.SPIN
                        ? states.size() - 1 : -1;
            }
            if (r instanceof RunResult.Completed c) states.add(state("jump to the new kernel", c.steps(), c.pc(), c.el(), Map.of("entry", c.pc())));
            return -1;
        }

        Counterexample.State exceptionState(ExceptionRecord e) {
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("step", e.step());
            vars.put("el", (long) e.toEl());
            vars.put("pc", e.vectorAddress());
            vars.put("elr", e.elr());
            vars.put("esr", e.esr());
            if (e.farValid()) vars.put("far", e.far());
            return new Counterexample.State(e.cause(), "exception entry " + e.vectorName() + " from " + where(e.elr()), vars);
        }

        Counterexample.State state(String action, long step, long pc, int el, Map<String, Object> extra) {
            Map<String, Object> vars = new LinkedHashMap<>(extra);
            vars.put("step", step);
            vars.put("pc", pc);
            vars.put("el", (long) el);
            return new Counterexample.State(action + " at " + where(pc), where(pc), vars);
        }

        /** {@code arm64_relocate_new_kernel+0x98}, {@code trans_pgd_stub_vectors+0x400}, or UNKNOWN. */
        String where(long pc) {
            return run.where(pc);
        }

        Map<String, Object> witness(long va, Phase phase, String access) {
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("va", va);
            w.put("phase", phase.name());
            w.put("regime", phase.regs().regime().cliName());
            w.put("access", access);
            w.put("code", run.code().describe());
            return w;
        }

        Phase phaseAt(int el) {
            for (Phase p : plan.phases()) if (p.regs().regime().el() == el) return p;
            return plan.phases().get(0);
        }

        PhysRegion region(PhysRegion.Kind kind, long pa) {
            for (PhysRegion p : plan.regions(kind)) if (p.overlaps(pa, 1)) return p;
            return null;
        }

        String regionNames(long pa) {
            List<String> names = new ArrayList<>();
            for (PhysRegion p : plan.regions()) {
                if (p.kind() != PhysRegion.Kind.RAM && p.kind() != PhysRegion.Kind.DESTINATION && p.overlaps(pa, 1)) names.add(p.name());
            }
            return names.isEmpty() ? "a page" : String.join(" / ", names);
        }

        Counterexample cx(Obligation ob, Map<String, Object> witness, List<Counterexample.State> states, int loop) {
            if (states.isEmpty()) states = List.of(state("run", m.steps(), m.pc(), m.el(), Map.of()));
            return new Counterexample(plan.scenario().name(), ob, NAME, witness, states, loop,
                    Map.of("file", plan.scenario().file(), "kernel", run.code().kernelVersion(), "code", run.code().describe()));
        }
    }
}
