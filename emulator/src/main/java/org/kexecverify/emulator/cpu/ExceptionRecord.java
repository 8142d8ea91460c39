package org.kexecverify.emulator.cpu;

/**
 * One synchronous exception the machine took: where from, the syndrome it wrote, and the vector it went to,
 * with {@code cause} in kernel terms (e.g. "instruction abort: PERMISSION fault level 3 on VA 0x..: PTE bit 54 = XN at EL2").
 */
public record ExceptionRecord(long step, int fromEl, int toEl, long elr, long esr, long far, boolean farValid,
                              long vbar, int vectorOffset, String cause) {
    public int ec() {
        return (int) (esr >>> 26) & 0x3f;
    }

    public long vectorAddress() {
        return vbar + vectorOffset;
    }

    /** e.g. {@code VBAR_EL2+0x200}. */
    public String vectorName() {
        return String.format("VBAR_EL%d+0x%03x", toEl, vectorOffset);
    }

    /** Same exception: same target, vector, syndrome, fault address and return address. */
    boolean sameAs(ExceptionRecord o) {
        return o != null && toEl == o.toEl && vectorAddress() == o.vectorAddress() && esr == o.esr && far == o.far && elr == o.elr;
    }

    @Override
    public String toString() {
        return String.format("step %d: %s taken from EL%d to EL%d, ESR_EL%d=0x%08x (EC 0x%02x)%s, ELR_EL%d=0x%x -> %s (0x%x)",
                step, cause, fromEl, toEl, toEl, esr, ec(), farValid ? String.format(", FAR_EL%d=0x%x", toEl, far) : "", toEl, elr,
                vectorName(), vectorAddress());
    }
}
