package org.kexecverify.smt.walk;

import org.kexecverify.model.reg.Field;

/**
 * Bit fields of a virtual address that the stage-1 walk reads outside any register: the range
 * select bit (VA[55] picks TTBR0 or TTBR1 in two-range regimes) and the top byte that TBI
 * ignores. The models write these as literals inside {@code Walker}; until they have a field
 * table of their own, this is the one place the SMT encoding names them.
 */
public final class VaBits {
    private VaBits() {}

    /** VA[55]: 0 selects TTBR0_ELx, 1 selects TTBR1_ELx (two-range regimes). */
    public static final Field RANGE_SELECT = Field.bit("VA[55]", 55, "TTBR0/TTBR1 range select");
    /** VA[63:56]: ignored for translation when TCR_ELx.TBI/TBIx is set. */
    public static final Field TOP_BYTE = Field.value("VA[63:56]", 63, 56, "top byte (TBI)", org.kexecverify.model.reg.Meaning.NONE);
}
