package org.kexecverify.model.walk;

import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Meaning;

/** The bits of a virtual address the walk reads before indexing tables. */
public final class VaFields {
    private VaFields() {}

    /** VA[55] selects TTBR0 (0) or TTBR1 (1) in two-range regimes. */
    public static final Field RANGE_SELECT = Field.bit("VA[55]", 55, "VA range select", Meaning.flag("TTBR1 (upper) range", "TTBR0 (lower) range"));
    /** VA[63:56], ignored with TBI. */
    public static final Field TOP_BYTE = Field.value("VA[63:56]", 63, 56, "top byte (tag)", Meaning.NONE);
}
