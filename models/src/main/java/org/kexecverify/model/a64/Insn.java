package org.kexecverify.model.a64;

/**
 * A pre-decoded A64 instruction: the operation and its operands pulled out of the 32-bit word once, so the
 * execute loop only switches on {@link #op}. Field meaning depends on the operation (see {@link Decoder}).
 */
public final class Insn {
    public final int op;
    public final int word;
    public final int rd;
    public final int rn;
    public final int rm;
    public final boolean sf;
    public final int aux;
    public final int aux2;
    public final long imm;
    public final long imm2;

    Insn(int op, int word, int rd, int rn, int rm, boolean sf, int aux, int aux2, long imm, long imm2) {
        this.op = op;
        this.word = word;
        this.rd = rd;
        this.rn = rn;
        this.rm = rm;
        this.sf = sf;
        this.aux = aux;
        this.aux2 = aux2;
        this.imm = imm;
        this.imm2 = imm2;
    }

    static Insn undefined(int word) {
        return new Insn(Op.UNDEF, word, 0, 0, 0, false, 0, 0, 0, 0);
    }

    @Override
    public String toString() {
        return String.format("%08x %s", word, Op.name(op));
    }
}
