package org.kexecverify.truth;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.kexecverify.cli.Scenarios;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.engines.Engine;
import org.kexecverify.engines.Engines;
import org.kexecverify.groundtruth.kernel.GuestCpu;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.progress.Progress;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * The project's answer for a mutated kern_reloc state, computed before QEMU runs the mutated machine: the injection
 * applied to the bundled scenario of that CPU ({@code upstream-el2} for cortex-a57: nVHE, relocation at EL1;
 * {@code upstream-el2h} for max: VHE, relocation at EL2&0), both running Debian 6.1's own relocation code; the
 * emulator runs it to an outcome class, and the engines give their verdicts on the same plan.
 *
 * <p>This is the project's <em>model</em> of the stopped state (the bundled layout: its placement, tables and entry
 * list), not the captured bytes (capturing the stopped state into a scenario is issue 13). Two CPU facts are read
 * from the stop, because they decide an injection and the bundled scenarios cannot know them: whether the CPU
 * updates the Access flag in hardware (ID_AA64MMFR1_EL1.HAFDBS) and whether the kernel enabled it (TCR_ELx.HA).
 */
public final class Predictor {
    /** Instructions the emulator may run (a clean 25 MiB relocation takes 6.2 M). */
    static final long BUDGET = 200_000_000L;

    private Predictor() {}

    /**
     * CPU facts read at the stop.
     *
     * @param hafdbs ID_AA64MMFR1_EL1.HAFDBS != 0 (the CPU can set AF in hardware)
     * @param tcr    TCR of the live regime (TCR_EL1 without VHE, TCR_EL2 with)
     * @param tcrHa  TCR.HA (bit 39 in the EL1 layout, which TCR_EL2 has with E2H = 1)
     * @param words  where they came from
     */
    public record Facts(boolean hafdbs, long tcr, boolean tcrHa, String words) {
        public static Facts of(LiveMachine l) {
            Long mmfr1 = l.state().sysreg("ID_AA64MMFR1_EL1");
            long tcr = l.tcr();
            boolean ha = ((tcr >>> 39) & 1) != 0;
            String reg = l.state().currentEl() == 2 ? "TCR_EL2" : "TCR_EL1";
            boolean hafdbs;
            String src;
            if (mmfr1 != null) {
                hafdbs = (mmfr1 & 0xf) != 0;
                src = String.format("ID_AA64MMFR1_EL1 0x%x (HAFDBS %d)", mmfr1, mmfr1 & 0xf);
            } else {
                hafdbs = l.state().cpu() != GuestCpu.CORTEX_A57;
                src = "ID_AA64MMFR1_EL1 not exposed by the gdbstub; FEAT_HAFDBS " + (hafdbs ? "assumed for QEMU's max" : "absent on Cortex-A57 (v8.0)");
            }
            return new Facts(hafdbs, tcr, ha, String.format("read at the stop: %s, %s 0x%x (HA %d): hardware Access-flag update %s", src, reg, tcr,
                    ha ? 1 : 0, hafdbs && ha ? "ON" : "off"));
        }

        public WalkOptions walk() {
            return new WalkOptions(WalkOptions.DEFAULT.deviceFetch(), hafdbs);
        }
    }

    /** What the project says. */
    public record Prediction(Injection injection, GuestCpu cpu, String scenario, OutcomeClass outcome, String emulator, List<String> changes,
                             Map<String, String> verdicts, List<String> disagreements, String facts, List<String> notes, long millis) {
        /** The obligations some engine refuted, {@code NO_HANG_AFTER_MMU_ON(emu), ...}. */
        public String refuted() {
            List<String> r = new ArrayList<>();
            verdicts.forEach((e, v) -> {
                for (String part : v.split("; ")) if (part.startsWith("REFUTED ")) r.add(part.substring(8) + " (" + e + ")");
            });
            return r.isEmpty() ? "nothing refuted" : String.join(", ", r);
        }

        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append("prediction for ").append(injection.cliName()).append(" on ").append(cpu.qemuCpu()).append(" (").append(scenario)
                    .append(", the project's model of the stopped state; computed in ").append(millis).append(" ms before QEMU ran it):\n");
            b.append("  outcome   ").append(outcome.label()).append('\n');
            b.append("  emulator  ").append(emulator).append('\n');
            b.append("  facts     ").append(facts).append('\n');
            for (String c : changes) b.append("  change    ").append(c).append('\n');
            verdicts.forEach((e, v) -> b.append("  ").append(String.format("%-9s ", e)).append(v).append('\n'));
            for (String d : disagreements) b.append("  ENGINES DISAGREE ").append(d).append('\n');
            for (String n : notes) b.append("  note      ").append(n).append('\n');
            return b.toString();
        }
    }

    /**
     * Watches a run for its first fault (not the design's own HVC) and whether the code had written TTBR1 before it:
     * until that write the real machine runs with the old kernel's TTBR1 and VBAR, which the plan does not hold.
     */
    static final class OldKernelWindow implements org.kexecverify.emulator.cpu.TraceSink {
        private final org.kexecverify.emulator.cpu.Machine m;
        boolean ttbr1Written;
        org.kexecverify.emulator.cpu.ExceptionRecord fault;
        boolean mmuOn;

        OldKernelWindow(org.kexecverify.emulator.cpu.Machine m) {
            this.m = m;
        }

        @Override
        public void instruction(long step, int el, long pc, org.kexecverify.model.a64.Insn insn) {
            if (insn.op == org.kexecverify.model.a64.Op.MSR) {
                org.kexecverify.model.a64.SysRegId r = org.kexecverify.model.a64.SysRegId.values()[insn.aux];
                if (r == org.kexecverify.model.a64.SysRegId.TTBR1_EL1 || r == org.kexecverify.model.a64.SysRegId.TTBR1_EL2) {
                    ttbr1Written = true;
                    m.setTrace(null);
                }
            }
        }

        @Override
        public void exception(org.kexecverify.emulator.cpu.ExceptionRecord e) {
            if (e.ec() == 0x16) return;
            if (!ttbr1Written && fault == null) {
                fault = e;
                mmuOn = m.mmuOn();
            }
            m.setTrace(null);
        }
    }

    /** The bundled scenario that models the CPU's kexec (Linux 6.1 booted at EL2). */
    public static Path scenario(GuestCpu cpu, Path scenarios) {
        return scenarios.resolve(cpu.vhe() ? "upstream-el2h.yaml" : "upstream-el2.yaml");
    }

    /** {@code scenarios/}, from the repository root or a module directory. */
    public static Path scenariosDir() {
        for (Path p : List.of(Path.of("scenarios"), Path.of("..", "scenarios"))) if (Files.isDirectory(p)) return p;
        return Path.of("scenarios");
    }

    /** The model state of {@code inj} on {@code cpu}'s scenario, with the facts applied and the injection made. */
    static ModelState mutated(Injection inj, GuestCpu cpu, Facts facts, Path scenarios) {
        Scenario s = Scenarios.scenario(scenario(cpu, scenarios));
        if (!(s.code() instanceof ProgramCode.Resolved rc)) {
            throw new IllegalStateException(s.file() + ": no code to predict with: " + s.code().reason());
        }
        DesignCode code = rc.code();
        int[] word = inj.codeWord(code);
        String codeChange = null;
        if (word != null) {
            String what = String.format("%s+0x%x -> 0x%08x", code.entrySymbol(), word[0] - code.entry().entryOffset(), word[1]);
            code = code.withWord(code.entry().name(), word[0], word[1], inj.cliName() + ": " + what);
            s = s.withCode(new ProgramCode.Resolved(code));
            codeChange = "code word " + what + " (" + inj.what() + ")";
        }
        RelocationPlan plan;
        try {
            plan = ScenarioBuilders.build(s);
        } catch (ScenarioError e) {
            throw new IllegalStateException(e.oneLine(), e);
        }
        ModelState m = new ModelState(plan, facts.walk());
        if (codeChange != null) m.note(codeChange);
        // the kernel's TCR.HA as read at the stop, in the first phase's TCR (the regime the code runs in)
        long tcr = m.first().regs().tcr();
        long ha = 1L << 39;
        long withHa = facts.tcrHa() ? tcr | ha : tcr & ~ha;
        if (withHa != tcr) {
            m.regs(0, m.first().regs().withTcr(withHa), String.format("TCR of phase '%s': HA := %d as read at the stop (0x%x -> 0x%x)",
                    m.first().name(), facts.tcrHa() ? 1 : 0, tcr, withHa));
        }
        inj.model(m);
        return m;
    }

    /** Computes the prediction: the emulator's outcome class and every named engine's verdicts on the mutated plan. */
    public static Prediction predict(Injection inj, GuestCpu cpu, Facts facts, Path scenarios, String engines) {
        long t0 = System.nanoTime();
        ModelState m = mutated(inj, cpu, facts, scenarios);
        RelocationPlan plan = m.plan();
        List<String> notes = new ArrayList<>();

        // ---- the emulator, with the machine-only changes
        OutcomeClass cls;
        String emu;
        try {
            ScenarioRun run = ScenarioRun.prepare(plan.withMemory(plan.memory().copyOf()), ScenarioRun.Options.DEFAULT, m.walk());
            for (Consumer<ScenarioRun> c : m.machineChanges()) c.accept(run);
            OldKernelWindow w = new OldKernelWindow(run.machine());
            run.trace(w);
            ScenarioRun.Outcome o = run.run(BUDGET);
            emu = o.summary();
            if (w.fault != null && w.mmuOn && Long.compareUnsigned(w.fault.vbar(), 0xffff_0000_0000_0000L) >= 0) {
                // the plan starts the code with its TTBR1 copy installed; the real machine still has the old kernel's TTBR1
                // (swapper_pg_dir) and VBAR until the code's break-before-make: a fault before it enters the old kernel's handler
                cls = new OutcomeClass(OutcomeClass.Kind.OLD_KERNEL_HANDLER, w.fault.toEl(), w.fault.vectorOffset(), w.fault.ec(), String.format(
                        "the first fault (%s, step %d) comes before the code's first TTBR1 write, with the MMU on and %s = 0x%x a kernel VA: "
                        + "on the machine the old kernel's TTBR1 still maps its vectors, so its handler takes the fault (an oops); the "
                        + "emulator's own continuation assumes the TTBR1 copy already installed: %s", w.fault.cause(), w.fault.step(),
                        "VBAR_EL" + w.fault.toEl(), w.fault.vbar(), o.summary()));
                notes.add(cls.words());
            } else {
                cls = OutcomeClass.of(o, run.machine().exceptions());
            }
            if (o.result() instanceof org.kexecverify.emulator.cpu.RunResult.Completed c && c.el() != plan.scenario().regime().el()) {
                notes.add(String.format("the new kernel is entered at EL%d after an EL%d boot: it starts without EL2 (no KVM), no crash",
                        c.el(), plan.scenario().regime().el()));
            }
        } catch (ScenarioRun.Unsupported e) {
            cls = new OutcomeClass(OutcomeClass.Kind.NOT_REACHED, -1, -1, -1, "not run on the emulator: " + e.getMessage());
            emu = cls.words();
        }

        // ---- the engines on the mutated plan (they read the plan: changes made only on the emulated machine are not theirs)
        Map<String, String> verdicts = new LinkedHashMap<>();
        List<Verdict> all = new ArrayList<>();
        for (Engine e : Engines.select(engines, new Engines.Settings(m.walk(), Progress.NONE, 120_000, false))) {
            List<Verdict> vs = e.check(plan);
            all.addAll(vs);
            Map<String, List<String>> by = new LinkedHashMap<>();
            for (Verdict v : vs) by.computeIfAbsent(v.outcome(), k -> new ArrayList<>()).add(v.obligation().name());
            List<String> parts = new ArrayList<>();
            for (String k : List.of("REFUTED", "INCONCLUSIVE", "PROVED")) if (by.containsKey(k)) parts.add(k + " " + String.join(", ", by.get(k)));
            verdicts.put(e.name(), String.join("; ", parts));
        }
        List<String> dis = org.kexecverify.cli.CheckCommand.disagreements(all);
        if (!m.machineChanges().isEmpty()) {
            notes.add("the engines judged the plan with the register change in its phase; only the emulator's run above also has "
                    + "the machine-only change(s)");
        }
        all.stream().filter(v -> v instanceof Verdict.Refuted && v.obligation() == Obligation.ENTRY_EL_PRESERVED).findFirst()
                .ifPresent(v -> notes.add("ENTRY_EL_PRESERVED refuted (" + v.stats().engine() + "): " + v.explanation()));

        // ---- what the leaf means in the regime the code runs in (after the change)
        if (inj.name().endsWith("_LEAF")) {
            Translation t = Walker.translate(m.first().regs(), plan.memory(), m.codePa(), AccessType.FETCH, 4, m.walk());
            String words = t instanceof Translation.Mapped mp ? (mp.attrs().executable() ? "executable" : "NOT executable") + " in "
                    + m.first().regs().regime().displayName() + " (" + mp.attrs().describe() + ")"
                    : ((Translation.Fault) t).summary() + ": " + ((Translation.Fault) t).reason();
            notes.add("the models' walk of the relocation page after the change: " + words);
            notes.add("a TLB may still hold the relocation page's old translation until the code's first TLB invalidation (the tlbi "
                    + "vmalle1 of its TTBR1 break-before-make): the emulator's TLB starts empty, so it sees the changed leaf at the first "
                    + "fetch; where the real CPU sees it decides whether the old kernel's TTBR1 and vectors are still live at the fault");
        }
        if (!inj.judgedByQemu()) {
            notes.add("not judged by QEMU: QEMU 7.2 has no caches and flushes its TLB on every SCTLR write, so this mistake cannot fail there");
        }
        return new Prediction(inj, cpu, plan.scenario().name(), cls, emu, m.changes(), verdicts, dis, facts.words(), notes,
                (System.nanoTime() - t0) / 1_000_000);
    }
}
