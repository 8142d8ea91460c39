package org.kexecverify.model.program;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;

/**
 * Which struct kimage fields the relocation code reads, and whether a read can come after a store (the copy loop has
 * begun, so a destination may already cover struct kimage: Linux eb3d8ea3e1f0, 2022). Found by a forward dataflow over
 * the code's {@link ControlFlow}: at entry x0 holds the struct kimage pointer; a register keeps "kimage + k" through
 * {@code mov}, {@code add/sub #imm}; any other write loses it. A load whose base holds "kimage + k" reads the field at
 * {@code k + offset}; a store anywhere sets "stored" on every path through it.
 *
 * <pre>
 *   state per offset: reg[0..30] in {kimage + k, unknown}, stored in {no, maybe}   (joined: unknown / maybe win)
 * </pre>
 */
public final class KimageReads {
    /** One load from struct kimage: where in the code, which byte offset of the struct, and its field name. */
    public record Read(int codeOffset, long structOffset, String field, boolean afterStore) {}

    private static final long UNKNOWN = Long.MIN_VALUE;

    private KimageReads() {}

    public static List<Read> of(DesignCode code) {
        ControlFlow cfg = new ControlFlow(code.entry());
        int n = cfg.size();
        long[][] regs = new long[n][];
        boolean[] stored = new boolean[n];
        Deque<Integer> work = new ArrayDeque<>();
        long[] entry = new long[31];
        Arrays.fill(entry, UNKNOWN);
        entry[0] = 0; // x0 = struct kimage *
        int start = code.entry().entryOffset() / 4;
        regs[start] = entry;
        work.add(start);
        List<Read> reads = new ArrayList<>();
        while (!work.isEmpty()) {
            int i = work.poll();
            long[] in = regs[i];
            Insn insn = cfg.at(i);
            long[] out = in.clone();
            boolean st = stored[i] || isStore(insn);
            step(insn, out);
            for (int j : cfg.succ(i)) {
                if (regs[j] == null) {
                    regs[j] = out.clone();
                    stored[j] = st;
                    work.add(j);
                } else {
                    boolean changed = false;
                    for (int r = 0; r < 31; r++) {
                        if (regs[j][r] != out[r] && regs[j][r] != UNKNOWN) {
                            regs[j][r] = UNKNOWN;
                            changed = true;
                        }
                    }
                    if (st && !stored[j]) {
                        stored[j] = true;
                        changed = true;
                    }
                    if (changed) work.add(j);
                }
            }
        }
        for (int i = 0; i < n; i++) {
            if (regs[i] == null) continue;
            Insn insn = cfg.at(i);
            long off = loadOffset(insn, regs[i]);
            if (off != UNKNOWN) {
                String f = code.offsets().fieldAt(off);
                reads.add(new Read(4 * i, off, f == null ? String.format("struct kimage+%d", off) : f, stored[i]));
            }
        }
        return reads;
    }

    /** True when some path reads a struct kimage field after a store. */
    public static boolean readAfterStore(DesignCode code) {
        return of(code).stream().anyMatch(Read::afterStore);
    }

    static boolean isStore(Insn in) {
        return switch (in.op) {
            case Op.LDST_U, Op.LDST_PRE, Op.LDST_POST, Op.LDST_UNSCALED, Op.LDST_REG -> in.aux2 == 0;
            case Op.PAIR -> in.aux2 == 0;
            default -> false;
        };
    }

    /** The struct kimage offset a load reads, or UNKNOWN. */
    static long loadOffset(Insn in, long[] r) {
        if (in.rn == 31) return UNKNOWN;
        long base = r[in.rn];
        if (base == UNKNOWN) return UNKNOWN;
        return switch (in.op) {
            case Op.LDST_U, Op.LDST_UNSCALED, Op.LDST_PRE -> in.aux2 != 0 ? base + in.imm : UNKNOWN;
            case Op.LDST_POST -> in.aux2 != 0 ? base : UNKNOWN;
            case Op.PAIR -> in.aux2 != 0 ? base + (in.imm2 == 1 ? 0 : in.imm) : UNKNOWN;
            default -> UNKNOWN;
        };
    }

    /** The abstract effect of {@code in} on the registers. */
    static void step(Insn in, long[] r) {
        switch (in.op) {
            case Op.ADD_I, Op.SUB_I -> {
                long b = in.rn == 31 ? UNKNOWN : r[in.rn];
                set(r, in.rd, b == UNKNOWN || !in.sf ? UNKNOWN : in.op == Op.ADD_I ? b + in.imm : b - in.imm);
            }
            case Op.LOG_R -> {
                // mov xd, xm is orr xd, xzr, xm (no shift)
                boolean mov = in.rn == 31 && in.aux2 == 0 && in.aux == 2 && in.sf;
                set(r, in.rd, mov && in.rm != 31 ? r[in.rm] : UNKNOWN);
            }
            case Op.LDST_PRE, Op.LDST_POST -> {
                if (in.rn != 31) set(r, in.rn, r[in.rn] == UNKNOWN ? UNKNOWN : r[in.rn] + in.imm);
                if (in.aux2 != 0) set(r, in.rd, UNKNOWN);
            }
            case Op.LDST_U, Op.LDST_UNSCALED, Op.LDST_REG, Op.LDR_LIT -> {
                if (in.aux2 != 0) set(r, in.rd, UNKNOWN);
            }
            case Op.PAIR -> {
                if (in.imm2 != 0 && in.rn != 31) set(r, in.rn, r[in.rn] == UNKNOWN ? UNKNOWN : r[in.rn] + in.imm);
                if (in.aux2 != 0) {
                    set(r, in.rd, UNKNOWN);
                    set(r, in.rm, UNKNOWN);
                }
            }
            case Op.B, Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ, Op.BR, Op.RET, Op.ERET, Op.NOP, Op.DSB, Op.DMB, Op.ISB, Op.MSR, Op.MSR_IMM,
                    Op.SYS, Op.HVC, Op.SVC, Op.SMC, Op.BRK, Op.WFI -> {
            }
            case Op.BL, Op.BLR -> Arrays.fill(r, UNKNOWN);
            default -> set(r, in.rd, UNKNOWN);
        }
    }

    private static void set(long[] r, int rd, long v) {
        if (rd >= 0 && rd < 31) r[rd] = v;
    }
}
