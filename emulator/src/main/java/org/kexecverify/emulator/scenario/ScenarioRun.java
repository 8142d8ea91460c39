package org.kexecverify.emulator.scenario;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.emulator.cpu.ReadAfterStore;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.cpu.TraceSink;
import org.kexecverify.emulator.mem.CacheGeometry;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * Runs a scenario's relocation on the emulator with the scenario's own machine code ({@code plan.scenario().code()}):
 * the plan's memory (tables, entry list, struct kimage, segments) is the machine's RAM, the code is placed where the
 * kernel places it, and the registers are those the kernel leaves at the branch into it. Nothing here reads a
 * builder, design or scenario name: how the code is entered follows from the plan's shape.
 *
 * <pre>
 *   code.entry()   (the whole .kexec_relocate.text, as machine_kexec_post_load memcpy()s it) -> CODE page;
 *                  kern_reloc = CODE + entryOffset
 *   code.vectors() (trans_pgd_stub_vectors, 2 KiB)  -> every VECTORS page (trans_pgd_copy_el2_vectors)
 *                  no VECTORS page, VBAR_EL2 in RAM -> there (the running kernel's own EL2 vectors)
 *   struct kimage  values from the plan, laid out at code.offsets() (that build's asm-offsets)
 *
 *   plan has an ARGUMENTS page (kern_reloc_arg designs, entered through cpu_soft_restart):
 *       boot EL, that EL's MMU off, x0 = PA of the argument page, TCR_EL1/MAIR_EL1 as the kernel had them
 *   otherwise (struct kimage designs, entered from machine_kexec with the MMU on), by the first phase's regime:
 *       EL1&0  EL1, SCTLR/TCR/MAIR/TTBR0 (idmap)/TTBR1/VBAR_EL1 of the phase; an EL2 phase after it sets the EL2
 *              registers (nVHE: VBAR_EL2 = the vector copy, HVC_SET_VECTORS done, EL2 MMU as booted)
 *       EL2&0  EL2 with HCR_EL2.{E2H,TGE} = 1 (VHE): the phase's values in SCTLR/TCR/MAIR/TTBR0/TTBR1/VBAR_EL2
 *       EL2    EL2 with the phase's registers
 *       x0 = linear-map VA of struct kimage (PA - kimage->arch.phys_offset)
 *
 *   initial caches (unless told otherwise): I-cache lines over every destination page holding what was there
 *   (stale once the copy rewrites it), dirty D-cache lines over sources (kexec_load's copy_from_user left the
 *   segment in the cache; 6.1 cleans nothing before relocating) and over destinations (the old kernel's data),
 *   as many as the cache geometry holds
 * </pre>
 *
 * The run ends at {@code kimage->start}; the outcome lists destination pages whose RAM contents differ from what
 * their sources held, D-cache lines still dirty over destinations, and stale I-cache lines.
 */
public final class ScenarioRun {
    /** HCR_EL2 of a VHE kernel: E2H (34), TGE (27), RW (31). */
    public static final long HCR_EL2_VHE = 0x4_8800_0000L;
    private static final long OLD_KERNEL_DATA = 0x6f6c_645f_6b65_726eL; // "old_kern"
    private static final long STALE_RAM = 0x7374_616c_6552_414dL;      // "staleRAM"

    /** What the caches hold when the relocation code starts. */
    public record InitialCaches(boolean staleInstructionsOverDestinations, boolean dirtyOverSources, boolean dirtyOverDestinations) {
        /** The adversarial state the architecture permits at the branch into the relocation code. */
        public static final InitialCaches ADVERSARIAL = new InitialCaches(true, true, true);
        /** Nothing cached: what the emulator assumed before. */
        public static final InitialCaches EMPTY = new InitialCaches(false, false, false);
    }

    /** How a run is set up beyond the plan. */
    public record Options(CacheGeometry geometry, InitialCaches caches) {
        public static final Options DEFAULT = new Options(CacheGeometry.DEFAULT, InitialCaches.ADVERSARIAL);

        public Options withGeometry(CacheGeometry g) {
            return new Options(g, caches);
        }

        public Options withCaches(InitialCaches c) {
            return new Options(geometry, c);
        }
    }

    private final RelocationPlan plan;
    private final DesignCode code;
    private final Machine machine;
    private final long codePa;
    private final long entry;
    private final List<long[]> expected = new ArrayList<>(); // {destination, source page words ...}
    private final List<String> notes = new ArrayList<>();
    private final List<long[]> vectorCopies = new ArrayList<>(); // {pa}
    private long structPa;

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
         * obligations, a data abort breaks DATA_ACCESSIBLE, a read of a page the run had overwritten breaks
         * NO_CLOBBER, and wrong or dirty destinations, stale I-cache lines (or a hang before the hand-off) break
         * COHERENT_HANDOFF.
         */
        public boolean violates(org.kexecverify.model.verdict.Obligation o) {
            return violates(o, -1);
        }

        /** {@link #violates(org.kexecverify.model.verdict.Obligation)}, with the EL the scenario booted at (ENTRY_EL_PRESERVED needs it; -1: unknown). */
        public boolean violates(org.kexecverify.model.verdict.Obligation o, int bootEl) {
            boolean hang = result instanceof RunResult.Hang;
            List<ExceptionRecord> ex = result instanceof RunResult.Completed c ? c.exceptions()
                    : result instanceof RunResult.Hang h ? h.loop() : List.of();
            boolean unplanned = ex.stream().anyMatch(e -> e.ec() != 0x16);
            boolean dataAbort = ex.stream().anyMatch(e -> e.ec() == 0x24 || e.ec() == 0x25);
            boolean badData = !mismatchedDestinations.isEmpty() || !dirtyDestinationLines.isEmpty() || staleInstructionLines != 0;
            return switch (o) {
                case DATA_ACCESSIBLE -> dataAbort || hang;
                case NO_CLOBBER -> clobber != null;
                case COHERENT_HANDOFF -> badData || hang;
                case ENTRY_EL_PRESERVED -> bootEl >= 0 && result instanceof RunResult.Completed c && c.el() != bootEl;
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

        /** Reached the new image with every destination page in RAM as its source was, nothing dirty or stale over it. */
        public boolean clean() {
            return result instanceof RunResult.Completed && mismatchedDestinations.isEmpty() && dirtyDestinationLines.isEmpty()
                    && staleInstructionLines == 0;
        }

        @Override
        public String toString() {
            return summary() + (notes.isEmpty() ? "" : "\n  " + String.join("\n  ", notes));
        }
    }

    /** The plan cannot run on the emulator: no code, or a layout the emulator does not model. The message says why. */
    public static final class Unsupported extends Exception {
        private static final long serialVersionUID = 1L;

        public Unsupported(String msg) {
            super(msg, null, false, false);
        }
    }

    private ScenarioRun(RelocationPlan plan, DesignCode code, Machine machine, long codePa, long entry) {
        this.plan = plan;
        this.code = code;
        this.machine = machine;
        this.codePa = codePa;
        this.entry = entry;
    }

    public Machine machine() {
        return machine;
    }

    /** The machine code this run executes. */
    public DesignCode code() {
        return code;
    }

    /** PA the entry Blob (its whole section) was copied to. */
    public long codeBase() {
        return codePa;
    }

    /** kern_reloc: the PA execution starts at. */
    public long kernReloc() {
        return codePa + code.entry().entryOffset();
    }

    /** PA of the struct the code's x0 points at (struct kimage, or the argument page of a kern_reloc_arg design). */
    public long structPa() {
        return structPa;
    }

    /** The new image's entry (kimage->start), where the run stops. */
    public long entry() {
        return entry;
    }

    public RelocationPlan plan() {
        return plan;
    }

    /** Prepares a run of {@code plan} with the default options (Cortex-A57/A72-like caches, adversarial initial state). */
    public static ScenarioRun prepare(RelocationPlan plan) throws Unsupported {
        return prepare(plan, Options.DEFAULT);
    }

    /** Prepares a run of {@code plan}; the plan's memory becomes the machine's RAM (it is changed by the run). */
    public static ScenarioRun prepare(RelocationPlan plan, Options opt) throws Unsupported {
        return prepare(plan, opt, org.kexecverify.model.walk.WalkOptions.DEFAULT);
    }

    /**
     * {@link #prepare(RelocationPlan, Options)} on a machine with the given IMPLEMENTATION DEFINED walk choices (e.g.
     * FEAT_HAFDBS: with TCR_ELx.HA = 1 an entry with AF = 0 does not fault).
     */
    public static ScenarioRun prepare(RelocationPlan plan, Options opt, org.kexecverify.model.walk.WalkOptions walk) throws Unsupported {
        ProgramCode pc = plan.scenario().code();
        if (!(pc instanceof ProgramCode.Resolved r)) {
            throw new Unsupported("no machine code to run: " + pc.reason());
        }
        DesignCode code = r.code();
        DesignCode.Blob blob = code.entry();
        PhysicalMemory pm = plan.memory();
        long codePa = region(plan, PhysRegion.Kind.CODE);
        if (blob.size() > 4096 || (codePa & 0xfff) + blob.size() > 4096) {
            throw new Unsupported(String.format("%s: %d bytes of relocation code do not fit the one control page at 0x%x (KEXEC_CONTROL_PAGE_SIZE 4096)",
                    code.entrySymbol(), blob.size(), codePa));
        }
        load(pm, codePa, blob.bytes(), 0, blob.size());
        KimageOffsets off = code.offsets();

        // ---- struct kimage: the builder laid it out at this build's offsets; a kern_reloc_arg design gets a copy of the
        //      fields the code reads in its argument page
        long kimage = plan.scenario().placement().kimage();
        long start = pm.read64(kimage + off.start());
        long physOffset = pm.read64(kimage + off.physOffset());
        Phase first = plan.phases().get(0);
        TranslationRegs regs = first.regs();
        List<PhysRegion> args = plan.regions(PhysRegion.Kind.ARGUMENTS);
        long structPa = args.isEmpty() ? kimage : args.get(0).pa();
        if ((structPa & 0xfff) + off.size() > 4096) {
            throw new Unsupported(String.format("struct kimage of %d bytes (KIMAGE_SIZE of %s) at 0x%x would straddle a page", off.size(),
                    code.kernelVersion(), structPa));
        }
        pm.write64(kimage + off.kernReloc(), codePa + blob.entryOffset());
        if (structPa != kimage) {
            for (int f : new int[] {off.head(), off.start(), off.dtbMem(), off.el2Vectors(), off.ttbr0(), off.ttbr1(), off.zeroPage(),
                off.physOffset(), off.kernReloc(), off.t0sz()}) {
                pm.write64(structPa + f, pm.read64(kimage + f));
            }
        }

        // ---- the EL2 vectors
        List<String> notes = new ArrayList<>();
        List<long[]> vectorCopies = new ArrayList<>();
        List<PhysRegion> vecs = plan.regions(PhysRegion.Kind.VECTORS);
        DesignCode.Blob v = code.vectors().orElse(null);
        if (!vecs.isEmpty() && v == null) {
            throw new Unsupported("the plan copies EL2 vectors into a control page, but the code names no vector table (no vectors symbol)");
        }
        int vlen = v == null ? 0 : Math.min(0x800, v.size() - v.entryOffset());
        for (PhysRegion p : vecs) {
            load(pm, p.pa(), v.bytes(), v.entryOffset(), vlen);
            vectorCopies.add(new long[] {p.pa()});
        }
        long vbar2 = plan.scenario().register(SysReg.VBAR_EL2, plan.scenario().placement().hypStubVectors());
        if (vecs.isEmpty() && v != null && plan.scenario().regime() == Regime.EL2 && vbar2 != 0 && pm.isRam(vbar2)) {
            load(pm, vbar2, v.bytes(), v.entryOffset(), vlen);
            vectorCopies.add(new long[] {vbar2});
            notes.add(String.format("%s stands for the running kernel's EL2 vectors at VBAR_EL2 = 0x%x (no vector copy in the plan)", v.name(), vbar2));
        }

        // ---- registers at the branch into the code
        Machine m = new Machine(new Ram(pm, opt.geometry()), walk);
        m.setStopOnUnimplemented(true);
        m.setSysReg(SysRegId.ID_AA64MMFR0_EL1, plan.scenario().register(SysReg.ID_AA64MMFR0_EL1, TranslationRegs.MMFR0_48BIT));
        m.setSysReg(SysRegId.SCTLR_EL1, Layouts.of(SysReg.SCTLR_EL1, Regime.EL1_0).res1Mask());
        m.setSysReg(SysRegId.SCTLR_EL2, Layouts.of(SysReg.SCTLR_EL2, Regime.EL2).res1Mask());
        long hcrDefault = regs.regime() == Regime.EL2_0 ? HCR_EL2_VHE : Layouts.of(SysReg.HCR_EL2, Regime.EL2).encode(Map.of("RW", 1L));
        m.setSysReg(SysRegId.HCR_EL2, plan.scenario().register(SysReg.HCR_EL2, hcrDefault));
        int el = regs.regime().el();
        long x0;
        if (!args.isEmpty()) {
            // kern_reloc_arg: cpu_soft_restart turned the MMU off and branched to the code's PA
            m.setSysReg(SysRegId.TCR_EL1, plan.scenario().register(SysReg.TCR_EL1, regs.tcr()));
            m.setSysReg(SysRegId.MAIR_EL1, plan.scenario().register(SysReg.MAIR_EL1, regs.mair()));
            m.setSysReg(el == 1 ? SysRegId.VBAR_EL1 : SysRegId.VBAR_EL2, first.vbar());
            x0 = structPa;
            notes.add(String.format("entered at EL%d with the MMU off, x0 = PA 0x%x of the argument page (%s)", el, structPa,
                    args.get(0).name()));
        } else {
            switch (regs.regime()) {
                case EL1_0 -> {
                    m.setSysReg(SysRegId.TCR_EL1, regs.tcr());
                    m.setSysReg(SysRegId.MAIR_EL1, regs.mair());
                    m.setSysReg(SysRegId.TTBR0_EL1, regs.ttbr0());
                    m.setSysReg(SysRegId.TTBR1_EL1, regs.ttbr1());
                    m.setSysReg(SysRegId.SCTLR_EL1, regs.sctlr());
                    m.setSysReg(SysRegId.VBAR_EL1, first.vbar());
                }
                case EL2_0, EL2 -> {
                    m.setSysReg(SysRegId.TCR_EL2, regs.tcr());
                    m.setSysReg(SysRegId.MAIR_EL2, regs.mair());
                    m.setSysReg(SysRegId.TTBR0_EL2, regs.ttbr0());
                    m.setSysReg(SysRegId.TTBR1_EL2, regs.regime() == Regime.EL2_0 ? regs.ttbr1() : 0);
                    m.setSysReg(SysRegId.SCTLR_EL2, regs.sctlr());
                    m.setSysReg(SysRegId.VBAR_EL2, first.vbar());
                }
                default -> throw new Unsupported("the emulator does not run relocation code in the " + regs.regime().displayName() + " regime");
            }
            if (regs.regime() == Regime.EL1_0) {
                for (Phase p : plan.phases().subList(1, plan.phases().size())) {
                    if (p.regs().regime() != Regime.EL2) continue;
                    TranslationRegs e2 = p.regs();
                    m.setSysReg(SysRegId.SCTLR_EL2, e2.sctlr());
                    m.setSysReg(SysRegId.TCR_EL2, e2.tcr());
                    m.setSysReg(SysRegId.MAIR_EL2, e2.mair());
                    m.setSysReg(SysRegId.TTBR0_EL2, e2.ttbr0());
                    m.setSysReg(SysRegId.VBAR_EL2, p.vbar());
                    break;
                }
            }
            x0 = regs.mmuOn() && regs.regime().hasTwoRanges() ? structPa - physOffset : structPa;
            notes.add(String.format("entered at EL%d (%s) with the MMU %s, x0 = 0x%x (struct kimage at PA 0x%x)", el, regs.regime().displayName(),
                    regs.mmuOn() ? "on" : "off", x0, structPa));
        }
        m.setEl(el, true);
        m.setX(0, x0);
        ScenarioRun run = new ScenarioRun(plan, code, m, codePa, start);
        run.structPa = structPa;
        run.notes.addAll(notes);
        run.vectorCopies.addAll(vectorCopies);
        m.setPc(run.kernReloc());
        m.setStopAddresses(start);

        // ---- what each destination must hold at the hand-off (the coherent view of its source now)
        for (KimageList.Copy c : plan.list().copies()) {
            long[] e = new long[513];
            e[0] = c.destination();
            long[] src = pm.pageOrNull(c.source() >>> 12);
            if (src == null) {
                // the segment's bytes: a pattern unique to each source word, so a lost or misplaced copy shows
                src = pm.pageForWrite(c.source() >>> 12);
                for (int i = 0; i < 512; i++) src[i] = (c.source() + 8L * i) ^ 0x6b65_7865_6300_0000L;
            }
            System.arraycopy(src, 0, e, 1, 512);
            run.expected.add(e);
        }
        run.seedCaches(opt);
        return run;
    }

    /** The initial micro-architectural state {@code opt} asks for (see the class comment). */
    private void seedCaches(Options opt) {
        Ram ram = machine.ram();
        PhysicalMemory pm = ram.physical();
        InitialCaches ic = opt.caches();
        int stale = 0;
        if (ic.staleInstructionsOverDestinations()) {
            Set<Long> seen = new HashSet<>();
            for (long[] e : expected) {
                if (seen.add(e[0])) {
                    ram.seedInstructionLines(e[0]);
                    stale += 64;
                }
            }
        }
        int dirtySrc = 0;
        int dirtyDst = 0;
        if (ic.dirtyOverSources() || ic.dirtyOverDestinations()) {
            long[] words = new long[8];
            List<KimageList.Copy> copies = plan.list().copies();
            int capacity = 0;
            for (CacheGeometry.Level l : opt.geometry().data()) capacity += l.lines();
            for (int k = 0; k < copies.size() && dirtySrc + dirtyDst < capacity; k++) {
                KimageList.Copy c = copies.get(k);
                for (int line = 0; line < 64; line++) {
                    if (ic.dirtyOverSources() && c.source() != c.destination()) {
                        long pa = c.source() + 64L * line;
                        System.arraycopy(expected.get(k), 1 + 8 * line, words, 0, 8);
                        if (ram.seedDirtyLine(pa, words)) {
                            dirtySrc++;
                            for (int i = 0; i < 8; i++) pm.write64(pa + 8L * i, words[i] ^ STALE_RAM);
                        }
                    }
                    if (ic.dirtyOverDestinations()) {
                        long pa = c.destination() + 64L * line;
                        for (int i = 0; i < 8; i++) words[i] = pm.read64(pa + 8L * i) ^ OLD_KERNEL_DATA;
                        if (ram.seedDirtyLine(pa, words)) dirtyDst++;
                    }
                }
            }
        }
        notes.add(String.format("caches: %s; at entry %d I-cache line(s) over destinations hold their old contents, %d dirty D-cache line(s) "
                + "hold source data not yet in RAM, %d dirty line(s) hold the old kernel's data over destinations", opt.geometry(), stale, dirtySrc, dirtyDst));
    }

    private static long region(RelocationPlan plan, PhysRegion.Kind kind) throws Unsupported {
        List<PhysRegion> r = plan.regions(kind);
        if (r.isEmpty()) {
            throw new Unsupported("the plan has no " + kind + " region");
        }
        return r.get(0).pa();
    }

    private static void load(PhysicalMemory pm, long pa, byte[] bytes, int from, int len) {
        for (int i = 0; i < len; i++) {
            pm.write8(pa + i, bytes[from + i]);
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

    /**
     * Where {@code pa} lies in the code that ran, as {@code symbol+0xoff}: in the entry Blob (offsets from the entry
     * symbol), in a copy of the vector table, or {@code UNKNOWN}.
     */
    public String where(long pa) {
        DesignCode.Blob b = code.entry();
        if (Long.compareUnsigned(pa, codePa) >= 0 && Long.compareUnsigned(pa, codePa + b.size()) < 0) {
            long o = pa - codePa - b.entryOffset();
            return code.entrySymbol() + (o == 0 ? "" : o > 0 ? String.format("+0x%x", o) : String.format("-0x%x", -o));
        }
        if (code.vectorsSymbol() != null) {
            for (long[] v : vectorCopies) {
                if (Long.compareUnsigned(pa, v[0]) >= 0 && Long.compareUnsigned(pa, v[0] + 0x800) < 0) {
                    return String.format("%s+0x%x", code.vectorsSymbol(), pa - v[0]);
                }
            }
        }
        return "UNKNOWN";
    }

    public void trace(TraceSink sink) {
        machine.setTrace(sink);
    }

    /** Runs to the new image's entry, a hang, or {@code budget} steps, and checks the destinations. */
    public Outcome run(long budget) {
        RunResult r = machine.run(budget);
        if (r instanceof RunResult.Stopped s && s.reason().contains("does not implement")) {
            r = new RunResult.Stopped(String.format("%s (%s, %s): %s", where(s.pc()), code.kernelVersion(), code.entry().file(), s.reason()),
                    s.pc(), s.el(), s.steps());
        }
        PhysicalMemory pm = machine.ram().physical();
        List<Long> bad = new ArrayList<>();
        List<Long> dirty = new ArrayList<>();
        List<String> all = new ArrayList<>(notes);
        int stale = 0;
        if (r instanceof RunResult.Completed) {
            Set<Long> dests = new HashSet<>();
            for (long[] e : expected) {
                dests.add(e[0]);
                if (!samePage(pm, e[0], e)) {
                    bad.add(e[0]);
                }
            }
            for (long l : machine.ram().dirtyLines()) {
                if (dests.contains(l & -4096L) && machine.ram().lineDiffersFromRam(l)) {
                    dirty.add(l);
                }
            }
            if (!dirty.isEmpty()) {
                int[] perLevel = new int[machine.ram().geometry().levels()];
                for (long l : dirty) perLevel[machine.ram().levelOf(l) - 1]++;
                StringBuilder b = new StringBuilder("dirty D-cache lines over destinations at the hand-off, by level:");
                for (int i = 0; i < perLevel.length; i++) b.append(" L").append(i + 1).append(' ').append(perLevel[i]);
                all.add(b.toString());
            }
            stale = machine.ram().staleInstructionLines();
        }
        long kimage = plan.scenario().placement().kimage();
        for (long[] e : expected) {
            if (e[0] == (kimage & -4096L)) {
                all.add(String.format("struct kimage at PA 0x%x lies in destination page 0x%x: code that reads it after the copy reads the "
                        + "copied segment", kimage, e[0]));
            }
        }
        return new Outcome(r, bad, dirty, stale, machine.readAfterStore(), all);
    }
}
