package org.kexecverify.model.program;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.kexecverify.model.a64.Decoder;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;


/**
 * The control-flow graph of one code blob, at instruction granularity, and its natural loops.
 *
 * <pre>
 *   bytes --Decoder.decode, once--> insn[k] (k = offset / 4)
 *   succ(k): fall-through, branch target (inside the blob), none for br/ret/eret/undefined
 *   dominators from the entry (iterative), back edge u -> h when h dominates u,
 *   loop(h) = h + every node that reaches a back-edge source without passing h
 * </pre>
 *
 * A loop nests in another when its body is a subset of the other's. Nothing here knows what a
 * kexec design is: the relocation loop, the copy and the cache maintenance are found by
 * {@link ProgramDerivation} from what the loops contain.
 */
public final class ControlFlow {
    /** A natural loop: its header, every instruction index in it, and the exit edges' targets. */
    public record Loop(int header, BitSet body, List<Integer> exits) {
        public boolean contains(int k) {
            return body.get(k);
        }

        /** True if {@code other} lies inside this loop and is not this loop. */
        public boolean encloses(Loop other) {
            BitSet b = (BitSet) other.body.clone();
            b.andNot(body);
            return b.isEmpty() && other.header != header;
        }
    }

    private final DesignCode.Blob blob;
    private final Insn[] insn;
    private final int[][] succ;
    private final List<Loop> loops;

    public ControlFlow(DesignCode.Blob blob) {
        this(blob, blob.entryOffset());
    }

    /** The graph of {@code blob} with loops found from byte offset {@code start} (e.g. one vector slot). */
    public ControlFlow(DesignCode.Blob blob, int start) {
        this.blob = blob;
        int n = blob.size() / 4;
        insn = new Insn[n];
        succ = new int[n][];
        for (int k = 0; k < n; k++) insn[k] = Decoder.decode(blob.word(k * 4));
        for (int k = 0; k < n; k++) succ[k] = successors(k);
        loops = findLoops(start / 4);
    }

    public DesignCode.Blob blob() {
        return blob;
    }

    public int size() {
        return insn.length;
    }

    public Insn at(int k) {
        return insn[k];
    }

    public int[] succ(int k) {
        return succ[k];
    }

    public List<Loop> loops() {
        return loops;
    }

    /** The innermost loop with header {@code k}, or null. */
    public Loop loopAt(int k) {
        for (Loop l : loops) if (l.header() == k) return l;
        return null;
    }

    /** {@code symbol+0xOFF: text}. */
    public String where(int k) {
        return String.format("%s+0x%x: %s", blob.name(), k * 4 - blob.entryOffset(), org.kexecverify.model.a64.A64Text.of(insn[k], k * 4 - blob.entryOffset()));
    }

    /** The branch target index of {@code k} (relative branches only), or -1 when it leaves the blob. */
    public int target(int k) {
        long t = k + insn[k].imm / 4;
        return t >= 0 && t < insn.length ? (int) t : -1;
    }

    private int[] successors(int k) {
        Insn i = insn[k];
        int next = k + 1 < insn.length ? k + 1 : -1;
        return switch (i.op) {
            case Op.B -> pack(target(k));
            case Op.BL -> pack(next, target(k));   // a call: the callee's loops are found too, its ret ends there
            case Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ -> pack(next, target(k));
            case Op.BR, Op.BLR, Op.RET, Op.ERET, Op.UNDEF, Op.BRK -> new int[0];
            default -> pack(next);
        };
    }

    private static int[] pack(int... xs) {
        return java.util.Arrays.stream(xs).filter(x -> x >= 0).distinct().toArray();
    }

    private List<Loop> findLoops(int entry) {
        int n = insn.length;
        // reachable nodes in reverse post-order
        List<Integer> order = new ArrayList<>();
        BitSet seen = new BitSet(n);
        dfs(entry, seen, order);
        java.util.Collections.reverse(order);
        BitSet reach = seen;
        BitSet[] dom = new BitSet[n];
        for (int k = 0; k < n; k++) {
            dom[k] = new BitSet(n);
            if (k == entry) dom[k].set(k);
            else dom[k].or(reach);
        }
        List<List<Integer>> pred = new ArrayList<>();
        for (int k = 0; k < n; k++) pred.add(new ArrayList<>());
        for (int k : order) for (int s : succ[k]) pred.get(s).add(k);
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int k : order) {
                if (k == entry) continue;
                BitSet d = new BitSet(n);
                d.or(reach);
                for (int p : pred.get(k)) if (reach.get(p)) d.and(dom[p]);
                d.set(k);
                if (!d.equals(dom[k])) {
                    dom[k] = d;
                    changed = true;
                }
            }
        }
        List<Loop> out = new ArrayList<>();
        java.util.Map<Integer, BitSet> bodies = new java.util.TreeMap<>();
        for (int u : order) {
            for (int h : succ[u]) {
                if (!dom[u].get(h)) continue;
                BitSet body = bodies.computeIfAbsent(h, x -> {
                    BitSet b = new BitSet(n);
                    b.set(x);
                    return b;
                });
                java.util.ArrayDeque<Integer> work = new java.util.ArrayDeque<>();
                if (!body.get(u)) {
                    body.set(u);
                    work.push(u);
                }
                while (!work.isEmpty()) {
                    int m = work.pop();
                    for (int p : pred.get(m)) {
                        if (reach.get(p) && !body.get(p)) {
                            body.set(p);
                            work.push(p);
                        }
                    }
                }
            }
        }
        for (var e : bodies.entrySet()) {
            List<Integer> exits = new ArrayList<>();
            BitSet b = e.getValue();
            for (int k = b.nextSetBit(0); k >= 0; k = b.nextSetBit(k + 1)) {
                for (int s : succ[k]) if (!b.get(s) && !exits.contains(s)) exits.add(s);
            }
            out.add(new Loop(e.getKey(), b, List.copyOf(exits)));
        }
        return List.copyOf(out);
    }

    private void dfs(int k, BitSet seen, List<Integer> post) {
        // iterative DFS producing post-order
        java.util.ArrayDeque<int[]> st = new java.util.ArrayDeque<>();
        seen.set(k);
        st.push(new int[] {k, 0});
        while (!st.isEmpty()) {
            int[] top = st.peek();
            int[] ss = succ[top[0]];
            if (top[1] < ss.length) {
                int s = ss[top[1]++];
                if (!seen.get(s)) {
                    seen.set(s);
                    st.push(new int[] {s, 0});
                }
            } else {
                post.add(top[0]);
                st.pop();
            }
        }
    }
}
