package org.kexecverify.model.program;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;
import org.kexecverify.model.mem.PhysicalMemory;

/**
 * How the relocation code leaves: every way out of its entry blob that the values in struct kimage allow, found by a
 * forward dataflow over the code's {@link ControlFlow} in which a register loaded from struct kimage holds that
 * field's value as the plan's memory has it, and a {@code movz}/{@code movn} constant is known. A {@code cbz},
 * {@code cbnz}, {@code tbz} or {@code tbnz} on a known value takes only its side; on anything else both.
 *
 * <pre>
 *   exits:  br / ret / eret ............... leaves at the EL the code runs at (BRANCH)
 *           hvc #0 with x0 = HVC_SOFT_RESTART  enters EL2 and does not return (HVC): the EL2 vector code branches
 *           hvc with x0 unknown ........... both: an HVC exit, and it falls through
 *           hvc with x0 = HVC_SET_VECTORS .. returns (falls through)
 * </pre>
 *
 * The hypercall numbers are the kernel's hyp-stub ABI ({@code arch/arm64/include/asm/virt.h}: HVC_SET_VECTORS 0,
 * HVC_SOFT_RESTART 1), which the copied {@code trans_pgd_stub_vectors} and {@code __hyp_stub_vectors} implement.
 */
public final class ExitLevels {
    /** The kernel's hyp-stub hypercalls (asm/virt.h). */
    public static final long HVC_SET_VECTORS = 0;
    public static final long HVC_SOFT_RESTART = 1;

    /** How an exit leaves. */
    public enum Kind { BRANCH, HVC }

    /**
     * One way out.
     *
     * @param codeOffset   byte offset of the exit instruction in the entry blob
     * @param kind         a branch at the current EL, or an HVC into EL2
     * @param instruction  the instruction, in words
     * @param decidedBy    the struct kimage fields whose values chose the path to it ({@code KIMAGE_ARCH_EL2_VECTORS = 0x0})
     */
    public record Exit(int codeOffset, Kind kind, String instruction, List<String> decidedBy) {
        public Exit {
            decidedBy = List.copyOf(decidedBy);
        }
    }

    private static final long UNKNOWN = Long.MIN_VALUE;

    private ExitLevels() {}

    /**
     * The exits of {@code code} entered with x0 = the struct at {@code structPa} in {@code mem} (struct kimage, or the
     * argument page of a kern_reloc_arg design), in code order.
     */
    public static List<Exit> of(DesignCode code, PhysicalMemory mem, long structPa) {
        ControlFlow cfg = new ControlFlow(code.entry());
        int n = cfg.size();
        // per instruction: ptr[r] = struct offset held, val[r] = value held, src[r] = field a value came from
        long[][] ptr = new long[n][];
        long[][] val = new long[n][];
        String[][] src = new String[n][];
        List<List<String>> why = new ArrayList<>();
        for (int i = 0; i < n; i++) why.add(null);
        Deque<Integer> work = new ArrayDeque<>();
        int start = code.entry().entryOffset() / 4;
        ptr[start] = new long[31];
        val[start] = new long[31];
        src[start] = new String[31];
        Arrays.fill(ptr[start], UNKNOWN);
        Arrays.fill(val[start], UNKNOWN);
        ptr[start][0] = 0;
        why.set(start, List.of());
        work.add(start);
        boolean[] exitAt = new boolean[n];
        boolean[] hvcExit = new boolean[n];
        @SuppressWarnings("unchecked")
        List<String>[] exitWhy = new List[n];
        while (!work.isEmpty()) {
            int i = work.poll();
            Insn in = cfg.at(i);
            long[] p = ptr[i].clone();
            long[] v = val[i].clone();
            String[] s = src[i].clone();
            List<String> decided = why.get(i);
            step(in, p, v, s, code, mem, structPa);
            List<Integer> next = new ArrayList<>();
            String fieldUsed = null;
            int fall = i + 1 < n ? i + 1 : -1;
            switch (in.op) {
                case Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ -> {
                    long x = in.rd == 31 ? 0 : val[i][in.rd];
                    if (x == UNKNOWN) {
                        next.add(cfg.target(i));
                        next.add(fall);
                    } else {
                        boolean z = switch (in.op) {
                            case Op.CBZ -> (in.sf ? x : x & 0xffff_ffffL) == 0;
                            case Op.CBNZ -> (in.sf ? x : x & 0xffff_ffffL) != 0;
                            case Op.TBZ -> ((x >>> in.aux) & 1) == 0;
                            default -> ((x >>> in.aux) & 1) != 0;
                        };
                        next.add(z ? cfg.target(i) : fall);
                        if (in.rd != 31 && src[i][in.rd] != null) fieldUsed = String.format("%s = 0x%x", src[i][in.rd], x);
                    }
                }
                case Op.HVC -> {
                    long x0 = val[i][0];
                    if (x0 != HVC_SET_VECTORS) hvcExit[i] = true;
                    if (x0 != HVC_SOFT_RESTART) next.add(fall);
                }
                case Op.BR, Op.RET, Op.ERET -> exitAt[i] = true;
                default -> {
                    for (int t : cfg.succ(i)) next.add(t);
                }
            }
            List<String> out = decided;
            if (fieldUsed != null && !decided.contains(fieldUsed)) {
                out = new ArrayList<>(decided);
                out.add(fieldUsed);
            }
            if (exitAt[i]) exitWhy[i] = merge(exitWhy[i], out);
            for (int j : next) {
                if (j < 0) continue; // a branch out of the blob: not followed
                if (ptr[j] == null) {
                    ptr[j] = p.clone();
                    val[j] = v.clone();
                    src[j] = s.clone();
                    why.set(j, out);
                    work.add(j);
                } else {
                    boolean changed = false;
                    for (int r = 0; r < 31; r++) {
                        if (ptr[j][r] != p[r] && ptr[j][r] != UNKNOWN) {
                            ptr[j][r] = UNKNOWN;
                            changed = true;
                        }
                        if (val[j][r] != v[r] && val[j][r] != UNKNOWN) {
                            val[j][r] = UNKNOWN;
                            src[j][r] = null;
                            changed = true;
                        }
                    }
                    List<String> m = merge(why.get(j), out);
                    if (!m.equals(why.get(j))) {
                        why.set(j, m);
                        changed = true;
                    }
                    if (changed) work.add(j);
                }
            }
        }
        List<Exit> exits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (ptr[i] == null) continue;
            String text = org.kexecverify.model.a64.A64Text.of(cfg.at(i), 4 * i - code.entry().entryOffset());
            if (hvcExit[i]) exits.add(new Exit(4 * i, Kind.HVC, text, why.get(i)));
            if (exitAt[i]) exits.add(new Exit(4 * i, Kind.BRANCH, text, exitWhy[i] == null ? List.of() : exitWhy[i]));
        }
        return exits;
    }

    private static List<String> merge(List<String> a, List<String> b) {
        if (a == null) return b;
        List<String> m = new ArrayList<>(a);
        for (String x : b) if (!m.contains(x)) m.add(x);
        return m;
    }

    private static void step(Insn in, long[] p, long[] v, String[] s, DesignCode code, PhysicalMemory mem, long structPa) {
        long off = KimageReads.loadOffset(in, p);
        boolean load64 = off != UNKNOWN && in.op != Op.PAIR && in.aux == 3;
        KimageReads.step(in, p);
        switch (in.op) {
            case Op.MOVZ -> set(v, s, in.rd, in.sf ? in.imm : in.imm & 0xffff_ffffL, null);
            case Op.MOVN -> set(v, s, in.rd, in.sf ? ~in.imm : ~in.imm & 0xffff_ffffL, null);
            case Op.LOG_R -> {
                boolean mov = in.rn == 31 && in.aux2 == 0 && in.aux == 2 && in.sf;
                if (mov && in.rm == 31) set(v, s, in.rd, 0, null);
                else if (mov) set(v, s, in.rd, v[in.rm], s[in.rm]);
                else set(v, s, in.rd, UNKNOWN, null);
            }
            case Op.B, Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ, Op.BR, Op.RET, Op.ERET, Op.NOP, Op.DSB, Op.DMB, Op.ISB, Op.MSR, Op.MSR_IMM,
                    Op.SYS, Op.HVC, Op.SVC, Op.SMC, Op.BRK, Op.WFI -> {
            }
            case Op.BL, Op.BLR -> {
                Arrays.fill(v, UNKNOWN);
                Arrays.fill(s, null);
            }
            default -> {
                // every other write (loads included) loses the value; a 64-bit load from the struct gets the field's
                if (in.op == Op.PAIR && in.aux2 != 0) set(v, s, in.rm, UNKNOWN, null);
                if (in.op == Op.LDST_PRE || in.op == Op.LDST_POST || (in.op == Op.PAIR && in.imm2 != 0)) set(v, s, in.rn, UNKNOWN, null);
                if (load64 && isLoad(in)) {
                    String f = code.offsets().fieldAt(off);
                    set(v, s, in.rd, mem.read64(structPa + off), f == null ? String.format("struct+%d", off) : f);
                } else if (writesRd(in)) {
                    set(v, s, in.rd, UNKNOWN, null);
                }
            }
        }
    }

    private static boolean isLoad(Insn in) {
        return switch (in.op) {
            case Op.LDST_U, Op.LDST_PRE, Op.LDST_POST, Op.LDST_UNSCALED -> in.aux2 != 0;
            default -> false;
        };
    }

    private static boolean writesRd(Insn in) {
        return switch (in.op) {
            case Op.LDST_U, Op.LDST_PRE, Op.LDST_POST, Op.LDST_UNSCALED, Op.LDST_REG, Op.PAIR -> in.aux2 != 0;
            default -> true;
        };
    }

    private static void set(long[] v, String[] s, int rd, long x, String from) {
        if (rd >= 0 && rd < 31) {
            v[rd] = x;
            s[rd] = from;
        }
    }
}
