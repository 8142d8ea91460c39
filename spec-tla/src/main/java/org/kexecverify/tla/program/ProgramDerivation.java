package org.kexecverify.tla.program;

import org.kexecverify.model.a64.A64Text;
import org.kexecverify.model.program.ControlFlow;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kexecverify.model.a64.Cond;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;
import org.kexecverify.model.a64.SysOp;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.tla.program.DerivedProgram.Step;

/**
 * Reads a design's relocation code, decoded once, into the steps the TLA+ spec has words for.
 *
 * <pre>
 *   entry --straight line, values from the plan--> msr / isb / dsb / tlbi / ic / ldr [x0, #KIMAGE_*]
 *     |      (branches decided with the values the plan gives: CurrentEL, kimage->arch.el2_vectors, ...)
 *     v
 *   header of the RELOCATION LOOP (the natural loop that loads the register it tests with tbz/tbnz)
 *     |  read symbolically, one iteration per entry kind:
 *     |    IND_SOURCE      -> inner loop with stores = the copy (loads from the entry's page)
 *     |                       dc OP by VA on the copy's destination afterwards = the loop's cmo
 *     |    IND_INDIRECTION -> ptr  := entry page          IND_DESTINATION -> dest := entry page
 *     |    ldr entry, [ptr], #8 ; IND_DONE -> the loop's single exit
 *     v
 *   exit --straight line--> dsb / ic iallu / msr sctlr / hvc (vector slot read too) | br x(kimage->start) | b .
 * </pre>
 *
 * Values are concrete where the code computes them from constants, system registers the plan
 * gives, or struct kimage fields (read by the code's own offsets, {@link KimageOffsets#fieldAt});
 * inside the loop they are symbolic (entry, entry page + delta, ptr, dest). Anything else, and
 * anything the spec has no word for (stores outside the copy, set/way maintenance, ERET, a branch on a
 * value nobody gave), stops the derivation with a {@link ProgramUnsupported} naming the instruction.
 */
public final class ProgramDerivation {
    /**
     * What holds when the code is entered.
     *
     * @param el      the exception level the code starts at (CurrentEL reads {@code el << 2})
     * @param e2h     HCR_EL2.E2H at EL2: the EL1 register names of the code reach the EL2 registers
     * @param sysregs system registers the code may read with MRS, as the plan gives them
     * @param kimage  struct kimage fields by asm-offsets name ({@code KIMAGE_HEAD}), as the plan gives them
     */
    public record EntryState(int el, boolean e2h, Map<SysRegId, Long> sysregs, Map<String, Long> kimage) {
        public EntryState {
            sysregs = Map.copyOf(sysregs);
            kimage = Map.copyOf(kimage);
        }
    }

    static final long PAGE_MASK = ~0xfffL;

    enum Kind { KIMAGE, ENTRY, ADDR, PTR, DEST }

    /**
     * A symbolic value: struct kimage pointer + delta, an entry (delta = its flags, -1 not known, -2 known not
     * DONE), an entry's page + delta, the list pointer, the copy destination; adv: moved on by the code since.
     */
    record Sym(Kind kind, long delta, boolean adv) {}

    /** A register: concrete value when known, where it came from, and its symbol. */
    record Val(Long c, String from, Sym sym, long zero) {
        /** zero: bits known to be 0 even when the value is not known (after bic/and with a constant). */
        Val(Long c, String from, Sym sym) {
            this(c, from, sym, c == null ? 0 : ~c);
        }

        static Val unknown(String from) {
            return new Val(null, from, null);
        }

        static Val of(long c, String from) {
            return new Val(c, from, null);
        }
    }

    /** The PE's state as far as the derivation follows it. */
    static final class St {
        final Val[] x = new Val[32];
        Boolean n;
        Boolean z;
        Boolean cf;
        Boolean v;
        final Map<SysRegId, Long> sys = new HashMap<>();

        St copy() {
            St s = new St();
            System.arraycopy(x, 0, s.x, 0, 32);
            s.n = n;
            s.z = z;
            s.cf = cf;
            s.v = v;
            s.sys.putAll(sys);
            return s;
        }

        String key() {
            StringBuilder b = new StringBuilder();
            for (Val a : x) b.append(a == null ? "-" : a.c() + "/" + a.sym()).append(',');
            return b.append(n).append(z).append(cf).append(v).append(sys).toString();
        }
    }

    private final DesignCode code;
    private final ControlFlow cfg;
    private final EntryState entry;
    private final KimageOffsets offsets;
    private final List<Step> out = new ArrayList<>();
    private final java.util.ArrayDeque<Integer> calls = new java.util.ArrayDeque<>();
    private ControlFlow.Loop reloc;
    private int entryReg = -1;
    private int entryLoadAt = -1;

    private ProgramDerivation(DesignCode code, EntryState entry) {
        this.code = code;
        this.cfg = new ControlFlow(code.entry());
        this.entry = entry;
        this.offsets = code.offsets();
    }

    /** The steps of {@code code} entered in {@code entry}. */
    public static DerivedProgram derive(DesignCode code, EntryState entry) throws ProgramUnsupported {
        ProgramDerivation d = new ProgramDerivation(code, entry);
        d.findRelocationLoop();
        d.run();
        Map<Integer, String> slots = new LinkedHashMap<>();
        if (code.vectors().isPresent()) slots = d.vectorSlots(code.vectors().get());
        return new DerivedProgram(d.out, slots, code.describe());
    }

    // ---- the relocation loop, found from what loops contain -----------------------------------------

    static boolean isLoad(Insn i) {
        return switch (i.op) {
            case Op.LDST_U, Op.LDST_POST, Op.LDST_PRE, Op.LDST_UNSCALED, Op.LDST_REG -> i.aux2 != 0;
            default -> false;
        };
    }

    static boolean isStore(Insn i) {
        return switch (i.op) {
            case Op.LDST_U, Op.LDST_POST, Op.LDST_PRE, Op.LDST_UNSCALED, Op.LDST_REG -> i.aux2 == 0;
            case Op.PAIR -> i.aux2 == 0;
            default -> false;
        };
    }

    private void findRelocationLoop() throws ProgramUnsupported {
        List<ControlFlow.Loop> found = new ArrayList<>();
        Map<ControlFlow.Loop, int[]> what = new HashMap<>();
        for (ControlFlow.Loop l : cfg.loops()) {
            BitSet b = l.body();
            List<int[]> cands = new ArrayList<>();
            for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
                Insn i = cfg.at(k);
                if (!isLoad(i) || inInner(l, k)) continue;
                for (int t = b.nextSetBit(0); t >= 0; t = b.nextSetBit(t + 1)) {
                    Insn j = cfg.at(t);
                    if ((j.op == Op.TBZ || j.op == Op.TBNZ) && j.rd == i.rd) {
                        cands.add(new int[] {k, i.rd});
                        break;
                    }
                }
            }
            if (cands.size() == 1) {
                found.add(l);
                what.put(l, cands.get(0));
            } else if (cands.size() > 1) {
                throw new ProgramUnsupported(cfg.where(l.header()) + ": a loop that loads and tests " + cands.size()
                        + " registers; the derivation knows a relocation loop with one entry register");
            }
        }
        found.removeIf(l -> found.stream().anyMatch(o -> o != l && o.encloses(l)));
        if (found.size() > 1) {
            throw new ProgramUnsupported(code.entrySymbol() + ": " + found.size() + " loops walk an entry list; the spec has one relocation loop");
        }
        if (!found.isEmpty()) {
            reloc = found.get(0);
            entryLoadAt = what.get(reloc)[0];
            entryReg = what.get(reloc)[1];
        }
    }

    /** True if {@code k} lies in a loop nested inside {@code outer}. */
    private boolean inInner(ControlFlow.Loop outer, int k) {
        for (ControlFlow.Loop l : cfg.loops()) if (outer.encloses(l) && l.contains(k)) return true;
        return false;
    }

    // ---- straight line --------------------------------------------------------------------------------

    private int off(int k) {
        return k * 4 - code.entry().entryOffset();
    }

    private ProgramUnsupported unsupported(int k, String why) {
        return new ProgramUnsupported(cfg.where(k) + ": " + why);
    }

    private void run() throws ProgramUnsupported {
        St s = new St();
        for (int r = 0; r < 32; r++) s.x[r] = Val.unknown("x" + r + " at entry");
        s.x[0] = new Val(null, "x0 (struct kimage *)", new Sym(Kind.KIMAGE, 0, false));
        s.sys.putAll(entry.sysregs());
        int k = code.entry().entryOffset() / 4;
        Map<Integer, String> quiet = new HashMap<>();
        for (int budget = 0; budget < 200_000; budget++) {
            if (k < 0 || k >= cfg.size()) throw new ProgramUnsupported(code.entrySymbol() + ": execution leaves the code at +0x" + Integer.toHexString(k * 4));
            if (reloc != null && k == reloc.header()) {
                LoopReader r = new LoopReader(s);
                k = r.read();
                s = r.after;
                quiet.clear();
                continue;
            }
            int before = out.size();
            int next = step(k, s);
            if (next == -1) return;
            if (out.size() != before) quiet.clear();
            if (next <= k) {
                String key = s.key();
                if (key.equals(quiet.get(next))) {
                    out.add(new DerivedProgram.Spin(off(next), cfg.where(next) + " (the PE spins here: nothing changes around this loop)"));
                    return;
                }
                quiet.put(next, key);
            }
            k = next;
        }
        throw new ProgramUnsupported(code.entrySymbol() + ": no end after 200000 instructions outside the relocation loop");
    }

    /** Executes the instruction at {@code k} outside the relocation loop; returns the next index, -1 at the end. */
    private int step(int k, St s) throws ProgramUnsupported {
        Insn i = cfg.at(k);
        String w = cfg.where(k);
        int o = off(k);
        if (alu(i, s, k)) return k + 1;
        switch (i.op) {
            case Op.NOP, Op.DMB -> { return k + 1; }
            case Op.ISB -> {
                out.add(new DerivedProgram.Isb(o, w));
                return k + 1;
            }
            case Op.DSB -> {
                out.add(new DerivedProgram.Dsb(A64Text.barrier(i.aux), o, w));
                return k + 1;
            }
            case Op.MSR -> {
                SysRegId r = redirect(SysRegId.values()[i.aux]);
                if (r == SysRegId.CSSELR_EL1) {   // selects the cache CCSIDR_EL1 describes: no translation or cache state
                    s.sys.put(r, reg(s, i.rd).c() == null ? 0L : reg(s, i.rd).c());
                    return k + 1;
                }
                if (!TRANSLATION_REGS.contains(r)) throw unsupported(k, "a write of " + r.asmName() + " (the spec's registers: SCTLR, TTBR0/1, TCR, MAIR, VBAR)");
                Val v = reg(s, i.rd);
                out.add(new DerivedProgram.SysRegWrite(r, v.c(), v.zero(), v.from(), o, w));
                if (v.c() != null) s.sys.put(r, v.c());
                else s.sys.remove(r);
                return k + 1;
            }
            case Op.MSR_IMM -> {
                if (i.aux == 5) throw unsupported(k, "msr spsel (the stack pointer selection is not modelled)");
                return k + 1;   // DAIFSet/DAIFClr: interrupts are not modelled (machine_kexec masked them)
            }
            case Op.SYS -> {
                SysOp op = SysOp.values()[i.aux];
                switch (op.kind()) {
                    case TLBI -> out.add(new DerivedProgram.Tlbi(op, o, w));
                    case IC -> {
                        if (op.takesAddress()) throw unsupported(k, "ic ivau (I-cache maintenance by VA is not in the spec; it has IC IALLU)");
                        out.add(new DerivedProgram.IcInvalidateAll(op, o, w));
                    }
                    case DC -> {
                        if (op.opName().endsWith("sw")) {
                            int after = setWayNest(k, s);
                            if (after >= 0) return after;
                            throw unsupported(k, "set/way maintenance outside a loop nest over CCSIDR_EL1's sets and ways");
                        }
                        throw unsupported(k, "data-cache maintenance by VA outside the relocation loop (the spec's lines are the "
                                + "destination pages, maintained inside the loop)");
                    }
                }
                return k + 1;
            }
            case Op.HVC -> {
                Val x0 = reg(s, 0);
                String stub = code.vectors().isPresent() ? stubOutcome(code.vectors().get(), x0.c(), s) : null;
                if (stub == null) {
                    throw unsupported(k, "hvc to VBAR_EL2+0x400, but the code names no vectors symbol whose entry could be read");
                }
                if (!stub.equals("new kernel")) throw unsupported(k, "the vector at VBAR_EL2+0x400 does not enter the new image for x0 = " + x0.c() + ": " + stub);
                out.add(new DerivedProgram.Hvc(i.imm, x0.c(), stub, o, w + " (x0 = " + x0.c() + ": the stub vector branches to x1 = " + reg(s, 1).from() + ")"));
                return -1;
            }
            case Op.BR -> {
                Val t = reg(s, i.rn);
                if (!"KIMAGE_START".equals(t.from())) {
                    throw unsupported(k, "br to " + t.from() + " (the derivation knows the branch to kimage->start)");
                }
                out.add(new DerivedProgram.BranchToNewKernel(t.from(), o, w + " (x" + i.rn + " = kimage->start)"));
                return -1;
            }
            case Op.B -> {
                int t = cfg.target(k);
                if (t < 0) throw unsupported(k, "a branch out of the code");
                return t;
            }
            case Op.BL -> {
                int t = cfg.target(k);
                if (t < 0) throw unsupported(k, "a call out of the code");
                calls.push(k + 1);
                set(s, 30, new Val((long) (k + 1), "return address", null));
                return t;
            }
            case Op.RET -> {
                Val lr = reg(s, i.rn);
                if (calls.isEmpty() || !"return address".equals(lr.from()) || lr.c() == null || lr.c() != (long) calls.peek()) {
                    throw unsupported(k, "ret to " + lr.from() + " (the derivation follows ret only back to its bl)");
                }
                return calls.pop();
            }
            case Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ -> {
                Boolean taken = taken(i, s);
                if (taken == null) {
                    int after = setWayNest(k, s);
                    if (after >= 0) return after;
                    throw unsupported(k, "a branch on a value the plan does not give (" + condFrom(i, s) + ")");
                }
                int t = cfg.target(k);
                if (taken && t < 0) throw unsupported(k, "a branch out of the code");
                return taken ? t : k + 1;
            }
            case Op.LDST_U, Op.LDST_PRE, Op.LDST_POST, Op.LDST_UNSCALED -> {
                if (i.aux2 == 0) throw unsupported(k, "a store outside the relocation loop (the spec's only stores are the copies)");
                load(i, s, k);
                return k + 1;
            }
            case Op.LDR_LIT -> {
                long at = k * 4L + i.imm;
                if (at < 0 || at + 8 > code.entry().size()) throw unsupported(k, "a literal outside the code");
                long lo = code.entry().word((int) at) & 0xffffffffL;
                long hi = i.aux == 3 ? code.entry().word((int) at + 4) & 0xffffffffL : 0;
                set(s, i.rd, Val.of(lo | hi << 32, String.format("literal at +0x%x", at - code.entry().entryOffset())));
                return k + 1;
            }
            case Op.PAIR -> {
                if (i.aux2 == 0) throw unsupported(k, "a store outside the relocation loop (the spec's only stores are the copies)");
                throw unsupported(k, "a pair load outside the relocation loop");
            }
            default -> throw unsupported(k, Op.name(i.op) + " (not in the spec's vocabulary)");
        }
    }

    /** At EL2 with E2H = 1 the EL1 names of the translation registers reach their EL2 counterparts (Arm ARM D5.6.1). */
    SysRegId redirect(SysRegId r) {
        if (entry.el() != 2 || !entry.e2h()) return r;
        return switch (r) {
            case SCTLR_EL1 -> SysRegId.SCTLR_EL2;
            case TTBR0_EL1 -> SysRegId.TTBR0_EL2;
            case TTBR1_EL1 -> SysRegId.TTBR1_EL2;
            case TCR_EL1 -> SysRegId.TCR_EL2;
            case MAIR_EL1 -> SysRegId.MAIR_EL2;
            case VBAR_EL1 -> SysRegId.VBAR_EL2;
            default -> r;
        };
    }

    static final Set<SysRegId> TRANSLATION_REGS = Set.of(SysRegId.SCTLR_EL1, SysRegId.SCTLR_EL2, SysRegId.TTBR0_EL1, SysRegId.TTBR1_EL1,
            SysRegId.TTBR0_EL2, SysRegId.TTBR1_EL2, SysRegId.TCR_EL1, SysRegId.TCR_EL2, SysRegId.MAIR_EL1, SysRegId.MAIR_EL2,
            SysRegId.VBAR_EL1, SysRegId.VBAR_EL2);

    private void load(Insn i, St s, int k) throws ProgramUnsupported {
        Val b = reg(s, i.rn == 31 ? 32 : i.rn);
        if (b.sym() == null || b.sym().kind() != Kind.KIMAGE) {
            throw unsupported(k, "a load from " + b.from() + " (outside the loop the derivation knows loads of struct kimage fields)");
        }
        long at = b.sym().delta() + (i.op == Op.LDST_POST ? 0 : i.imm);
        if (at < 0 || at >= offsets.size()) {
            throw unsupported(k, String.format("reads struct kimage+0x%x, outside the struct (KIMAGE_SIZE %d)", at, offsets.size()));
        }
        String f = offsets.fieldAt(at);
        if (f == null || offsets.asMap().get(f) != at || i.aux != 3) {
            throw unsupported(k, String.format("reads struct kimage+0x%x (%d bytes), which is no whole field the offsets name", at, 1 << i.aux));
        }
        out.add(new DerivedProgram.KimageLoad(f, off(k), cfg.where(k) + " (" + f + ")"));
        Long v = entry.kimage().get(f);
        Sym sym = f.equals("KIMAGE_HEAD") ? new Sym(Kind.ENTRY, v == null ? -1 : v & KimageList.IND_FLAGS, false) : null;
        if (i.op == Op.LDST_POST || i.op == Op.LDST_PRE) set(s, i.rn, new Val(null, b.from(), new Sym(Kind.KIMAGE, b.sym().delta() + i.imm, true)));
        set(s, i.rd, new Val(v, f, sym));
    }

    /**
     * A branch on an unknown value inside a loop nest whose only effects are DC set/way operations (the sets and
     * ways come from CCSIDR_EL1): the whole nest is one step. Returns its exit, or -1 when {@code k} is in no such nest.
     */
    private int setWayNest(int k, St s) throws ProgramUnsupported {
        ControlFlow.Loop nest = null;
        for (ControlFlow.Loop l : cfg.loops()) {
            if (l.contains(k) && (reloc == null || !reloc.contains(k)) && (nest == null || l.encloses(nest))) nest = l;
        }
        if (nest == null) return -1;
        String op = null;
        BitSet b = nest.body();
        for (int j = b.nextSetBit(0); j >= 0; j = b.nextSetBit(j + 1)) {
            Insn i = cfg.at(j);
            if (i.op == Op.SYS) {
                SysOp so = SysOp.values()[i.aux];
                if (!so.opName().endsWith("sw")) return -1;
                if (op != null && !op.equals(so.opName())) throw unsupported(j, "two kinds of set/way maintenance in one loop nest");
                op = so.opName();
            } else if (!(isPure(i) || i.op == Op.B || i.op == Op.BCOND || i.op == Op.CBZ || i.op == Op.CBNZ || i.op == Op.TBZ
                    || i.op == Op.TBNZ || i.op == Op.NOP || i.op == Op.ISB || i.op == Op.DSB || i.op == Op.DMB)) {
                return -1;
            }
        }
        if (op == null) return -1;
        if (nest.exits().size() != 1) throw unsupported(nest.header(), "a set/way loop nest with " + nest.exits().size() + " exits");
        for (int j = b.nextSetBit(0); j >= 0; j = b.nextSetBit(j + 1)) {
            Insn i = cfg.at(j);
            if (isPure(i) && i.rd != 31) set(s, i.rd, Val.unknown("written in a set/way loop"));
        }
        flagsUnknown(s);
        int first = b.nextSetBit(0);
        out.add(new DerivedProgram.DcSetWay(op, off(first), String.format("%s+0x%x..0x%x: dc %s over the sets and ways of CCSIDR_EL1 (a loop nest)",
                code.entry().name(), off(first), off(b.length() - 1), op)));
        return nest.exits().get(0);
    }

    static boolean isPure(Insn i) {
        return switch (i.op) {
            case Op.MOVZ, Op.MOVN, Op.MOVK, Op.ADD_I, Op.ADDS_I, Op.SUB_I, Op.SUBS_I, Op.ADD_R, Op.ADDS_R, Op.SUB_R, Op.SUBS_R,
                 Op.AND_I, Op.ORR_I, Op.EOR_I, Op.ANDS_I, Op.LOG_R, Op.UBFM, Op.SBFM, Op.BFM, Op.SHIFTV, Op.CSEL, Op.DP1 -> true;
            default -> false;
        };
    }

    // ---- values ---------------------------------------------------------------------------------------

    static Val reg(St s, int r) {
        if (r == 31) return Val.of(0, "xzr");
        if (r == 32) return s.x[31];   // sp
        return s.x[r];
    }

    static void set(St s, int r, Val v) {
        if (r != 31) s.x[r] = v;
    }

    static long mask(boolean sf, long v) {
        return sf ? v : v & 0xffffffffL;
    }

    static long shift(long v, int type, int amt, boolean sf) {
        int w = sf ? 64 : 32;
        v = mask(sf, v);
        return mask(sf, switch (type) {
            case 0 -> v << amt;
            case 1 -> v >>> amt;
            case 2 -> sf ? v >> amt : ((long) (int) v) >> amt;
            default -> ror(v, amt, w);
        });
    }

    static long ror(long v, int r, int w) {
        if (r == 0) return v;
        return w == 64 ? Long.rotateRight(v, r) : (((v >>> r) | (v << (32 - r))) & 0xffffffffL);
    }

    private static void flagsNz(St s, long r, boolean sf) {
        s.n = sf ? r < 0 : (r & 0x80000000L) != 0;
        s.z = mask(sf, r) == 0;
    }

    private static void flagsUnknown(St s) {
        s.n = s.z = s.cf = s.v = null;
    }

    private static Long addWithCarry(St s, long a, long b, boolean carry, boolean sf, boolean setFlags) {
        long r = mask(sf, a + b + (carry ? 1 : 0));
        if (setFlags) {
            flagsNz(s, r, sf);
            if (sf) {
                s.cf = Long.compareUnsigned(r, a) < 0 || (carry && r == a);
                s.v = ((a ^ r) & (b ^ r)) < 0;
            } else {
                long ua = a & 0xffffffffL;
                long ub = b & 0xffffffffL;
                s.cf = ua + ub + (carry ? 1 : 0) > 0xffffffffL;
                int ia = (int) a;
                int ib = (int) b;
                int ir = (int) r;
                s.v = ((ia ^ ir) & (ib ^ ir)) < 0;
            }
        }
        return r;
    }

    /** Data processing (and MRS): concrete where the inputs are, with the symbol rules of the loop. */
    boolean alu(Insn i, St s, int k) throws ProgramUnsupported {
        switch (i.op) {
            case Op.MOVZ -> set(s, i.rd, Val.of(mask(i.sf, i.imm), "mov #0x" + Long.toHexString(i.imm)));
            case Op.MOVN -> set(s, i.rd, Val.of(mask(i.sf, ~i.imm), "movn"));
            case Op.MOVK -> {
                Val a = reg(s, i.rd);
                set(s, i.rd, a.c() == null ? Val.unknown("movk on " + a.from())
                        : Val.of(mask(i.sf, (a.c() & ~(0xffffL << i.aux)) | i.imm), "mov_q 0x" + Long.toHexString(mask(i.sf, (a.c() & ~(0xffffL << i.aux)) | i.imm))));
            }
            case Op.ADD_I, Op.ADDS_I, Op.SUB_I, Op.SUBS_I -> {
                boolean flags = i.op == Op.ADDS_I || i.op == Op.SUBS_I;
                boolean sub = i.op == Op.SUB_I || i.op == Op.SUBS_I;
                Val a = reg(s, i.rn == 31 ? 32 : i.rn);
                Long r = null;
                if (a.c() != null) r = addWithCarry(s, a.c(), sub ? mask(i.sf, ~i.imm) : i.imm, sub, i.sf, flags);
                else if (flags) flagsUnknown(s);
                Sym sym = a.sym() == null || i.imm == 0 ? a.sym() : moved(a.sym(), sub ? -i.imm : i.imm);
                if (!(flags && i.rd == 31)) set(s, i.rd == 31 && !flags ? 32 : i.rd, new Val(r, r != null ? a.from() : "arith on " + a.from(), sym));
            }
            case Op.ADD_R, Op.ADDS_R, Op.SUB_R, Op.SUBS_R -> {
                boolean flags = i.op == Op.ADDS_R || i.op == Op.SUBS_R;
                boolean sub = i.op == Op.SUB_R || i.op == Op.SUBS_R;
                Val a = reg(s, i.rn);
                Val b = reg(s, i.rm);
                Long r = null;
                if (a.c() != null && b.c() != null) {
                    long bb = shift(b.c(), i.aux, i.aux2, i.sf);
                    r = addWithCarry(s, a.c(), sub ? mask(i.sf, ~bb) : bb, sub, i.sf, flags);
                } else if (flags) {
                    flagsUnknown(s);
                }
                Sym sym = null;
                if (a.sym() != null && a.sym().kind() == Kind.ADDR && b.c() != null && i.aux2 == 0) {
                    sym = new Sym(Kind.ADDR, a.sym().delta() + (sub ? -b.c() : b.c()), a.sym().adv());
                } else if (a.sym() != null && b.sym() == null && b.c() == null && a.sym().kind() != Kind.ENTRY) {
                    sym = new Sym(a.sym().kind(), a.sym().delta(), true);
                }
                if (!(flags && i.rd == 31)) set(s, i.rd, new Val(r, r != null ? "arith" : "arith on " + a.from() + ", " + b.from(), sym));
            }
            case Op.AND_I, Op.ORR_I, Op.EOR_I, Op.ANDS_I -> {
                Val a = reg(s, i.rn);
                Long r = null;
                if (a.c() != null) {
                    r = mask(i.sf, switch (i.op) {
                        case Op.AND_I, Op.ANDS_I -> a.c() & i.imm;
                        case Op.ORR_I -> a.c() | i.imm;
                        default -> a.c() ^ i.imm;
                    });
                }
                if (i.op == Op.ANDS_I) {
                    if (r != null) {
                        flagsNz(s, r, i.sf);
                        s.cf = false;
                        s.v = false;
                    } else {
                        flagsUnknown(s);
                    }
                }
                Sym sym = null;
                if (i.op == Op.AND_I && i.sf && i.imm == PAGE_MASK && a.sym() != null && a.sym().kind() == Kind.ENTRY) sym = new Sym(Kind.ADDR, 0, false);
                if (i.op == Op.ORR_I && i.rn == 31) r = mask(i.sf, i.imm);
                if (!(i.op == Op.ANDS_I && i.rd == 31)) set(s, i.rd, new Val(r, r != null ? (i.rn == 31 ? "mov #0x" + Long.toHexString(r) : a.from()) : "logic on " + a.from(), sym));
            }
            case Op.LOG_R -> {
                int opc = i.aux >> 1;
                boolean inv = (i.aux & 1) != 0;
                Val a = reg(s, i.rn);
                Val b = reg(s, i.rm);
                // mov xd, xm (orr xd, xzr, xm)
                if (opc == 1 && !inv && i.rn == 31 && i.aux2 == 0) {
                    set(s, i.rd, b.c() != null && !i.sf ? Val.of(mask(false, b.c()), b.from()) : b);
                    return true;
                }
                Long r = null;
                if (a.c() != null && b.c() != null) {
                    long bb = shift(b.c(), (int) i.imm, i.aux2, i.sf);
                    if (inv) bb = ~bb;
                    r = mask(i.sf, switch (opc) {
                        case 0, 3 -> a.c() & bb;
                        case 1 -> a.c() | bb;
                        default -> a.c() ^ bb;
                    });
                }
                if (opc == 3) {
                    if (r != null) {
                        flagsNz(s, r, i.sf);
                        s.cf = false;
                        s.v = false;
                    } else {
                        flagsUnknown(s);
                    }
                    if (i.rd == 31) return true;
                }
                Sym sym = opc == 0 && inv && a.sym() != null && a.sym().kind() == Kind.DEST ? a.sym() : null;   // bic: align down
                long zero = 0;
                if (r == null && opc == 0 && i.aux2 == 0) zero = a.zero() | (b.c() != null ? (inv ? b.c() : ~b.c()) : 0);
                set(s, i.rd, r != null ? new Val(r, "logic", sym) : new Val(null, "logic on " + a.from() + ", " + b.from(), sym, zero));
            }
            case Op.UBFM, Op.SBFM, Op.BFM -> {
                Val a = reg(s, i.rn);
                Val d = reg(s, i.rd);
                int w = i.sf ? 64 : 32;
                Long r = null;
                if (a.c() != null && (i.op != Op.BFM || d.c() != null)) {
                    long bot = ror(mask(i.sf, a.c()), i.aux, w) & i.imm;
                    r = switch (i.op) {
                        case Op.UBFM -> bot & i.imm2;
                        case Op.SBFM -> {
                            long top = ((a.c() >>> i.aux2) & 1) != 0 ? -1L : 0;
                            yield mask(i.sf, (top & ~i.imm2) | (bot & i.imm2));
                        }
                        default -> {
                            long b2 = (d.c() & ~i.imm) | (ror(mask(i.sf, a.c()), i.aux, w) & i.imm);
                            yield mask(i.sf, (d.c() & ~i.imm2) | (b2 & i.imm2));
                        }
                    };
                    r = mask(i.sf, r);
                }
                set(s, i.rd, new Val(r, r != null ? "bitfield" : "bitfield of " + a.from(), null));
            }
            case Op.SHIFTV -> {
                Val a = reg(s, i.rn);
                Val b = reg(s, i.rm);
                Long r = a.c() != null && b.c() != null ? shift(a.c(), i.aux, (int) (b.c() & (i.sf ? 63 : 31)), i.sf) : null;
                set(s, i.rd, new Val(r, r != null ? "shift" : "shift of " + a.from() + " by " + b.from(), null));
            }
            case Op.CSEL -> {
                Boolean c = cond(i.aux, s);
                Val a = reg(s, i.rn);
                Val b = reg(s, i.rm);
                if (c == null) {
                    set(s, i.rd, Val.unknown("csel on unknown flags"));
                } else if (c) {
                    set(s, i.rd, a);
                } else {
                    Long r = b.c() == null ? null : mask(i.sf, switch (i.aux2) {
                        case 0 -> b.c();
                        case 1 -> b.c() + 1;
                        case 2 -> ~b.c();
                        default -> -b.c();
                    });
                    set(s, i.rd, new Val(r, b.from(), i.aux2 == 0 ? b.sym() : null));
                }
            }
            case Op.ADR, Op.ADRP -> set(s, i.rd, Val.unknown("adr (a PC-relative address)"));
            case Op.MRS -> {
                SysRegId r = redirect(SysRegId.values()[i.aux]);
                Long v = r == SysRegId.CCSIDR_EL1 || r == SysRegId.CLIDR_EL1 ? null : s.sys.get(r);
                if (r == SysRegId.CURRENTEL) v = (long) entry.el() << 2;
                set(s, i.rd, new Val(v, "mrs " + r.asmName(), null));
            }
            case Op.DP1 -> {
                Val a = reg(s, i.rn);
                set(s, i.rd, Val.unknown("clz/rbit/rev of " + a.from()));
            }
            default -> {
                return false;
            }
        }
        return true;
    }

    private static Sym moved(Sym s, long by) {
        return s.kind() == Kind.KIMAGE ? new Sym(Kind.KIMAGE, s.delta() + by, s.adv())
                : s.kind() == Kind.ADDR ? new Sym(Kind.ADDR, s.delta() + by, true)
                : s.kind() == Kind.ENTRY ? null : new Sym(s.kind(), s.delta(), true);
    }

    static Boolean cond(int code, St s) {
        if (code >= 14) return true;
        if (s.n == null || s.z == null || s.cf == null || s.v == null) {
            // conditions on Z alone can still be decided
            if ((code >> 1) == 0 && s.z != null) return (code & 1) == 0 ? s.z : !s.z;
            return null;
        }
        return Cond.holds(code, s.n, s.z, s.cf, s.v);
    }

    static Boolean taken(Insn i, St s) {
        return switch (i.op) {
            case Op.BCOND -> cond(i.aux, s);
            case Op.CBZ, Op.CBNZ -> {
                Val a = reg(s, i.rd);
                if (a.c() == null) yield null;
                boolean zero = mask(i.sf, a.c()) == 0;
                yield i.op == Op.CBZ ? zero : !zero;
            }
            case Op.TBZ, Op.TBNZ -> {
                Val a = reg(s, i.rd);
                if (a.c() == null) yield null;
                boolean set = ((a.c() >>> i.aux) & 1) != 0;
                yield i.op == Op.TBNZ ? set : !set;
            }
            default -> null;
        };
    }

    static String condFrom(Insn i, St s) {
        return switch (i.op) {
            case Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ -> "x" + i.rd + " = " + reg(s, i.rd).from();
            default -> "flags";
        };
    }

    // ---- the relocation loop ------------------------------------------------------------------------

    /** One event of a path through the loop body. */
    record Ev(String what, int k, String op) {}

    /** Where a path through the loop body ends. */
    record End(String how, int target, St state, List<Ev> events) {}

    /**
     * Reads the relocation loop from its header: one path per entry kind (and, when the code tests IND_DONE at
     * the top, one for an entry just loaded), each checked against the shape the spec's copy_loop describes.
     */
    private final class LoopReader {
        final St pre;
        St after;
        final BitSet written = new BitSet(32);
        int ptrReg = -1;
        int destReg = -1;
        Long delta;

        LoopReader(St pre) {
            this.pre = pre;
        }

        ProgramUnsupported bad(int k, String why) {
            return new ProgramUnsupported(cfg.where(k) + ": " + why + " (in the relocation loop at "
                    + String.format("%s+0x%x", code.entry().name(), off(reloc.header())) + ")");
        }

        int read() throws ProgramUnsupported {
            Val head = reg(pre, entryReg);
            if (!"KIMAGE_HEAD".equals(head.from())) {
                throw bad(reloc.header(), "the loop's entry register x" + entryReg + " holds " + head.from() + " when the loop starts, not kimage->head");
            }
            Insn el = cfg.at(entryLoadAt);
            ptrReg = el.rn;
            if (el.op != Op.LDST_POST || el.imm != 8 || el.aux != 3) {
                throw bad(entryLoadAt, "the entry load is not ldr xN, [ptr], #8");
            }
            for (ControlFlow.Loop l : cfg.loops()) {
                if (!reloc.encloses(l)) continue;
                BitSet b = l.body();
                for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
                    if (isStore(cfg.at(k))) {
                        if (destReg >= 0 && destReg != cfg.at(k).rn) throw bad(k, "stores through two base registers");
                        destReg = cfg.at(k).rn;
                    }
                }
            }
            St h = pre.copy();
            h.x[ptrReg] = new Val(null, "ptr", new Sym(Kind.PTR, 0, false));
            if (destReg >= 0) h.x[destReg] = new Val(null, "dest", new Sym(Kind.DEST, 0, false));
            Map<String, List<End>> paths = new LinkedHashMap<>();
            for (String kind : List.of("src", "ind", "dest")) {
                long flags = switch (kind) {
                    case "src" -> KimageList.IND_SOURCE;
                    case "ind" -> KimageList.IND_INDIRECTION;
                    default -> KimageList.IND_DESTINATION;
                };
                St s = h.copy();
                s.x[entryReg] = new Val(null, "entry", new Sym(Kind.ENTRY, flags, false));
                paths.put(kind, explore(reloc.header(), s, new ArrayList<>(), true));
            }
            boolean needFresh = paths.values().stream().flatMap(List::stream).anyMatch(e -> e.how().equals("header-fresh"));
            if (needFresh) {
                St s = h.copy();
                s.x[entryReg] = new Val(null, "entry", new Sym(Kind.ENTRY, -1, false));
                paths.put("loaded", explore(reloc.header(), s, new ArrayList<>(), true));
            }
            return check(paths);
        }

        /** Follows one path from {@code k}; forks on IND_DONE of an entry just loaded. */
        List<End> explore(int k, St s, List<Ev> ev, boolean first) throws ProgramUnsupported {
            for (int n = 0; n < 10_000; n++) {
                if (!first && k == reloc.header()) {
                    Sym e = reg(s, entryReg).sym();
                    return List.of(new End(e != null && e.kind() == Kind.ENTRY && e.delta() == -1 ? "header-fresh" : "header", k, s, ev));
                }
                first = false;
                if (!reloc.contains(k)) return List.of(new End("exit", k, s, ev));
                ControlFlow.Loop inner = innerAt(k);
                if (inner != null) {
                    k = summarize(inner, s, ev);
                    continue;
                }
                Insn i = cfg.at(k);
                noteWrites(i);
                if (alu(i, s, k)) {
                    k++;
                    continue;
                }
                switch (i.op) {
                    case Op.NOP, Op.DMB, Op.DSB, Op.ISB -> k++;
                    case Op.B -> k = cfg.target(k);
                    case Op.TBZ, Op.TBNZ, Op.CBZ, Op.CBNZ, Op.BCOND -> {
                        Val a = i.op == Op.BCOND ? null : reg(s, i.rd);
                        Sym e = a == null ? null : a.sym();
                        if ((i.op == Op.TBZ || i.op == Op.TBNZ) && e != null && e.kind() == Kind.ENTRY) {
                            if (i.aux >= 4) throw bad(k, "a test of bit " + i.aux + " of the entry (the flags are bits 0..3)");
                            long flags = e.delta();
                            if (flags < 0) {
                                if (i.aux != 2) return List.of(new End("dispatch", k, s, ev));
                                if (flags == -2) throw bad(k, "IND_DONE tested twice");
                                List<End> both = new ArrayList<>();
                                for (boolean done : new boolean[] {true, false}) {
                                    St c = s.copy();
                                    c.x[i.rd] = new Val(null, "entry", new Sym(Kind.ENTRY, done ? KimageList.IND_DONE : -2, false));
                                    List<Ev> ce = new ArrayList<>(ev);
                                    ce.add(new Ev(done ? "done" : "not-done", k, null));
                                    boolean t = (i.op == Op.TBNZ) == done;
                                    both.addAll(explore(t ? cfg.target(k) : k + 1, c, ce, false));
                                }
                                return both;
                            }
                            boolean set = ((flags >>> i.aux) & 1) != 0;
                            k = (i.op == Op.TBNZ) == set ? cfg.target(k) : k + 1;
                        } else {
                            Boolean t = taken(i, s);
                            if (t == null) throw bad(k, "a branch on " + condFrom(i, s) + ", which is neither an entry flag nor known");
                            k = t ? cfg.target(k) : k + 1;
                        }
                    }
                    case Op.LDST_POST -> {
                        if (k != entryLoadAt) throw bad(k, "a load the spec's loop has no word for");
                        Val b = reg(s, i.rn);
                        if (b.sym() == null || (b.sym().kind() != Kind.PTR && b.sym().kind() != Kind.ADDR)) {
                            throw bad(k, "the entry load reads through " + b.from() + ", not the list pointer");
                        }
                        if (b.sym().kind() == Kind.ADDR) noteDelta(k, b.sym());
                        ev.add(new Ev("entry-load", k, null));
                        set(s, i.rn, new Val(null, "ptr", new Sym(Kind.PTR, 0, true)));
                        set(s, i.rd, new Val(null, "entry", new Sym(Kind.ENTRY, -1, false)));
                        k++;
                    }
                    case Op.SYS -> {
                        SysOp op = SysOp.values()[i.aux];
                        if (op.kind() != SysOp.Kind.DC || !op.takesAddress()) throw bad(k, op.text() + " inside the loop (not in the spec's loop)");
                        dc(i, s, k, ev);
                        k++;
                    }
                    default -> throw bad(k, Op.name(i.op) + " inside the loop (not in the spec's loop)");
                }
            }
            throw bad(k, "a path through the loop body that does not come round");
        }

        ControlFlow.Loop innerAt(int k) {
            ControlFlow.Loop best = null;
            for (ControlFlow.Loop l : cfg.loops()) {
                if (l.header() == k && reloc.encloses(l) && (best == null || l.body().cardinality() > best.body().cardinality())) best = l;
            }
            return best;
        }

        void noteWrites(Insn i) {
            switch (i.op) {
                case Op.B, Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ, Op.NOP, Op.DSB, Op.DMB, Op.ISB, Op.SYS -> { }
                case Op.PAIR -> {
                    if (i.aux2 == 1) {
                        written.set(i.rd);
                        written.set(i.rm);
                    }
                    if (i.imm2 == 1 || i.imm2 == 3) written.set(i.rn);
                }
                case Op.LDST_POST, Op.LDST_PRE -> {
                    written.set(i.rn);
                    if (i.aux2 != 0) written.set(i.rd);
                }
                default -> {
                    if (!isStore(i)) written.set(i.rd);
                }
            }
        }

        void noteDelta(int k, Sym addr) throws ProgramUnsupported {
            if (delta == null) delta = addr.delta();
            else if (delta != addr.delta()) throw bad(k, String.format("entry addresses used with two offsets (0x%x, 0x%x)", delta, addr.delta()));
        }

        void dc(Insn i, St s, int k, List<Ev> ev) throws ProgramUnsupported {
            Val a = reg(s, i.rd);
            if (a.sym() == null || a.sym().kind() != Kind.DEST || a.sym().adv()) {
                throw bad(k, "cache maintenance on " + a.from() + ", not on the page the copy wrote");
            }
            ev.add(new Ev("dc", k, SysOp.values()[i.aux].opName()));
        }

        /** An inner loop as one event: the copy (stores to dest, loads from the entry's page) or a dc loop. */
        int summarize(ControlFlow.Loop l, St s, List<Ev> ev) throws ProgramUnsupported {
            if (l.exits().size() != 1) throw bad(l.header(), "an inner loop with " + l.exits().size() + " exits");
            St in = s.copy();
            boolean stores = false;
            boolean loads = false;
            String dcOp = null;
            BitSet b = l.body();
            for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
                Insn i = cfg.at(k);
                noteWrites(i);
                if (isStore(i)) {
                    Val d = reg(in, i.rn);
                    if (d.sym() == null || d.sym().kind() != Kind.DEST || d.sym().adv()) throw bad(k, "a store through " + d.from() + ", not the destination");
                    stores = true;
                } else if (isLoad(i) || (i.op == Op.PAIR && i.aux2 == 1)) {
                    Val a = reg(in, i.rn);
                    if (a.sym() == null || a.sym().kind() != Kind.ADDR || a.sym().adv()) throw bad(k, "a load through " + a.from() + ", not the source page");
                    noteDelta(k, a.sym());
                    loads = true;
                } else if (i.op == Op.SYS) {
                    SysOp op = SysOp.values()[i.aux];
                    if (op.kind() != SysOp.Kind.DC || !op.takesAddress()) throw bad(k, op.text() + " inside the loop (not in the spec's loop)");
                    Val a = reg(in, i.rd);
                    if (a.sym() == null || a.sym().kind() != Kind.DEST || a.sym().adv()) throw bad(k, "cache maintenance on " + a.from() + ", not on the page the copy wrote");
                    if (dcOp != null && !dcOp.equals(op.opName())) throw bad(k, "two kinds of maintenance in one loop");
                    dcOp = op.opName();
                } else {
                    switch (i.op) {
                        case Op.NOP, Op.DSB, Op.DMB, Op.ISB, Op.B, Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ -> { }
                        default -> {
                            if (!isArith(i)) throw bad(k, Op.name(i.op) + " inside the loop (not in the spec's loop)");
                        }
                    }
                }
            }
            if (stores && dcOp != null) throw bad(l.header(), "copy and cache maintenance in one inner loop");
            if (stores && !loads) throw bad(l.header(), "a loop that stores without reading the source page");
            if (stores) ev.add(new Ev("copy", l.header(), null));
            else if (dcOp != null) ev.add(new Ev("dc", l.header(), dcOp));
            else if (loads) throw bad(l.header(), "a loop that reads the source without storing");
            // registers the inner loop writes: moved on (if they had a symbol), else unknown
            for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
                Insn i = cfg.at(k);
                for (int r : writes(i)) {
                    Val v = reg(s, r);
                    set(s, r, v != null && v.sym() != null ? new Val(null, v.from() + " (moved on)", new Sym(v.sym().kind(), v.sym().delta(), true))
                            : Val.unknown("written in a loop"));
                }
            }
            flagsUnknown(s);
            return l.exits().get(0);
        }

        boolean isArith(Insn i) {
            return switch (i.op) {
                case Op.MOVZ, Op.MOVN, Op.MOVK, Op.ADD_I, Op.ADDS_I, Op.SUB_I, Op.SUBS_I, Op.ADD_R, Op.ADDS_R, Op.SUB_R, Op.SUBS_R,
                     Op.AND_I, Op.ORR_I, Op.EOR_I, Op.ANDS_I, Op.LOG_R, Op.UBFM, Op.SBFM, Op.BFM, Op.SHIFTV, Op.CSEL -> true;
                default -> false;
            };
        }

        int[] writes(Insn i) {
            return switch (i.op) {
                case Op.PAIR -> i.aux2 == 1 ? (i.imm2 == 1 || i.imm2 == 3 ? new int[] {i.rd, i.rm, i.rn} : new int[] {i.rd, i.rm})
                        : (i.imm2 == 1 || i.imm2 == 3 ? new int[] {i.rn} : new int[0]);
                case Op.LDST_POST, Op.LDST_PRE -> i.aux2 != 0 ? new int[] {i.rd, i.rn} : new int[] {i.rn};
                case Op.LDST_U, Op.LDST_UNSCALED, Op.LDST_REG -> i.aux2 != 0 ? new int[] {i.rd} : new int[0];
                default -> isArith(i) && !((i.op == Op.ADDS_I || i.op == Op.SUBS_I || i.op == Op.ADDS_R || i.op == Op.SUBS_R || i.op == Op.ANDS_I) && i.rd == 31)
                        ? new int[] {i.rd} : new int[0];
            };
        }

        int check(Map<String, List<End>> paths) throws ProgramUnsupported {
            int exit = -1;
            String cmo = "none";
            List<String> parts = new ArrayList<>();
            for (Map.Entry<String, List<End>> p : paths.entrySet()) {
                String kind = p.getKey();
                for (End e : p.getValue()) {
                    List<String> seq = e.events().stream().map(Ev::what).toList();
                    int load = seq.indexOf("entry-load");
                    if (kind.equals("loaded")) {
                        if (!seq.isEmpty() && !seq.get(0).equals("done") && !seq.get(0).equals("not-done")) {
                            throw bad(e.events().get(0).k(), "an entry just loaded is used before its IND_DONE bit is tested");
                        }
                    } else if (load < 0) {
                        throw bad(reloc.header(), "the path of an " + kind + " entry reads no next entry");
                    } else if (seq.subList(0, load).contains("done")) {
                        throw bad(reloc.header(), "the path of an " + kind + " entry leaves before reading the next entry");
                    }
                    if (e.how().equals("exit")) {
                        if (!seq.contains("done") || seq.indexOf("done") != seq.size() - 1) {
                            throw bad(e.target(), "the loop is left by a path that is not IND_DONE (" + kind + ": " + seq + ")");
                        }
                        if (exit >= 0 && exit != e.target()) throw bad(e.target(), "the loop has two exits");
                        exit = e.target();
                        continue;
                    }
                    if (seq.contains("done")) throw bad(e.target(), "an IND_DONE entry does not leave the loop");
                    if (kind.equals("loaded")) continue;
                    List<String> body = seq.subList(0, load);
                    Val ptr = reg(e.state(), ptrReg);
                    switch (kind) {
                        case "src" -> {
                            int c = body.indexOf("copy");
                            if (c < 0 || body.lastIndexOf("copy") != c) throw bad(reloc.header(), "the IND_SOURCE path does not copy one page (" + body + ")");
                            if (body.subList(0, c).contains("dc")) {
                                throw bad(e.events().get(body.indexOf("dc")).k(), "cache maintenance before the copy (the spec maintains the page after it)");
                            }
                            for (Ev x : e.events().subList(c + 1, load)) {
                                if (!x.what().equals("dc")) continue;
                                if (!cmo.equals("none") && !cmo.equals(x.op())) throw bad(x.k(), "two kinds of maintenance after the copy");
                                cmo = x.op();
                            }
                            if (!List.of("none", "civac", "ivac", "cvac").contains(cmo)) throw bad(reloc.header(), "dc " + cmo + " (the spec has civac, ivac, cvac)");
                            parts.add(String.format("IND_SOURCE: copy +0x%x", off(e.events().get(c).k())));
                            if (!cmo.equals("none")) {
                                for (Ev x : e.events()) if (x.what().equals("dc")) parts.add(String.format("dc %s +0x%x", x.op(), off(x.k())));
                            }
                        }
                        case "ind" -> {
                            if (!body.isEmpty()) throw bad(reloc.header(), "the IND_INDIRECTION path does " + body);
                            parts.add("IND_INDIRECTION: ptr = x" + ptrReg);
                        }
                        default -> {
                            if (!body.isEmpty()) throw bad(reloc.header(), "the IND_DESTINATION path does " + body);
                            Val d = destReg < 0 ? null : reg(e.state(), destReg);
                            if (d == null || d.sym() == null || d.sym().kind() != Kind.ADDR) throw bad(reloc.header(), "the IND_DESTINATION path does not set the copy destination");
                            noteDelta(reloc.header(), d.sym());
                            parts.add("IND_DESTINATION: dest = x" + destReg);
                        }
                    }
                    if (ptr.sym() == null || ptr.sym().kind() != Kind.PTR) throw bad(entryLoadAt, "the list pointer is lost on the " + kind + " path");
                }
            }
            if (exit < 0) throw bad(reloc.header(), "no path leaves the loop on IND_DONE");
            if (delta == null) throw bad(reloc.header(), "no entry address is used");
            parts.add(String.format("IND_DONE: exit to +0x%x", off(exit)));
            after = pre.copy();
            for (int r = written.nextSetBit(0); r >= 0; r = written.nextSetBit(r + 1)) after.x[r] = Val.unknown("written in the relocation loop");
            after.x[entryReg] = new Val((long) KimageList.IND_DONE, "entry (IND_DONE)", new Sym(Kind.ENTRY, KimageList.IND_DONE, false));
            flagsUnknown(after);
            String src = String.format("%s+0x%x..0x%x: relocation loop (%s; data at entry page %s)", code.entry().name(), off(reloc.body().nextSetBit(0)),
                    off(reloc.body().length() - 1), String.join(", ", parts), delta == 0 ? "+ 0 (identity)" : String.format("+ 0x%x (a linear map)", delta));
            out.add(new DerivedProgram.RelocationLoop(cmo, delta, parts, off(reloc.header()), src));
            return exit;
        }
    }

    // ---- the EL2 vectors ----------------------------------------------------------------------------

    /** What the vector at +0x400 does with the caller's x0: "new kernel" (br to the caller's x1), "eret", "spins". */
    private String stubOutcome(DesignCode.Blob vec, Long x0, St caller) throws ProgramUnsupported {
        return slot(vec, 0x400, x0, caller);
    }

    private Map<Integer, String> vectorSlots(DesignCode.Blob vec) throws ProgramUnsupported {
        Map<Integer, String> m = new LinkedHashMap<>();
        St none = new St();
        for (int r = 0; r < 32; r++) none.x[r] = Val.unknown("x" + r);
        String same = slot(vec, 0x200, null, none);
        if (!same.equals("spins")) throw new ProgramUnsupported(vec.name() + "+0x200 (synchronous, current EL): " + same + " (the spec knows a spinning slot here)");
        m.put(0x200, "b .");
        St call = new St();
        for (int r = 0; r < 32; r++) call.x[r] = Val.unknown("x" + r);
        call.x[1] = Val.unknown("caller x1");
        String soft = slot(vec, 0x400, null, call);
        m.put(0x400, soft.equals("spins") ? "b ." : "el1_sync");
        return m;
    }

    /** Follows the vector slot at {@code slotOff} (from the table base) for an HVC with {@code x0}. */
    private String slot(DesignCode.Blob vec, int slotOff, Long x0, St caller) throws ProgramUnsupported {
        ControlFlow vc = new ControlFlow(vec, vec.entryOffset() + slotOff);
        St s = caller.copy();
        s.x[0] = x0 == null ? Val.unknown("x0") : Val.of(x0, "x0");
        Val x1 = s.x[1];
        int k = (vec.entryOffset() + slotOff) / 4;
        Map<Integer, String> seen = new HashMap<>();
        for (int n = 0; n < 4096; n++) {
            if (k < 0 || k >= vc.size()) return "leaves the vector table";
            String key = s.key();
            if (key.equals(seen.get(k))) return "spins";
            seen.put(k, key);
            Insn i = vc.at(k);
            if (alu(i, s, k)) {
                k++;
                continue;
            }
            switch (i.op) {
                case Op.NOP, Op.ISB, Op.DSB, Op.DMB -> k++;
                case Op.MSR -> k++;
                case Op.B -> {
                    k = vc.target(k);
                }
                case Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ -> {
                    Boolean t = taken(i, s);
                    if (t == null) {
                        if (x0 == null) return "depends on x0";
                        return "a branch on an unknown value at " + vc.where(k);
                    }
                    k = t ? vc.target(k) : k + 1;
                }
                case Op.BR -> {
                    return reg(s, i.rn) == x1 ? "new kernel" : "br to " + reg(s, i.rn).from() + " at " + vc.where(k);
                }
                case Op.ERET -> {
                    return "eret at " + vc.where(k);
                }
                default -> {
                    return Op.name(i.op) + " at " + vc.where(k);
                }
            }
        }
        return "does not end";
    }
}
