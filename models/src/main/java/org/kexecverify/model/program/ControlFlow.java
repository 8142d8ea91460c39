package org.kexecverify.model.program;

import java.util.ArrayList;
import java.util.List;
import org.kexecverify.model.a64.Decoder;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;

/**
 * The control-flow graph of one blob of A64 code, decoded once: each word's instruction and the byte offsets
 * execution can go to next. {@code br}/{@code ret}/{@code eret} leave the blob (successor -1); a branch whose target
 * lies outside the blob leaves it too. {@code hvc} falls through (HVC_SET_VECTORS returns; HVC_SOFT_RESTART does not,
 * which only adds paths).
 */
public final class ControlFlow {
    public static final int EXIT = -1;

    private final DesignCode.Blob blob;
    private final Insn[] insns;

    public ControlFlow(DesignCode.Blob blob) {
        this.blob = blob;
        this.insns = new Insn[blob.size() / 4];
        for (int i = 0; i < insns.length; i++) insns[i] = Decoder.decode(blob.word(4 * i));
    }

    public DesignCode.Blob blob() {
        return blob;
    }

    public int size() {
        return insns.length;
    }

    /** The instruction at byte offset {@code off}. */
    public Insn at(int off) {
        return insns[off / 4];
    }

    /** Byte offsets execution may continue at after the instruction at {@code off} ({@link #EXIT} for leaving the blob). */
    public List<Integer> successors(int off) {
        Insn in = at(off);
        List<Integer> s = new ArrayList<>(2);
        switch (in.op) {
            case Op.B -> s.add(target(off, in.imm));
            case Op.BCOND, Op.CBZ, Op.CBNZ, Op.TBZ, Op.TBNZ -> {
                s.add(target(off, in.imm));
                s.add(fall(off));
            }
            case Op.BR, Op.RET, Op.ERET -> s.add(EXIT);
            case Op.BL, Op.BLR -> s.add(fall(off)); // a call returns
            default -> s.add(fall(off));
        }
        return s;
    }

    private int fall(int off) {
        return off + 4 < blob.size() ? off + 4 : EXIT;
    }

    private int target(int off, long rel) {
        long t = off + rel;
        return t >= 0 && t < blob.size() && (t & 3) == 0 ? (int) t : EXIT;
    }

    /** Offsets of every branch whose target is at or before it (the loops' back edges), as {from, to}. */
    public List<int[]> backEdges() {
        List<int[]> out = new ArrayList<>();
        for (int off = 0; off < blob.size(); off += 4) {
            for (int t : successors(off)) if (t != EXIT && t <= off) out.add(new int[] {off, t});
        }
        return out;
    }
}
