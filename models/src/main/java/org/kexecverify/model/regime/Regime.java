package org.kexecverify.model.regime;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A stage-1 translation regime: which registers control it, how many VA ranges it has, and how
 * each descriptor bit is read.
 *
 * <pre>
 *   regime   HCR_EL2.E2H  VA ranges            bit 54 (PTE_UXN)   bit 53 (PTE_PXN)   AP[1] (PTE_USER)
 *   EL1&0    -            TTBR0_EL1/TTBR1_EL1  EL0 execute-never  EL1 execute-never  EL0 access
 *   EL2      0            TTBR0_EL2 only       XN (the only one)  RES0, ignored      RES1, ignored
 *   EL2&0    1            TTBR0_EL2/TTBR1_EL2  EL0 execute-never  EL2 execute-never  EL0 access
 * </pre>
 */
public enum Regime {
    /** The EL1&amp;0 regime: a kernel at EL1. */
    EL1_0("el1", "EL1&0", 1, true),
    /** The non-VHE EL2 regime (HCR_EL2.E2H=0): one VA range, one privilege level. */
    EL2("el2", "EL2 (E2H=0)", 2, false),
    /** The EL2&amp;0 regime (VHE, HCR_EL2.E2H=1): TCR_EL2 takes the TCR_EL1 layout. */
    EL2_0("el2h", "EL2&0 (VHE)", 2, true);

    private final String cliName;
    private final String displayName;
    private final int el;
    private final boolean twoRanges;

    Regime(String cliName, String displayName, int el, boolean twoRanges) {
        this.cliName = cliName;
        this.displayName = displayName;
        this.el = el;
        this.twoRanges = twoRanges;
    }

    public String cliName() { return cliName; }

    public String displayName() { return displayName; }

    /** The exception level whose translations this regime performs (privileged side). */
    public int el() { return el; }

    public boolean hasTwoRanges() { return twoRanges; }

    /** True when the regime has a single privilege level (AP[1] RES1, PXN RES0, bit 54 = XN). */
    public boolean singlePrivilege() { return !twoRanges; }

    /** The register-name suffix that the regime's control registers carry. */
    public String suffix() { return el == 1 ? "_EL1" : "_EL2"; }

    public static Regime parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT);
        for (Regime r : values()) {
            if (r.cliName.equals(k) || r.name().equalsIgnoreCase(k)) return r;
        }
        switch (k) {
            case "el1&0": case "el10": return EL1_0;
            case "el2&0": case "el20": case "vhe": return EL2_0;
            case "nvhe": return EL2;
            default:
                throw new IllegalArgumentException("unknown regime '" + s + "' (expected one of "
                        + Arrays.stream(values()).map(Regime::cliName).collect(Collectors.joining(", ")) + ")");
        }
    }

    @Override
    public String toString() { return displayName; }
}
