package org.kexecverify.emulator.cpu;

import org.kexecverify.model.a64.Decoder;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;
import static org.kexecverify.emulator.arch.ArchFields.ESR_EC;
import static org.kexecverify.emulator.arch.ArchFields.ESR_IL;
import static org.kexecverify.emulator.arch.ArchFields.ESR_ISS;
import static org.kexecverify.emulator.arch.ArchFields.HCR_E2H;
import static org.kexecverify.emulator.arch.ArchFields.HCR_TGE;
import static org.kexecverify.emulator.arch.ArchFields.ISS_CM;
import static org.kexecverify.emulator.arch.ArchFields.ISS_DFSC;
import static org.kexecverify.emulator.arch.ArchFields.ISS_IFSC;
import static org.kexecverify.emulator.arch.ArchFields.ISS_WNR;
import static org.kexecverify.emulator.arch.ArchFields.SYNC_EXTERNAL_ABORT_FSC;
import static org.kexecverify.emulator.arch.ArchFields.SPSR_IL;
import static org.kexecverify.emulator.arch.ArchFields.SPSR_M;
import static org.kexecverify.emulator.arch.ArchFields.SPSR_M4;
import static org.kexecverify.emulator.arch.ArchFields.packDaif;
import static org.kexecverify.emulator.arch.ArchFields.packNzcv;
import static org.kexecverify.emulator.arch.ArchFields.unpackDaif;
import static org.kexecverify.emulator.arch.ArchFields.unpackNzcv;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.kexecverify.model.a64.Cond;
import org.kexecverify.model.a64.SysOp;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.mem.Frame;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.emulator.mmu.Tlb;
import org.kexecverify.emulator.mmu.TlbEntry;
import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.FaultKind;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;

/**
 * A concrete AArch64 machine for the A64 subset the kexec relocation and MMU-enable code uses: one PE at
 * EL1 or EL2 (no EL0/EL3 execution), synchronous exceptions only.
 *
 * <pre>
 *            +------------------------- run(budget) ---------------------------+
 *            v                                                                 |
 *   PC --> fetch: micro-TLB --> TLB --miss--> model Walker (3 walks) --fault--> take exception
 *            |      (SCTLR_ELx.M=0: VA=PA, Normal; cacheable iff SCTLR_ELx.I)      |  ESR/FAR/ELR/SPSR_ELx
 *            v                                                                 |  PC = VBAR_ELx + 0x000/0x200/0x400
 *        I-cache line (stale until IC) or RAM --> decoded page (Insn[]) --> execute
 *                                                                    |         |
 *                                loads/stores: micro-TLB -> TLB -> walk        |
 *                                  cacheable: D-cache line (clean/dirty) ----> RAM (on DC C*VAC)
 *                                  MMU off / non-cacheable / Device ---------> RAM
 *            hang detector (HangDetector): same exception, same vector, no progress | b . | a backward branch back
 *              to a state seen before with no side effect (spin) | WFI | budget
 *   MRS/MSR at EL2 with HCR_EL2.E2H = 1: *_EL1 names reach the EL2 registers (E2hRedirect); TLBI VMALLE1 with
 *   E2H = TGE = 1 invalidates the EL2&amp;0 regime; DC CISW/CSW/ISW act on one slot of the Ram's cache geometry,
 *   which CLIDR_EL1 / CCSIDR_EL1 (selected by CSSELR_EL1) describe
 * </pre>
 *
 * <p>Architectural state: X0-X30, SP_EL0/1/2, PC, NZCV, PSTATE.{EL, SP, DAIF, IL}, and the system registers of
 * {@link SysRegId}. Memory effects of maintenance instructions happen at once (DSB/ISB are no-ops); a write to
 * SCTLR_ELx takes effect from the next instruction (the strict reading of "before the next context
 * synchronisation event", and what QEMU does). Stop addresses end a run as {@link RunResult.Completed}.
 */
public final class Machine {
    private static final long M32 = 0xffffffffL;

    private final Ram ram;
    private final WalkOptions walkOptions;
    private final Tlb tlb = new Tlb();

    // ---- architectural state
    private final long[] x = new long[32]; // x[31] stays 0 (XZR reads)
    private final long[] sps = new long[3];
    private final long[] sys = new long[SysRegId.values().length];
    private long pc;
    private int el = 2;
    private boolean spx = true;
    private int daif = 0xf;
    private boolean flagN;
    private boolean flagZ;
    private boolean flagC;
    private boolean flagV;
    private boolean illegalState;

    // ---- derived translation context (refreshed on every change)
    private long epoch;
    private Regime regime = Regime.EL2;
    private boolean mmuOn;
    private boolean dcacheOn;
    private boolean icacheOn;
    private boolean alignCheck;
    private boolean spAlignCheck;
    private TranslationRegs walkRegs;
    /** Walks of the TTBR0 / TTBR1 range are cacheable (SCTLR_ELx.C = 1 and TCR_ELx.IRGNn not Non-cacheable). */
    private boolean walk0Cacheable;
    private boolean walk1Cacheable;

    // ---- fetch micro-TLB / decoded page
    private long fEpoch = -1;
    private long fVaPage;
    private Object[] fArr;
    private long fCodeWrites;

    // ---- data micro-TLB (one page for reads, one for writes)
    private long rEpoch = -1;
    private long rVaPage;
    private Frame rFrame;
    private boolean rCacheable;
    private long wEpoch = -1;
    private long wVaPage;
    private Frame wFrame;
    private boolean wCacheable;

    // ---- run bookkeeping
    private long steps;
    private long retired;
    private long stores;
    private long stop0 = 1;
    private long stop1 = 1;
    private TraceSink trace;
    private RunResult pendingEnd;
    private final HangDetector hang = new HangDetector();
    /** System-register writes, maintenance operations, exception entries and returns (stores are counted apart). */
    private long sysEffects;
    private boolean stopOnUnimplemented;
    private final Deque<ExceptionRecord> exceptionLog = new ArrayDeque<>();
    // ---- what the run showed: reads of pages it had stored to, TLB hits checked against fresh walks
    private ReadAfterStore readAfterStore;
    private boolean checkTlbHits;
    private boolean probing;
    private long tlbHitsChecked;
    private StaleTlbHit staleTlbHit;
    private long mmuOnFetchPages;
    private long nonIdentityFetchPages;
    private Frame fFrame;
    private final List<ExceptionRecord> allExceptions = new ArrayList<>();

    /** A machine over {@code ram} whose stage-1 walks are the models' {@code Walker} with default options; starts at EL2h, MMU off. */
    public Machine(Ram ram) {
        this(ram, WalkOptions.DEFAULT);
    }

    /** A machine over {@code ram} with the given IMPLEMENTATION DEFINED walk choices; starts at EL2h, MMU off. */
    public Machine(Ram ram, WalkOptions options) {
        this.ram = ram;
        this.walkOptions = options;
        sys[SysRegId.ID_AA64MMFR0_EL1.ordinal()] = 0x5; // PARange 48 bits, 4 KB granule supported
        sys[SysRegId.CTR_EL0.ordinal()] = 0x8444c004L; // DminLine = IminLine = 64 bytes, PIPT I-cache
        sys[SysRegId.DCZID_EL0.ordinal()] = 0x4; // DC ZVA block = 64 bytes
        sys[SysRegId.MIDR_EL1.ordinal()] = 0x410fd034L;
        sys[SysRegId.CLIDR_EL1.ordinal()] = ram.geometry().clidr();
        refresh();
    }

    // =====================================================================================================
    // state access

    public Ram ram() {
        return ram;
    }

    public Tlb tlb() {
        return tlb;
    }

    public long x(int n) {
        return n == 31 ? 0 : x[n];
    }

    public void setX(int n, long v) {
        if (n < 0 || n > 30) {
            throw new IllegalArgumentException("X" + n);
        }
        x[n] = v;
    }

    public long pc() {
        return pc;
    }

    public void setPc(long v) {
        pc = v;
    }

    public int el() {
        return el;
    }

    /** Sets PSTATE.EL (1 or 2) and PSTATE.SP (true = SP_ELx). */
    public void setEl(int newEl, boolean useSpx) {
        if (newEl != 1 && newEl != 2) {
            throw new IllegalArgumentException("EL" + newEl + " is not modelled");
        }
        el = newEl;
        spx = useSpx;
        refresh();
    }

    public long sp() {
        return spx ? sps[el] : sps[0];
    }

    public void setSp(int ofEl, long v) {
        sps[ofEl] = v;
    }

    public long sysReg(SysRegId r) {
        return sys[r.ordinal()];
    }

    public void setSysReg(SysRegId r, long v) {
        sys[r.ordinal()] = v;
        refresh();
    }

    /** Every system register with a non-zero value, by name. */
    public Map<SysRegId, Long> sysRegs() {
        Map<SysRegId, Long> m = new EnumMap<>(SysRegId.class);
        for (SysRegId r : SysRegId.values()) {
            m.put(r, sys[r.ordinal()]);
        }
        return m;
    }

    /** NZCV as the 4-bit value of bits [31:28]. */
    public int nzcv() {
        return (flagN ? 8 : 0) | (flagZ ? 4 : 0) | (flagC ? 2 : 0) | (flagV ? 1 : 0);
    }

    public void setNzcv(int f) {
        flagN = (f & 8) != 0;
        flagZ = (f & 4) != 0;
        flagC = (f & 2) != 0;
        flagV = (f & 1) != 0;
    }

    public long steps() {
        return steps;
    }

    public long retired() {
        return retired;
    }

    public Regime regime() {
        return regime;
    }

    public boolean mmuOn() {
        return mmuOn;
    }

    public List<ExceptionRecord> exceptions() {
        return List.copyOf(allExceptions);
    }

    /** How many exceptions the run has taken so far (without copying them). */
    public int exceptionCount() {
        return allExceptions.size();
    }

    public ExceptionRecord exception(int i) {
        return allExceptions.get(i);
    }

    /**
     * The first load, instruction fetch or table-walk read of a page this run had already stored to (a
     * relocation program never reads what it copied, so this is a page clobbered while still needed), or null.
     */
    public ReadAfterStore readAfterStore() {
        return readAfterStore;
    }

    /**
     * Compare every TLB hit with a fresh walk of the tables and registers in force (costs one walk per hit;
     * off by default). The first hit that differs is {@link #staleTlbHit()}.
     */
    public void setCheckTlbHits(boolean on) {
        checkTlbHits = on;
    }

    public long tlbHitsChecked() {
        return tlbHitsChecked;
    }

    /** The first TLB hit whose translation a fresh walk no longer gives, or null. */
    public StaleTlbHit staleTlbHit() {
        return staleTlbHit;
    }

    /** Code pages fetched with the MMU on (counted on each fetch micro-TLB refill). */
    public long mmuOnFetchPages() {
        return mmuOnFetchPages;
    }

    /** Of those, refills where the page's VA differed from its PA (not an identity mapping). */
    public long nonIdentityFetchPages() {
        return nonIdentityFetchPages;
    }

    private void noteRead(Frame f, String how, long va, long pa) {
        if (readAfterStore == null && f.storedAtStep != 0) {
            readAfterStore = new ReadAfterStore(how, va, pa, steps, pc, el, f.storedAtStep, f.storedByPc);
        }
    }

    /** Runs end as {@link RunResult.Completed} when PC reaches one of these addresses (at most two). */
    public void setStopAddresses(long... addrs) {
        if (addrs.length > 2) {
            throw new IllegalArgumentException("at most two stop addresses");
        }
        stop0 = addrs.length > 0 ? addrs[0] : 1;
        stop1 = addrs.length > 1 ? addrs[1] : 1;
    }

    /** Receives every translated access with the MMU on (at least once per page and access type: on micro-TLB misses). */
    public interface FootprintSink {
        void touch(Regime regime, long ttbr, long va, long pa, AccessType access);
    }

    private FootprintSink footprint;

    /** Records what the run touches (null: nothing recorded, the fast path). */
    public void setFootprint(FootprintSink sink) {
        footprint = sink;
    }

    public void setTrace(TraceSink sink) {
        trace = sink;
    }

    /**
     * An encoding outside what the emulator implements (it decodes as UNDEF but is not {@code UDF}, or is an SMC)
     * ends the run as {@link RunResult.Stopped} instead of taking an Undefined Instruction exception: a verdict must
     * never rest on an instruction the emulator did not execute as the hardware would. Off by default (unit tests of
     * exception entry use reserved encodings on purpose).
     */
    public void setStopOnUnimplemented(boolean on) {
        stopOnUnimplemented = on;
    }

    private void refresh() {
        epoch++;
        if (el == 1) {
            regime = Regime.EL1_0;
        } else {
            regime = HCR_E2H.isSet(sys[SysRegId.HCR_EL2.ordinal()]) ? Regime.EL2_0 : Regime.EL2;
        }
        long sctlr = el == 1 ? sys[SysRegId.SCTLR_EL1.ordinal()] : sys[SysRegId.SCTLR_EL2.ordinal()];
        long mmfr0 = sys[SysRegId.ID_AA64MMFR0_EL1.ordinal()];
        if (el == 1) {
            walkRegs = new TranslationRegs(regime, sctlr, sys[SysRegId.TCR_EL1.ordinal()], sys[SysRegId.MAIR_EL1.ordinal()],
                    sys[SysRegId.TTBR0_EL1.ordinal()], sys[SysRegId.TTBR1_EL1.ordinal()], mmfr0);
        } else {
            walkRegs = new TranslationRegs(regime, sctlr, sys[SysRegId.TCR_EL2.ordinal()], sys[SysRegId.MAIR_EL2.ordinal()],
                    sys[SysRegId.TTBR0_EL2.ordinal()], sys[SysRegId.TTBR1_EL2.ordinal()], mmfr0);
        }
        mmuOn = walkRegs.mmuOn();
        dcacheOn = walkRegs.sctlrField("C") != 0;
        icacheOn = walkRegs.sctlrField("I") != 0;
        alignCheck = walkRegs.sctlrField("A") != 0;
        spAlignCheck = walkRegs.sctlrField("SA") != 0;
        walk0Cacheable = dcacheOn && walkRegs.tcrField("IRGN0") != 0;
        walk1Cacheable = regime.hasTwoRanges() && dcacheOn && walkRegs.tcrField("IRGN1") != 0;
    }

    /**
     * One stage-1 walk through the models' {@code Walker}. A cacheable walk (SCTLR_ELx.C = 1 and the range's
     * TCR_ELx.IRGNn Write-Back or Write-Through) reads descriptors through the D-cache, so it sees a table
     * entry written with a cacheable store and not yet cleaned; a non-cacheable walk (SCTLR_ELx.C = 0, or
     * IRGNn = 0b00) reads RAM only. One D-cache level stands for inner and outer, so ORGNn is not consulted.
     */
    private Translation walk(long va, AccessType at) {
        boolean cacheable = regime.hasTwoRanges() && (va >>> 55 & 1) != 0 ? walk1Cacheable : walk0Cacheable;
        Translation t = Walker.translate(walkRegs, cacheable ? ram.cacheableWalks() : ram.nonCacheableWalks(), va, at, 1, walkOptions);
        if (readAfterStore == null && !probing) {
            for (WalkStep s : t.steps()) {
                Frame f = s.kind() == WalkStep.Kind.NOT_RAM ? null : ram.peek(s.descriptorAddress());
                if (f != null) {
                    noteRead(f, "table walk", va, s.descriptorAddress());
                }
            }
        }
        return t;
    }

    // =====================================================================================================
    // run loop

    /** Runs until a stop address, a hang, or {@code budget} more steps. */
    public RunResult run(long budget) {
        long limit = steps + budget;
        pendingEnd = null;
        while (true) {
            long p = pc;
            if (p == stop0 || p == stop1) {
                return new RunResult.Completed(p, el, steps, retired, allExceptions);
            }
            if (steps >= limit) {
                return new RunResult.Hang(RunResult.Hang.Kind.STEP_BUDGET, budgetDescription(budget), p, el, steps, recentExceptions());
            }
            steps++;
            try {
                Insn in = fetch(p);
                if (trace != null) {
                    trace.instruction(steps, el, p, in);
                }
                if (illegalState) {
                    takeException(el, 0x0e, 0, 0, false, p, "illegal execution state (PSTATE.IL set by an illegal exception return)");
                } else {
                    execute(in);
                }
            } catch (Abort a) {
                takeAbort(a);
            }
            if (pendingEnd != null) {
                return pendingEnd;
            }
        }
    }

    // =====================================================================================================
    // instruction fetch

    private Insn fetch(long p) {
        if (((p ^ fVaPage) & ~0xfffL) == 0 && fEpoch == epoch && fCodeWrites == ram.codeWrites()) {
            Object o = fArr[(int) (p & 0xfff) >>> 2];
            if (o != null) {
                return (Insn) o;
            }
        }
        return fetchSlow(p);
    }

    private Insn fetchSlow(long p) {
        long pa;
        boolean cacheable;
        if (mmuOn) {
            TlbEntry e = entry(p, AccessType.FETCH);
            pa = e.pa(p);
            cacheable = icacheOn && !e.attr.device() && e.attr.cacheable();
        } else {
            Translation.Mapped m = flat(p, AccessType.FETCH, false);
            pa = m.pa();
            cacheable = m.attrs().memory().cacheable();
        }
        Frame f;
        try {
            f = ram.frame(pa);
        } catch (Ram.NoRam e) {
            throw new Abort(AccessType.FETCH, p, null, 0, String.format("fetch from PA 0x%x, which is not RAM", pa), false);
        }
        noteRead(f, "instruction fetch", p, pa);
        if (mmuOn) {
            mmuOnFetchPages++;
            if ((pa & ~0xfffL) != (p & ~0xfffL)) {
                nonIdentityFetchPages++;
            }
        }
        fFrame = f;
        int off = (int) (pa & 0xfff);
        Object[] arr;
        int word;
        if (cacheable) {
            if (f.icDecoded == null) {
                f.icDecoded = new Object[1024];
            }
            arr = f.icDecoded;
            word = ram.iFetch(f, off);
        } else {
            if (f.ncDecoded == null) {
                f.ncDecoded = new Object[1024];
            }
            arr = f.ncDecoded;
            word = (int) (f.data[off >>> 3] >>> ((off & 4) * 8));
        }
        Object o = arr[off >>> 2];
        if (o == null) {
            o = Decoder.decode(word);
            arr[off >>> 2] = o;
        }
        fVaPage = p & ~0xfffL;
        fArr = arr;
        fEpoch = epoch;
        fCodeWrites = ram.codeWrites();
        return (Insn) o;
    }

    // =====================================================================================================
    // translation

    /** The TLB entry for {@code va} in the current regime, filling it on a miss; raises the fault for {@code at}. */
    private TlbEntry entry(long va, AccessType at) {
        if (footprint == null) {
            return lookup(va, at);
        }
        long ttbr = regime.hasTwoRanges() && (va >>> 55 & 1) != 0 ? walkRegs.ttbr1() : walkRegs.ttbr0();
        TlbEntry e;
        try {
            e = lookup(va, at);
        } catch (Abort a) {
            footprint.touch(regime, ttbr, va, -1, at);
            throw a;
        }
        footprint.touch(regime, ttbr, va, e.pa(va), at);
        return e;
    }

    private TlbEntry lookup(long va, AccessType at) {
        TlbEntry e = tlb.lookup(regime, va);
        if (e == null) {
            Translation[] walks = {
                walk(va, AccessType.FETCH),
                walk(va, AccessType.READ),
                walk(va, AccessType.WRITE)};
            e = tlb.fill(regime, va, walkRegs.mair(), walks);
            if (e == null) {
                Translation.Fault f = walks[at.ordinal()] instanceof Translation.Fault wf
                        && wf.kind() != FaultKind.PERMISSION ? wf : firstFault(walks);
                throw new Abort(at, va, f.kind(), f.level(), f.reason(), false);
            }
        } else if (checkTlbHits) {
            checkHit(e, va, at);
        }
        Translation.Fault denied = e.denied[at.ordinal()];
        if (denied != null) {
            throw new Abort(at, va, denied.kind(), denied.level(), denied.reason(), false);
        }
        return e;
    }

    private void checkHit(TlbEntry e, long va, AccessType at) {
        tlbHitsChecked++;
        if (staleTlbHit != null) {
            return;
        }
        boolean cachedOk = e.permits(at);
        probing = true;
        Translation fresh;
        try {
            fresh = walk(va, at);
        } finally {
            probing = false;
        }
        boolean freshOk = fresh instanceof Translation.Mapped;
        if (cachedOk != freshOk || freshOk && ((Translation.Mapped) fresh).pa() != e.pa(va)) {
            boolean storedTables = false;
            for (WalkStep s : fresh.steps()) {
                Frame f = s.kind() == WalkStep.Kind.NOT_RAM ? null : ram.peek(s.descriptorAddress());
                storedTables |= f != null && f.storedAtStep != 0;
            }
            staleTlbHit = new StaleTlbHit(va, at, cachedOk ? String.format("PA 0x%x", e.pa(va)) : "a Permission fault",
                    freshOk ? String.format("PA 0x%x", ((Translation.Mapped) fresh).pa()) : ((Translation.Fault) fresh).summary(), steps, pc, el,
                    storedTables);
        }
    }

    private static Translation.Fault firstFault(Translation[] walks) {
        for (Translation t : walks) {
            if (t instanceof Translation.Fault f && f.kind() != FaultKind.PERMISSION) {
                return f;
            }
        }
        throw new IllegalStateException("no fault");
    }

    /** MMU off: the models' flat translation (PA = VA; address-size check; memory type from SCTLR_ELx.I for fetches). */
    private Translation.Mapped flat(long va, AccessType at, boolean maintenance) {
        Translation t = walk(va, at);
        if (t instanceof Translation.Fault f) {
            throw new Abort(at, va, f.kind(), f.level(), f.reason(), maintenance);
        }
        return (Translation.Mapped) t;
    }

    /** Translates a data access of {@code size} bytes and fills the read or write micro-TLB. */
    private Frame dataPage(long va, int size, boolean write, boolean maintenance) {
        long pa;
        MemoryAttribute type;
        AccessType at = write ? AccessType.WRITE : AccessType.READ;
        if (mmuOn) {
            TlbEntry e = entry(va, at);
            pa = e.pa(va);
            type = e.attr;
        } else {
            Translation.Mapped m = flat(va, at, maintenance);
            pa = m.pa();
            type = m.attrs().memory();
        }
        if (!maintenance && (va & (size - 1)) != 0 && (alignCheck || type.device())) {
            throw new Abort(at, va, FaultKind.ALIGNMENT, 0, String.format("unaligned %d-byte access to VA 0x%x (%s)", size, va,
                    type.device() ? (mmuOn ? "Device memory" : "MMU off: data accesses are Device-nGnRnE") : "SCTLR_EL" + el + ".A = 1"), false);
        }
        Frame f;
        try {
            f = ram.frame(pa);
        } catch (Ram.NoRam e) {
            throw new Abort(at, va, null, 0, String.format("access to PA 0x%x, which is not RAM", pa), maintenance);
        }
        boolean cacheable = dcacheOn && !type.device() && type.cacheable();
        if (!maintenance) {
            if (write) {
                if (f.storedAtStep == 0) {
                    f.storedAtStep = steps;
                    f.storedByPc = pc;
                }
                f.storedLines |= 1L << ((pa >>> 6) & 63) | 1L << (((pa + size - 1) >>> 6) & 63);
                if (f == rFrame) {
                    rEpoch = -1; // the next load from this page is checked again
                }
                if (f == fFrame) {
                    fEpoch = -1;
                }
            } else if (((f.storedLines >>> ((pa >>> 6) & 63)) & 1) != 0 || ((f.storedLines >>> (((pa + size - 1) >>> 6) & 63)) & 1) != 0) {
                noteRead(f, "load", va, pa);
            }
            // a load from a line the run has not stored to is no clobber, even in a page it has: kexec copies a source page that is
            // its own destination onto itself (kimage_alloc_page), and copy_page reads line n + 1 after storing line n
        }
        if (write) {
            wEpoch = epoch;
            wVaPage = va & ~0xfffL;
            wFrame = f;
            wCacheable = cacheable;
        } else {
            rEpoch = f.storedAtStep != 0 ? -1 : epoch; // a page with stored lines: every load is checked against them
            rVaPage = va & ~0xfffL;
            rFrame = f;
            rCacheable = cacheable;
        }
        return f;
    }

    long read64(long va) {
        if (((va ^ rVaPage) & ~0xfffL) == 0 && rEpoch == epoch && (va & 7) == 0) {
            int off = (int) (va & 0xfff);
            return rCacheable ? ram.dRead64(rFrame, off) : rFrame.data[off >>> 3];
        }
        return readSlow(va, 8);
    }

    void write64(long va, long v) {
        stores++;
        if (((va ^ wVaPage) & ~0xfffL) == 0 && wEpoch == epoch && (va & 7) == 0) {
            int off = (int) (va & 0xfff);
            wFrame.storedLines |= 1L << (off >>> 6);
            if (wCacheable) {
                ram.dWrite64(wFrame, off, v);
            } else {
                wFrame.data[off >>> 3] = v;
                ram.touchedCode(wFrame);
            }
            return;
        }
        writeSlow(va, v, 8);
    }

    private long readSlow(long va, int size) {
        if ((va & (size - 1)) != 0) {
            dataPage(va, size, false, false); // alignment / permission checks on the first byte
            long v = 0;
            for (int i = size - 1; i >= 0; i--) {
                v = (v << 8) | readByte(va + i);
            }
            return v;
        }
        Frame f = dataPage(va, size, false, false);
        return readAligned(f, (int) (va & 0xfff), size, rCacheable);
    }

    private int readByte(long va) {
        Frame f = (((va ^ rVaPage) & ~0xfffL) == 0 && rEpoch == epoch) ? rFrame : dataPage(va, 1, false, false);
        return (int) readAligned(f, (int) (va & 0xfff), 1, rCacheable);
    }

    private long readAligned(Frame f, int off, int size, boolean cacheable) {
        long d = cacheable ? ram.dRead64(f, off & ~7) : f.data[off >>> 3];
        if (size == 8) {
            return d;
        }
        long v = d >>> ((off & 7) * 8);
        return size == 4 ? v & M32 : size == 2 ? v & 0xffff : v & 0xff;
    }

    private void writeSlow(long va, long v, int size) {
        if ((va & (size - 1)) != 0) {
            dataPage(va, size, true, false);
            for (int i = 0; i < size; i++) {
                writeByte(va + i, (int) (v >>> (8 * i)));
            }
            return;
        }
        Frame f = dataPage(va, size, true, false);
        writeAligned(f, (int) (va & 0xfff), v, size, wCacheable);
    }

    private void writeByte(long va, int b) {
        Frame f = (((va ^ wVaPage) & ~0xfffL) == 0 && wEpoch == epoch) ? wFrame : dataPage(va, 1, true, false);
        f.storedLines |= 1L << ((va & 0xfff) >>> 6);
        writeAligned(f, (int) (va & 0xfff), b & 0xff, 1, wCacheable);
    }

    private void writeAligned(Frame f, int off, long v, int size, boolean cacheable) {
        int idx = off >>> 3;
        long old = cacheable ? ram.dRead64(f, off & ~7) : f.data[idx];
        long merged;
        if (size == 8) {
            merged = v;
        } else {
            int sh = (off & 7) * 8;
            long mask = (size == 4 ? M32 : size == 2 ? 0xffffL : 0xffL) << sh;
            merged = (old & ~mask) | ((v << sh) & mask);
        }
        if (cacheable) {
            ram.dWrite64(f, off & ~7, merged);
        } else {
            f.data[idx] = merged;
            ram.touchedCode(f);
        }
    }

    private long load(long va, int size) {
        if (size == 8) {
            return read64(va);
        }
        if (((va ^ rVaPage) & ~0xfffL) == 0 && rEpoch == epoch && (va & (size - 1)) == 0) {
            return readAligned(rFrame, (int) (va & 0xfff), size, rCacheable);
        }
        return readSlow(va, size);
    }

    private void store(long va, long v, int size) {
        if (size == 8) {
            write64(va, v);
            return;
        }
        stores++;
        if (((va ^ wVaPage) & ~0xfffL) == 0 && wEpoch == epoch && (va & (size - 1)) == 0) {
            wFrame.storedLines |= 1L << ((va & 0xfff) >>> 6);
            writeAligned(wFrame, (int) (va & 0xfff), v, size, wCacheable);
            return;
        }
        writeSlow(va, v, size);
    }

    // =====================================================================================================
    // execute

    private long rsp(int n) {
        return n == 31 ? sp() : x[n];
    }

    private void wsp(int n, long v) {
        if (n == 31) {
            if (spx) {
                sps[el] = v;
            } else {
                sps[0] = v;
            }
        } else {
            x[n] = v;
        }
    }

    private void wr(int n, long v) {
        if (n != 31) {
            x[n] = v;
        }
    }

    private long baseAddress(int rn) {
        if (rn == 31) {
            long s = sp();
            if (spAlignCheck && (s & 15) != 0) {
                throw new SpAlignment(s);
            }
            return s;
        }
        return x[rn];
    }

    private long addFlags(long a, long b, boolean carryIn, boolean sf) {
        if (sf) {
            long r = a + b + (carryIn ? 1 : 0);
            flagN = r < 0;
            flagZ = r == 0;
            flagC = carryIn ? Long.compareUnsigned(r, a) <= 0 : Long.compareUnsigned(r, a) < 0;
            flagV = ((a ^ r) & (b ^ r)) < 0;
            return r;
        }
        long ua = a & M32;
        long ub = b & M32;
        long full = ua + ub + (carryIn ? 1 : 0);
        long r = full & M32;
        flagN = (r & 0x80000000L) != 0;
        flagZ = r == 0;
        flagC = (full >>> 32) != 0;
        int ia = (int) a;
        int ib = (int) b;
        int ir = (int) r;
        flagV = ((ia ^ ir) & (ib ^ ir)) < 0;
        return r;
    }

    private static long shifted(long v, int type, int amount, boolean sf) {
        if (sf) {
            return switch (type) {
                case 0 -> v << amount;
                case 1 -> v >>> amount;
                case 2 -> v >> amount;
                default -> Long.rotateRight(v, amount);
            };
        }
        int w = (int) v;
        int r = switch (type) {
            case 0 -> w << amount;
            case 1 -> w >>> amount;
            case 2 -> w >> amount;
            default -> Integer.rotateRight(w, amount);
        };
        return r & M32;
    }

    private static long extended(long v, int option, int amount) {
        long e = switch (option) {
            case 0 -> v & 0xff;
            case 1 -> v & 0xffff;
            case 2 -> v & M32;
            case 3 -> v;
            case 4 -> (byte) v;
            case 5 -> (short) v;
            case 6 -> (int) v;
            default -> v;
        };
        return e << amount;
    }

    private static long ror(long v, int r, boolean sf) {
        return sf ? Long.rotateRight(v, r) : Integer.rotateRight((int) v, r) & M32;
    }

    private boolean cond(int c) {
        return Cond.holds(c, flagN, flagZ, flagC, flagV);
    }

    private void execute(Insn i) {
        long next = pc + 4;
        boolean sf = i.sf;
        switch (i.op) {
            case Op.NOP, Op.DSB, Op.DMB, Op.ISB -> {
            }
            case Op.MOVZ -> wr(i.rd, i.imm);
            case Op.MOVN -> wr(i.rd, sf ? ~i.imm : ~i.imm & M32);
            case Op.MOVK -> {
                long v = (x(i.rd) & ~(0xffffL << i.aux)) | i.imm;
                wr(i.rd, sf ? v : v & M32);
            }
            case Op.ADD_I -> wsp(i.rd, trunc(rsp(i.rn) + i.imm, sf));
            case Op.SUB_I -> wsp(i.rd, trunc(rsp(i.rn) - i.imm, sf));
            case Op.ADDS_I -> wr(i.rd, addFlags(rsp(i.rn), i.imm, false, sf));
            case Op.SUBS_I -> wr(i.rd, addFlags(rsp(i.rn), ~i.imm, true, sf));
            case Op.ADD_R -> wr(i.rd, trunc(x[i.rn] + shifted(x[i.rm], i.aux, i.aux2, sf), sf));
            case Op.SUB_R -> wr(i.rd, trunc(x[i.rn] - shifted(x[i.rm], i.aux, i.aux2, sf), sf));
            case Op.ADDS_R -> wr(i.rd, addFlags(x[i.rn], shifted(x[i.rm], i.aux, i.aux2, sf), false, sf));
            case Op.SUBS_R -> wr(i.rd, addFlags(x[i.rn], ~shifted(x[i.rm], i.aux, i.aux2, sf), true, sf));
            case Op.ADD_X -> wsp(i.rd, trunc(rsp(i.rn) + extended(x[i.rm], i.aux, i.aux2), sf));
            case Op.SUB_X -> wsp(i.rd, trunc(rsp(i.rn) - extended(x[i.rm], i.aux, i.aux2), sf));
            case Op.ADDS_X -> wr(i.rd, addFlags(rsp(i.rn), extended(x[i.rm], i.aux, i.aux2), false, sf));
            case Op.SUBS_X -> wr(i.rd, addFlags(rsp(i.rn), ~extended(x[i.rm], i.aux, i.aux2), true, sf));
            case Op.AND_I -> wsp(i.rd, trunc(x[i.rn] & i.imm, sf));
            case Op.ORR_I -> wsp(i.rd, trunc(x[i.rn] | i.imm, sf));
            case Op.EOR_I -> wsp(i.rd, trunc(x[i.rn] ^ i.imm, sf));
            case Op.ANDS_I -> wr(i.rd, logicFlags(x[i.rn] & i.imm, sf));
            case Op.LOG_R -> {
                long b = shifted(x[i.rm], (int) i.imm, i.aux2, sf);
                if ((i.aux & 1) != 0) {
                    b = sf ? ~b : ~b & M32;
                }
                long a = x[i.rn];
                long r = switch (i.aux >> 1) {
                    case 0 -> a & b;
                    case 1 -> a | b;
                    case 2 -> a ^ b;
                    default -> logicFlags(a & b, sf);
                };
                wr(i.rd, trunc(r, sf));
            }
            case Op.UBFM -> wr(i.rd, ror(x[i.rn], i.aux, sf) & i.imm & i.imm2);
            case Op.SBFM -> {
                long src = x[i.rn];
                long bot = ror(src, i.aux, sf) & i.imm;
                long top = ((src >>> i.aux2) & 1) != 0 ? (sf ? -1L : M32) : 0;
                wr(i.rd, (top & ~i.imm2) | (bot & i.imm2));
            }
            case Op.BFM -> {
                long dst = x(i.rd);
                long bot = (dst & ~i.imm) | (ror(x[i.rn], i.aux, sf) & i.imm);
                wr(i.rd, trunc((dst & ~i.imm2) | (bot & i.imm2), sf));
            }
            case Op.EXTR -> {
                int lsb = i.aux;
                long r;
                if (sf) {
                    r = lsb == 0 ? x[i.rm] : (x[i.rm] >>> lsb) | (x[i.rn] << (64 - lsb));
                } else {
                    long cat = ((x[i.rn] & M32) << 32) | (x[i.rm] & M32);
                    r = (cat >>> lsb) & M32;
                }
                wr(i.rd, r);
            }
            case Op.SHIFTV -> {
                int amount = (int) (x[i.rm] & (sf ? 63 : 31));
                wr(i.rd, shifted(x[i.rn], i.aux, amount, sf));
            }
            case Op.DP1 -> wr(i.rd, dp1(i.aux, x[i.rn], sf));
            case Op.UDIV -> {
                long d = sf ? x[i.rm] : x[i.rm] & M32;
                long n = sf ? x[i.rn] : x[i.rn] & M32;
                wr(i.rd, d == 0 ? 0 : Long.divideUnsigned(n, d));
            }
            case Op.SDIV -> {
                long d = sf ? x[i.rm] : (int) x[i.rm];
                long n = sf ? x[i.rn] : (int) x[i.rn];
                long q = d == 0 ? 0 : (d == -1 ? -n : n / d);
                wr(i.rd, trunc(q, sf));
            }
            case Op.CSEL -> {
                long r;
                if (cond(i.aux)) {
                    r = x[i.rn];
                } else {
                    long m = x[i.rm];
                    r = switch (i.aux2) {
                        case 0 -> m;
                        case 1 -> m + 1;
                        case 2 -> ~m;
                        default -> -m;
                    };
                }
                wr(i.rd, trunc(r, sf));
            }
            case Op.ADR -> wr(i.rd, pc + i.imm);
            case Op.ADRP -> wr(i.rd, (pc & ~0xfffL) + i.imm);
            case Op.B -> next = branch(pc + i.imm);
            case Op.BL -> {
                x[30] = pc + 4;
                next = pc + i.imm;
            }
            case Op.BCOND -> {
                if (cond(i.aux)) {
                    next = branch(pc + i.imm);
                }
            }
            case Op.CBZ -> {
                if ((sf ? x[i.rd] : x[i.rd] & M32) == 0) {
                    next = branch(pc + i.imm);
                }
            }
            case Op.CBNZ -> {
                if ((sf ? x[i.rd] : x[i.rd] & M32) != 0) {
                    next = branch(pc + i.imm);
                }
            }
            case Op.TBZ -> {
                if (((x[i.rd] >>> i.aux) & 1) == 0) {
                    next = branch(pc + i.imm);
                }
            }
            case Op.TBNZ -> {
                if (((x[i.rd] >>> i.aux) & 1) != 0) {
                    next = branch(pc + i.imm);
                }
            }
            case Op.BR -> next = indirect(x[i.rn]);
            case Op.BLR -> {
                long t = x[i.rn];
                x[30] = pc + 4;
                next = indirect(t);
            }
            case Op.RET -> next = indirect(x[i.rn]);
            case Op.ERET -> {
                eret();
                return;
            }
            case Op.LDST_U -> loadStore(i, baseAddress(i.rn) + i.imm);
            case Op.LDST_UNSCALED -> loadStore(i, baseAddress(i.rn) + i.imm);
            case Op.LDST_PRE -> {
                long a = baseAddress(i.rn) + i.imm;
                loadStore(i, a);
                wsp(i.rn, a);
            }
            case Op.LDST_POST -> {
                long a = baseAddress(i.rn);
                loadStore(i, a);
                wsp(i.rn, a + i.imm);
            }
            case Op.LDST_REG -> loadStore(i, baseAddress(i.rn) + extended(x[i.rm], (int) i.imm, (int) i.imm2));
            case Op.LDR_LIT -> loadStore(i, pc + i.imm);
            case Op.PAIR -> pair(i);
            case Op.MRS -> mrs(i);
            case Op.MSR -> msr(i);
            case Op.MSR_IMM -> msrImm(i);
            case Op.SYS -> sysOp(i);
            case Op.HVC -> {
                takeException(2, 0x16, (int) i.imm, 0, false, pc + 4, "hvc #" + i.imm);
                return;
            }
            case Op.SVC -> {
                takeException(el, 0x15, (int) i.imm, 0, false, pc + 4, "svc #" + i.imm);
                return;
            }
            case Op.BRK -> {
                takeException(el, 0x3c, (int) i.imm, 0, false, pc, "brk #" + i.imm);
                return;
            }
            case Op.WFI -> {
                pendingEnd = new RunResult.Hang(RunResult.Hang.Kind.WAIT_FOR_INTERRUPT,
                        String.format("wfi at EL%d, PC 0x%x%s: no interrupt source is modelled, the CPU waits forever", el, pc, where(pc)),
                        pc, el, steps, recentExceptions());
                return;
            }
            default -> {
                unimplemented(i);
                return;
            }
        }
        retired++;
        pc = next;
    }

    /** RBIT, REV16, REV32 / REV (W), REV (X), CLZ, CLS. */
    private static long dp1(int opcode, long v, boolean sf) {
        if (sf) {
            return switch (opcode) {
                case 0 -> Long.reverse(v);
                case 1 -> ((v & 0x00ff00ff00ff00ffL) << 8) | ((v >>> 8) & 0x00ff00ff00ff00ffL);
                case 2 -> (Integer.reverseBytes((int) (v >>> 32)) & M32) << 32 | (Integer.reverseBytes((int) v) & M32);
                case 3 -> Long.reverseBytes(v);
                case 4 -> Long.numberOfLeadingZeros(v);
                default -> Long.numberOfLeadingZeros(v ^ (v >> 1)) - 1;
            };
        }
        int w = (int) v;
        int r = switch (opcode) {
            case 0 -> Integer.reverse(w);
            case 1 -> ((w & 0x00ff00ff) << 8) | ((w >>> 8) & 0x00ff00ff);
            case 2 -> Integer.reverseBytes(w);
            case 4 -> Integer.numberOfLeadingZeros(w);
            default -> Integer.numberOfLeadingZeros(w ^ (w >> 1)) - 1;
        };
        return r & M32;
    }

    private static long trunc(long v, boolean sf) {
        return sf ? v : v & M32;
    }

    private long logicFlags(long r, boolean sf) {
        long t = trunc(r, sf);
        flagN = sf ? t < 0 : (t & 0x80000000L) != 0;
        flagZ = t == 0;
        flagC = false;
        flagV = false;
        return t;
    }

    /** A direct branch; a branch to itself is the {@code b .} hang, a backward one is checked for a spin. */
    private long branch(long target) {
        if (target == pc) {
            pendingEnd = new RunResult.Hang(RunResult.Hang.Kind.SELF_LOOP, selfLoopDescription(), pc, el, steps, recentExceptions());
        } else if (Long.compareUnsigned(target, pc) < 0) {
            spinCheck(target);
        }
        return target;
    }

    private long indirect(long target) {
        if ((target & 3) != 0) {
            throw new PcAlignment(target);
        }
        if (Long.compareUnsigned(target, pc) <= 0) {
            spinCheck(target);
        }
        return target;
    }

    private void spinCheck(long target) {
        long flags = (long) nzcv() | (long) daif << 4 | (long) el << 8 | (spx ? 1L << 10 : 0);
        long n = hang.backwardBranch(target, stores + sysEffects, retired + 1, x, sps, flags);
        if (n > 0) {
            pendingEnd = new RunResult.Hang(RunResult.Hang.Kind.SPIN, String.format(
                    "the CPU spins at EL%d through %d instruction(s) from 0x%x to the branch at 0x%x%s with no change of state (no store, "
                    + "no system-register write, no maintenance)%s", el, n, target, pc, where(pc), hang.afterLastException()),
                    pc, el, steps, recentExceptions());
        }
    }

    /** The execute switch has no case for {@code i}: outside the subset (or reserved). */
    private void unimplemented(Insn i) {
        if (stopOnUnimplemented && (i.op != Op.UNDEF || (i.word >>> 16) != 0)) {
            pendingEnd = new RunResult.Stopped(String.format("word 0x%08x at PC 0x%x is an encoding the emulator does not implement", i.word, pc),
                    pc, el, steps);
            throw Done.INSTANCE;
        }
        undefined(i);
    }

    private void undefined(Insn i) {
        takeException(el, 0x00, 0, 0, false, pc, String.format("undefined instruction 0x%08x", i.word));
    }

    private void loadStore(Insn i, long addr) {
        int size = 1 << i.aux;
        switch (i.aux2) {
            case 0 -> store(addr, x(i.rd), size);
            case 1 -> wr(i.rd, load(addr, size));
            case 2 -> {
                long v = load(addr, size);
                wr(i.rd, (v << (64 - 8 * size)) >> (64 - 8 * size));
            }
            default -> {
                long v = load(addr, size);
                wr(i.rd, ((v << (64 - 8 * size)) >> (64 - 8 * size)) & M32);
            }
        }
    }

    private void pair(Insn i) {
        int size = 1 << i.aux;
        long base = baseAddress(i.rn);
        long a = i.imm2 == 1 ? base : base + i.imm;
        if (i.aux2 == 1) {
            long v1 = load(a, size);
            long v2 = load(a + size, size);
            wr(i.rd, v1);
            wr(i.rm, v2);
        } else {
            long v1 = x(i.rd);
            long v2 = x(i.rm);
            store(a, size == 8 ? v1 : v1 & M32, size);
            store(a + size, size == 8 ? v2 : v2 & M32, size);
        }
        if (i.imm2 == 1) {
            wsp(i.rn, base + i.imm);
        } else if (i.imm2 == 3) {
            wsp(i.rn, a);
        }
    }

    // =====================================================================================================
    // system instructions

    private static final SysRegId[] REGS = SysRegId.values();
    private static final SysOp[] OPS = SysOp.values();

    private boolean accessible(SysRegId r) {
        // EL2 registers (op1 = 4, including SP_EL1) are UNDEFINED at EL1
        return el == 2 || (r.key() >>> 11 & 7) != 4;
    }

    /** The register an MRS/MSR of {@code r} reaches: E2H redirection at EL2. */
    private SysRegId target(SysRegId r) {
        return el == 2 && HCR_E2H.isSet(sys[SysRegId.HCR_EL2.ordinal()]) ? E2hRedirect.atEl2(r) : r;
    }

    private void mrs(Insn i) {
        SysRegId r = target(REGS[i.aux]);
        if (!accessible(r)) {
            undefined(i);
            throw Done.INSTANCE;
        }
        long v = switch (r) {
            case CURRENTEL -> (long) el << 2;
            case DAIF -> packDaif(daif);
            case NZCV -> packNzcv(nzcv());
            case SPSEL -> spx ? 1 : 0;
            case SP_EL0 -> sps[0];
            case SP_EL1 -> sps[1];
            case CCSIDR_EL1 -> ram.geometry().ccsidr(sys[SysRegId.CSSELR_EL1.ordinal()]);
            default -> sys[r.ordinal()];
        };
        wr(i.rd, v);
    }

    private void msr(Insn i) {
        SysRegId r = target(REGS[i.aux]);
        if (!accessible(r)) {
            undefined(i);
            throw Done.INSTANCE;
        }
        long v = x(i.rd);
        sysEffects++;
        switch (r) {
            case CURRENTEL, CTR_EL0, DCZID_EL0, MIDR_EL1, ID_AA64MMFR0_EL1, CLIDR_EL1, CCSIDR_EL1 -> {
                undefined(i);
                throw Done.INSTANCE;
            }
            case DAIF -> daif = unpackDaif(v);
            case NZCV -> setNzcv(unpackNzcv(v));
            case SPSEL -> {
                spx = (v & 1) != 0;
                return;
            }
            case SP_EL0 -> sps[0] = v;
            case SP_EL1 -> sps[1] = v;
            case VBAR_EL1, VBAR_EL2 -> sys[r.ordinal()] = v & ~0x7ffL;
            case SCTLR_EL1, SCTLR_EL2, TCR_EL1, TCR_EL2, TTBR0_EL1, TTBR1_EL1, TTBR0_EL2, TTBR1_EL2, MAIR_EL1, MAIR_EL2, HCR_EL2 -> {
                sys[r.ordinal()] = v;
                refresh();
            }
            default -> sys[r.ordinal()] = v;
        }
    }

    private void msrImm(Insn i) {
        switch (i.aux) {
            case 5 -> spx = (i.aux2 & 1) != 0;
            case 3 << 3 | 6 -> daif |= i.aux2;
            default -> daif &= ~i.aux2;
        }
    }

    private void sysOp(Insn i) {
        SysOp op = OPS[i.aux];
        sysEffects++;
        switch (op) {
            case TLBI_ALLE2, TLBI_ALLE2IS, TLBI_ALLE1, TLBI_ALLE1IS -> {
                if (el < 2) {
                    undefined(i);
                    throw Done.INSTANCE;
                }
                if (op == SysOp.TLBI_ALLE2 || op == SysOp.TLBI_ALLE2IS) {
                    tlb.invalidate(Regime.EL2, Regime.EL2_0);
                } else {
                    tlb.invalidate(Regime.EL1_0);
                }
                epoch++;
            }
            case TLBI_VMALLE1, TLBI_VMALLE1IS -> {
                // at EL2 with HCR_EL2.{E2H, TGE} = {1, 1} the EL1 operations apply to the EL2&0 regime
                long hcr = sys[SysRegId.HCR_EL2.ordinal()];
                tlb.invalidate(el == 2 && HCR_E2H.isSet(hcr) && HCR_TGE.isSet(hcr) ? Regime.EL2_0 : Regime.EL1_0);
                epoch++;
            }
            case IC_IALLU, IC_IALLUIS -> {
                ram.iInvalidateAll();
                epoch++;
            }
            case IC_IVAU -> {
                long pa = maintenancePa(x(i.rd), false);
                ram.iInvalidate(pa);
                epoch++;
            }
            case DC_CIVAC -> ram.dCleanInvalidate(maintenancePa(x(i.rd), false));
            case DC_CVAC, DC_CVAU -> ram.dClean(maintenancePa(x(i.rd), false));
            case DC_IVAC -> ram.dInvalidate(maintenancePa(x(i.rd), true));
            case DC_ZVA -> zeroBlock(x(i.rd));
            case DC_CISW -> ram.setWayOp(x(i.rd), true, true);
            case DC_CSW -> ram.setWayOp(x(i.rd), true, false);
            case DC_ISW -> ram.setWayOp(x(i.rd), false, true);
            default -> throw new IllegalStateException(op.toString());
        }
    }

    /** Translates the VA of a maintenance-by-VA instruction; faults report CM = 1 (and WnR = 1) in the ISS. */
    private long maintenancePa(long va, boolean needsWrite) {
        if (!mmuOn) {
            flat(va, AccessType.READ, true);
            if (!ram.isRam(va)) {
                throw new Abort(AccessType.READ, va, null, 0, String.format("cache maintenance on PA 0x%x, which is not RAM", va), true);
            }
            return va;
        }
        // write permission implies read permission at EL1/EL2, so the write micro-TLB serves both
        if (((va ^ wVaPage) & ~0xfffL) == 0 && wEpoch == epoch) {
            return wFrame.pa() | (va & 0xfff);
        }
        if (!needsWrite && ((va ^ rVaPage) & ~0xfffL) == 0 && rEpoch == epoch) {
            return rFrame.pa() | (va & 0xfff);
        }
        TlbEntry e;
        try {
            e = entry(va, needsWrite ? AccessType.WRITE : AccessType.READ);
        } catch (Abort a) {
            throw new Abort(a.access, a.va, a.kind, a.level, a.reason, true);
        }
        long pa = e.pa(va);
        if (!ram.isRam(pa)) {
            throw new Abort(AccessType.READ, va, null, 0, String.format("cache maintenance on PA 0x%x, which is not RAM", pa), true);
        }
        return pa;
    }

    private void zeroBlock(long va) {
        long block = va & ~63L;
        Frame f = dataPage(block, 64, true, false);
        boolean device = !mmuOn || tlb.lookup(regime, block).attr.device();
        if (device) {
            throw new Abort(AccessType.WRITE, va, FaultKind.ALIGNMENT, 0, "dc zva to Device memory" + (mmuOn ? "" : " (MMU off)"), false);
        }
        int off = (int) (block & 0xfff);
        for (int k = 0; k < 64; k += 8) {
            writeAligned(f, off + k, 0, 8, wCacheable);
        }
        stores++;
    }

    // =====================================================================================================
    // exceptions

    private void eret() {
        sysEffects++;
        long spsr = el == 1 ? sys[SysRegId.SPSR_EL1.ordinal()] : sys[SysRegId.SPSR_EL2.ordinal()];
        long elr = el == 1 ? sys[SysRegId.ELR_EL1.ordinal()] : sys[SysRegId.ELR_EL2.ordinal()];
        int m = (int) SPSR_M.get(spsr);
        int targetEl = m >>> 2;
        boolean aarch32 = SPSR_M4.isSet(spsr);
        setNzcv(unpackNzcv(spsr));
        daif = unpackDaif(spsr);
        retired++;
        if (aarch32 || targetEl > el || targetEl == 3 || (m & 2) != 0) {
            illegalState = true; // illegal exception return: PSTATE.IL, EL unchanged
            pc = elr;
            return;
        }
        if (targetEl == 0) {
            pendingEnd = new RunResult.Stopped(String.format("eret to EL0 at 0x%x: EL0 is not modelled", elr), elr, 0, steps);
            pc = elr;
            return;
        }
        illegalState = SPSR_IL.isSet(spsr);
        el = targetEl;
        spx = (m & 1) != 0;
        pc = elr;
        refresh();
        if ((elr & 3) != 0) {
            throw new PcAlignment(elr);
        }
    }

    private void takeAbort(Abort a) {
        if (a instanceof PcAlignment p) {
            takeException(el, 0x22, 0, p.target, true, p.target, String.format("PC alignment fault: branch to 0x%x", p.target));
            return;
        }
        if (a instanceof SpAlignment s) {
            takeException(el, 0x26, 0, 0, false, pc, String.format("SP alignment fault: SP = 0x%x with SCTLR_EL%d.SA = 1", s.spValue, el));
            return;
        }
        if (a == Done.INSTANCE) {
            return;
        }
        boolean fetchAbort = a.access == AccessType.FETCH;
        int fsc = a.fsc();
        long iss = (fetchAbort ? ISS_IFSC : ISS_DFSC).set(0, fsc);
        if (!fetchAbort && (a.access == AccessType.WRITE || a.maintenance)) {
            iss = ISS_WNR.set(iss, 1);
        }
        if (a.maintenance) {
            iss = ISS_CM.set(iss, 1);
        }
        int ec = fetchAbort ? 0x21 : 0x25; // same EL: exceptions are never taken from a lower EL here except HVC
        String what = fetchAbort ? "instruction abort" : a.maintenance ? "data abort on cache maintenance" : "data abort (" + (a.access == AccessType.WRITE ? "write" : "read") + ")";
        String level = a.kind != null && a.kind.hasLevel() ? " level " + a.level : "";
        String cause = String.format("%s at EL%d, %s%s on VA 0x%x: %s", what, el, a.kind == null ? "EXTERNAL" : a.kind.name(), level, a.va, a.reason);
        takeException(el, ec, (int) iss, a.va, true, pc, cause);
    }

    private void takeException(int targetEl, int ec, int iss, long far, boolean farValid, long elr, String cause) {
        int fromEl = el;
        long spsr = packNzcv(nzcv()) | packDaif(daif) | SPSR_M.set(0, (long) el << 2 | (spx ? 1 : 0))
                | (illegalState ? SPSR_IL.set(0, 1) : 0);
        long esr = ESR_EC.set(0, ec) | ESR_IL.set(0, 1) | ESR_ISS.set(0, iss);
        boolean two = targetEl == 2;
        sys[(two ? SysRegId.ELR_EL2 : SysRegId.ELR_EL1).ordinal()] = elr;
        sys[(two ? SysRegId.SPSR_EL2 : SysRegId.SPSR_EL1).ordinal()] = spsr;
        sys[(two ? SysRegId.ESR_EL2 : SysRegId.ESR_EL1).ordinal()] = esr;
        if (farValid) {
            sys[(two ? SysRegId.FAR_EL2 : SysRegId.FAR_EL1).ordinal()] = far;
        }
        int offset = targetEl == el ? (spx ? 0x200 : 0x000) : 0x400;
        long vbar = sys[(two ? SysRegId.VBAR_EL2 : SysRegId.VBAR_EL1).ordinal()];
        el = targetEl;
        spx = true;
        daif = 0xf;
        illegalState = false;
        pc = vbar + offset;
        refresh();
        ExceptionRecord rec = new ExceptionRecord(steps, fromEl, targetEl, elr, esr, far, farValid, vbar, offset, cause);
        if (allExceptions.size() < 10_000) {
            allExceptions.add(rec);
        }
        exceptionLog.addLast(rec);
        if (exceptionLog.size() > 16) {
            exceptionLog.removeFirst();
        }
        if (trace != null) {
            trace.exception(rec);
        }
        sysEffects++;
        ExceptionRecord previous = hang.lastException();
        String loop = hang.exceptionTaken(rec, retired, stores, stateHash(), where(pc));
        if (loop != null) {
            pendingEnd = new RunResult.Hang(RunResult.Hang.Kind.FAULT_LOOP, loop, pc, el, steps, List.of(previous, rec));
        }
    }

    private long stateHash() {
        return Arrays.hashCode(x) * 31L + Arrays.hashCode(sps) + nzcv();
    }

    // =====================================================================================================
    // descriptions in kernel terms

    private String where(long addr) {
        return HangDetector.where(addr, sys[SysRegId.VBAR_EL1.ordinal()], sys[SysRegId.VBAR_EL2.ordinal()]);
    }

    private String selfLoopDescription() {
        return String.format("b . at EL%d, PC 0x%x%s: the CPU spins on itself", el, pc, where(pc)) + hang.afterLastException();
    }

    private String budgetDescription(long budget) {
        ExceptionRecord last = hang.lastException();
        return String.format("step budget of %d exhausted at EL%d, PC 0x%x%s%s", budget, el, pc, where(pc),
                last == null ? "" : "; last exception: " + last.cause());
    }

    private List<ExceptionRecord> recentExceptions() {
        return List.copyOf(exceptionLog);
    }

    // =====================================================================================================
    // control-flow exceptions (pre-allocated, no stack traces)

    /** A synchronous abort raised mid-instruction; caught by the run loop and turned into an exception entry. */
    static class Abort extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient AccessType access;
        final long va;
        /** The MMU fault, or null for a synchronous External abort (an access to a PA with no RAM behind it). */
        final transient FaultKind kind;
        final int level;
        final String reason;
        final boolean maintenance;

        Abort(AccessType access, long va, FaultKind kind, int level, String reason, boolean maintenance) {
            super(reason, null, false, false);
            this.access = access;
            this.va = va;
            this.kind = kind;
            this.level = level;
            this.reason = reason;
            this.maintenance = maintenance;
        }

        /** The IFSC / DFSC this abort reports. */
        int fsc() {
            return kind == null ? SYNC_EXTERNAL_ABORT_FSC : kind.fsc(level);
        }
    }

    static final class PcAlignment extends Abort {
        private static final long serialVersionUID = 1L;
        final long target;

        PcAlignment(long target) {
            super(AccessType.FETCH, target, FaultKind.ALIGNMENT, 0, "PC alignment", false);
            this.target = target;
        }
    }

    static final class SpAlignment extends Abort {
        private static final long serialVersionUID = 1L;
        final long spValue;

        SpAlignment(long spValue) {
            super(AccessType.READ, spValue, FaultKind.ALIGNMENT, 0, "SP alignment", false);
            this.spValue = spValue;
        }
    }

    /** The instruction already took its exception (e.g. UNDEFINED system-register access); nothing more to do. */
    static final class Done extends Abort {
        private static final long serialVersionUID = 1L;
        static final Done INSTANCE = new Done();

        private Done() {
            super(AccessType.READ, 0, FaultKind.ALIGNMENT, 0, "done", false);
        }
    }
}
