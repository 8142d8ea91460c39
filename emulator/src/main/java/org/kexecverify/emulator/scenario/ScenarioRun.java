package org.kexecverify.emulator.scenario;

import java.util.ArrayList;
import java.util.List;

import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.emulator.cpu.ReadAfterStore;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.cpu.TraceSink;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.emulator.programs.Program;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.KimageStruct;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * Runs a scenario's relocation on the emulator: the plan's memory (tables, entry list, kimage, segments) is the
 * machine's RAM, the design's A64 program is copied into the plan's relocation-code page, the stub vectors into
 * the vector pages, and the registers are those the kernel leaves at the branch to the relocation code.
 *
 * <pre>
 *   rfc-v2-trans-table : EL2, MMU off, x0 = kern_reloc_arg {head, entry, dtb, trans_table}; the program
 *                        derives TCR_EL2 from TCR_EL1 (= the scenario's TCR_EL2 &amp; TCR_EL2_MASK) and
 *                        MAIR_EL2 from MAIR_EL1, and writes SCTLR_EL2 = 0x30e5183f
 *   upstream-trans-pgd : EL1 (or EL2&amp;0), MMU on, TTBR0 = idmap, TTBR1 = linear-map copy, x0 = kimage VA;
 *                        nVHE: VBAR_EL2 = the vector copy (HVC_SET_VECTORS done);
 *                        kimage_reads: after_copy runs the pre-eb3d8ea3e1f0 shape (entry, EL2 vectors and dtb
 *                        loaded from struct kimage after the copy loop)
 * </pre>
 *
 * The run ends at {@code kimage->start}; the outcome lists destination pages whose RAM contents differ from
 * what their sources held, and D-cache lines still dirty over destinations.
 */
public final class ScenarioRun {
    private static final long RFC_TCR_EL2_MASK = 0xff3fL; // TCR_EL2_MASK of the RFC's relocate_kernel.S (TG0|SH0|ORGN0|IRGN0|T0SZ)

    private final RelocationPlan plan;
    private final Program program;
    private final Machine machine;
    private final Assembly code;
    private final long entry;
    private final List<long[]> expected = new ArrayList<>(); // {destination, source page words at start...}
    private final List<String> notes = new ArrayList<>();

    /** What a run showed. */
    public record Outcome(RunResult result, List<Long> mismatchedDestinations, List<Long> dirtyDestinationLines, int staleInstructionLines,
                          ReadAfterStore clobber, List<String> notes) {
        public Outcome {
            mismatchedDestinations = List.copyOf(mismatchedDestinations);
            dirtyDestinationLines = List.copyOf(dirtyDestinationLines);
            notes = List.copyOf(notes);
        }

        /**
         * Whether what the run did breaks {@code o}: a hang or an unplanned exception breaks the execution
         * obligations, a data abort breaks DATA_ACCESSIBLE, a read of a page the run had overwritten or a
         * destination that differs from its source breaks NO_CLOBBER, and wrong or dirty destinations (or a hang
         * before the hand-off) break COHERENT_HANDOFF.
         */
        public boolean violates(org.kexecverify.model.verdict.Obligation o) {
            boolean hang = result instanceof RunResult.Hang;
            List<org.kexecverify.emulator.cpu.ExceptionRecord> ex = result instanceof RunResult.Completed c ? c.exceptions()
                    : result instanceof RunResult.Hang h ? h.loop() : List.of();
            boolean unplanned = ex.stream().anyMatch(e -> e.ec() != 0x16);
            boolean dataAbort = ex.stream().anyMatch(e -> e.ec() == 0x24 || e.ec() == 0x25);
            boolean badData = !mismatchedDestinations.isEmpty() || !dirtyDestinationLines.isEmpty();
            return switch (o) {
                case DATA_ACCESSIBLE -> dataAbort || hang;
                case NO_CLOBBER -> clobber != null;
                case COHERENT_HANDOFF -> badData || hang;
                default -> hang || unplanned;
            };
        }

        /** One line: what happened, in kernel terms. */
        public String summary() {
            if (result instanceof RunResult.Hang h) {
                return "HANG (" + h.kind() + "): " + h.description() + (clobber == null ? "" : "; after a " + clobber);
            }
            if (result instanceof RunResult.Stopped s) {
                return "STOPPED: " + s.reason();
            }
            RunResult.Completed c = (RunResult.Completed) result;
            return String.format("reached the new image at 0x%x, EL%d, after %,d instructions; %d destination page(s) differ from their "
                    + "sources, %d dirty line(s) over destinations, %d stale I-cache line(s)", c.pc(), c.el(), c.retired(),
                    mismatchedDestinations.size(), dirtyDestinationLines.size(), staleInstructionLines);
        }

        /** Reached the new image with every destination page in RAM as its source was, nothing dirty over it. */
        public boolean clean() {
            return result instanceof RunResult.Completed && mismatchedDestinations.isEmpty() && dirtyDestinationLines.isEmpty();
        }
    }

    /** Thrown when the scenario's table builder has no emulator program. */
    public static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        public Unsupported(String msg) {
            super(msg, null, false, false);
        }
    }

    private ScenarioRun(RelocationPlan plan, Program program, Machine machine, Assembly code, long entry) {
        this.plan = plan;
        this.program = program;
        this.machine = machine;
        this.code = code;
        this.entry = entry;
    }

    public Machine machine() {
        return machine;
    }

    /** The A64 program this run executes. */
    public Program program() {
        return program;
    }

    public Assembly code() {
        return code;
    }

    public long entry() {
        return entry;
    }

    /** Prepares a run of {@code plan}; the plan's memory becomes the machine's RAM (it is changed by the run). */
    public static ScenarioRun prepare(RelocationPlan plan) throws Unsupported {
        return prepare(plan, program(plan));
    }

    /** The A64 program of the plan's design (and, for upstream-trans-pgd, of its kimage_reads option). */
    public static Program program(RelocationPlan plan) throws Unsupported {
        Program program = switch (plan.design()) {
            case "rfc-v2-trans-table" -> Program.RFC_V2_EL2;
            case "upstream-trans-pgd" -> upstreamProgram(plan);
            default -> throw new Unsupported("design '" + plan.design() + "' has no A64 program in the emulator (rfc-v2-trans-table and upstream-trans-pgd do)");
        };
        if (program == Program.RFC_V2_EL2 && plan.kimageReadAfterCopy()) {
            throw new Unsupported("kimage_reads: after_copy has no RFC v2 program shape (the RFC passes kern_reloc_arg, not struct kimage)");
        }
        return program;
    }

    private static Program upstreamProgram(RelocationPlan plan) throws Unsupported {
        String op = plan.scenario().tables().option("dcache_op", "civac");
        if (op.equals("ivac")) {
            if (plan.kimageReadAfterCopy()) throw new Unsupported("dcache_op: ivac together with kimage_reads: after_copy has no program shape");
            return Program.UPSTREAM_V5_16_DC_IVAC;
        }
        if (!op.equals("civac")) throw new Unsupported("dcache_op: " + op + " has no v5.16 program shape (civac and ivac do)");
        return plan.kimageReadAfterCopy() ? Program.UPSTREAM_V5_16_KIMAGE_AFTER_COPY : Program.UPSTREAM_V5_16;
    }

    /** Prepares a run of {@code plan} with {@code program} (one of the relocation programs) in the relocation-code page. */
    public static ScenarioRun prepare(RelocationPlan plan, Program program) throws Unsupported {
        PhysicalMemory pm = plan.memory();
        long codePa = region(plan, PhysRegion.Kind.CODE);
        Assembly asm = program.assemble(codePa);
        load(pm, codePa, asm.code());
        for (PhysRegion v : plan.regions(PhysRegion.Kind.VECTORS)) {
            load(pm, v.pa(), Program.STUB_VECTORS.assemble(v.pa()).code());
        }
        long kimage = plan.scenario().placement().kimage();
        long start = pm.read64(kimage + KimageStruct.START);
        Phase first = plan.phases().get(0);
        long vbar2 = plan.scenario().register(SysReg.VBAR_EL2, plan.scenario().placement().hypStubVectors());
        if (plan.regions(PhysRegion.Kind.VECTORS).isEmpty() && vbar2 != 0 && pm.isRam(vbar2)) {
            // the running kernel's __hyp_stub_vectors (2019 shape: b . at 0x200, el1_sync at 0x400)
            load(pm, vbar2, Program.STUB_VECTORS.assemble(vbar2).code());
        }
        Machine m = new Machine(new Ram(pm));
        ScenarioRun run = new ScenarioRun(plan, program, m, asm, start);
        m.setSysReg(SysRegId.ID_AA64MMFR0_EL1, plan.scenario().register(SysReg.ID_AA64MMFR0_EL1, TranslationRegs.MMFR0_48BIT));
        m.setSysReg(SysRegId.HCR_EL2, plan.scenario().register(SysReg.HCR_EL2, Layouts.of(SysReg.HCR_EL2, Regime.EL2).encode(java.util.Map.of("RW", 1L))));
        m.setSysReg(SysRegId.SCTLR_EL1, Layouts.of(SysReg.SCTLR_EL1, Regime.EL1_0).res1Mask());
        m.setSysReg(SysRegId.SCTLR_EL2, Layouts.of(SysReg.SCTLR_EL2, Regime.EL2).res1Mask());
        TranslationRegs regs = first.regs();
        if (program == Program.RFC_V2_EL2) {
            if (regs.regime() != Regime.EL2) {
                throw new Unsupported("the RFC v2 program covers the EL2 (E2H=0) path only; the scenario boots in " + regs.regime().displayName());
            }
            long arg = region(plan, PhysRegion.Kind.ARGUMENTS);
            pm.write64(arg, plan.list().head());
            pm.write64(arg + 8, start);
            pm.write64(arg + 16, pm.read64(kimage + KimageStruct.ARCH_DTB_MEM));
            pm.write64(arg + 24, regs.ttbr0());
            m.setSysReg(SysRegId.TCR_EL1, regs.tcr() & RFC_TCR_EL2_MASK);
            m.setSysReg(SysRegId.MAIR_EL1, regs.mair());
            m.setSysReg(SysRegId.VBAR_EL2, first.vbar());
            m.setEl(2, true);
            m.setX(0, arg);
            run.notes.add(String.format("RFC v2 program derives TCR_EL2 from TCR_EL1 = 0x%x and PS from ID_AA64MMFR0_EL1; scenario TCR_EL2 = 0x%x",
                    regs.tcr() & RFC_TCR_EL2_MASK, regs.tcr()));
        } else {
            boolean el1 = regs.regime() == Regime.EL1_0;
            if (el1) {
                m.setSysReg(SysRegId.TCR_EL1, regs.tcr());
                m.setSysReg(SysRegId.MAIR_EL1, regs.mair());
                m.setSysReg(SysRegId.TTBR0_EL1, regs.ttbr0());
                m.setSysReg(SysRegId.TTBR1_EL1, regs.ttbr1());
                m.setSysReg(SysRegId.SCTLR_EL1, regs.sctlr());
                m.setSysReg(SysRegId.VBAR_EL1, first.vbar());
            } else {
                throw new Unsupported("the v5.16 program runs at EL1; VHE (EL2&0) relocation is not wired to the emulator yet");
            }
            if (plan.phases().size() > 1) {
                TranslationRegs el2 = plan.phases().get(1).regs();
                m.setSysReg(SysRegId.SCTLR_EL2, el2.sctlr());
                m.setSysReg(SysRegId.TCR_EL2, el2.tcr());
                m.setSysReg(SysRegId.MAIR_EL2, el2.mair());
                m.setSysReg(SysRegId.TTBR0_EL2, el2.ttbr0());
                m.setSysReg(SysRegId.VBAR_EL2, plan.phases().get(1).vbar());
            }
            long physOffset = pm.read64(kimage + KimageStruct.ARCH_PHYS_OFFSET);
            m.setEl(1, true);
            m.setX(0, kimage - physOffset);
        }
        m.setPc(asm.symbol(program.entry()));
        m.setStopAddresses(start);
        for (KimageList.Copy c : plan.list().copies()) {
            long[] e = new long[513];
            e[0] = c.destination();
            long[] src = pm.pageOrNull(c.source() >>> 12);
            if (src == null) {
                // the segment's bytes: a pattern unique to each source word, so a lost or misplaced copy shows
                src = pm.pageForWrite(c.source() >>> 12);
                for (int i = 0; i < 512; i++) src[i] = (c.source() + 8L * i) ^ 0x6b65_7865_6300_0000L;
            }
            if (src != null) {
                System.arraycopy(src, 0, e, 1, 512);
            }
            run.expected.add(e);
        }
        return run;
    }

    private static long region(RelocationPlan plan, PhysRegion.Kind kind) throws Unsupported {
        List<PhysRegion> r = plan.regions(kind);
        if (r.isEmpty()) {
            throw new Unsupported("the plan has no " + kind + " region");
        }
        return r.get(0).pa();
    }

    private static void load(PhysicalMemory pm, long pa, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            pm.write8(pa + i, bytes[i]);
        }
    }

    private static boolean samePage(PhysicalMemory pm, long pa, long[] expected) {
        long[] p = pm.pageOrNull(pa >>> 12);
        for (int i = 0; i < 512; i++) {
            if ((p == null ? 0 : p[i]) != expected[i + 1]) {
                return false;
            }
        }
        return true;
    }

    public void trace(TraceSink sink) {
        machine.setTrace(sink);
    }

    /** Runs to the new image's entry, a hang, or {@code budget} steps, and checks the destinations. */
    public Outcome run(long budget) {
        RunResult r = machine.run(budget);
        PhysicalMemory pm = machine.ram().physical();
        List<Long> bad = new ArrayList<>();
        List<Long> dirty = new ArrayList<>();
        if (r instanceof RunResult.Completed) {
            for (long[] e : expected) {
                if (!samePage(pm, e[0], e)) {
                    bad.add(e[0]);
                }
            }
            long[] lines = machine.ram().dirtyLines();
            java.util.Set<Long> dests = new java.util.HashSet<>();
            for (long[] e : expected) {
                dests.add(e[0]);
            }
            for (long l : lines) {
                if (dests.contains(l & -4096L) && machine.ram().lineDiffersFromRam(l)) {
                    dirty.add(l);
                }
            }
        }
        List<String> all = new ArrayList<>(notes);
        if (program == Program.UPSTREAM_V5_16_KIMAGE_AFTER_COPY) {
            long kimage = plan.scenario().placement().kimage();
            for (long[] e : expected) {
                if (e[0] == (kimage & -4096L)) {
                    int w = (int) ((kimage + KimageStruct.START) & 0xfff) >>> 3;
                    all.add(String.format("struct kimage at PA 0x%x lies in destination page 0x%x: after the copy loop kimage->start reads "
                            + "0x%x from the copied segment (it was 0x%x)", kimage, e[0], e[w + 1], entry));
                }
            }
        }
        return new Outcome(r, bad, dirty, machine.ram().staleInstructionLines(), machine.readAfterStore(), all);
    }

    public RelocationPlan plan() {
        return plan;
    }
}
