package org.kexecverify.model.reg;

/** Stable diagnostic codes: downstream tools parse these numbers, so they are a contract. */
public enum Diagnostic {
    RES0_SET(1001, Severity.ERROR, "a RES0 bit is set"),
    RES1_CLEAR(1002, Severity.ERROR, "a RES1 bit is clear"),
    RESERVED_ENCODING(1003, Severity.ERROR, "a field holds a reserved encoding"),
    TXSZ_OUT_OF_RANGE(1004, Severity.ERROR, "TxSZ outside the range the granule allows"),
    PS_BEYOND_PARANGE(1005, Severity.WARNING, "PS/IPS larger than ID_AA64MMFR0_EL1.PARange: the smaller size applies"),
    TTBR_MISALIGNED(1006, Severity.ERROR, "TTBR base address not aligned to the size of the start-level table"),
    ADDRESS_BEYOND_PA_SIZE(1007, Severity.ERROR, "an address is wider than the effective physical address size"),
    GRANULE_NOT_MODELLED(1008, Severity.ERROR, "a translation granule other than 4 KB is not modelled"),
    VBAR_MISALIGNED(1009, Severity.ERROR, "VBAR low bits set: the vector table must be 2 KB aligned"),
    WALK_DISABLED(1010, Severity.WARNING, "EPDx set: walks for that VA range fault"),
    ALIGNMENT_CHECKING(1011, Severity.INFO, "SCTLR.A set: every unaligned data access faults"),
    WXN(1012, Severity.INFO, "SCTLR.WXN set: writable mappings are execute-never"),
    LAYOUT_MISMATCH(1013, Severity.WARNING, "value looks written for the other TCR/SCTLR layout"),
    UNSUPPORTED_FEATURE(1014, Severity.WARNING, "a feature the model does not implement is enabled");

    public enum Severity { ERROR, WARNING, INFO }

    private final int number;
    private final Severity severity;
    private final String summary;

    Diagnostic(int number, Severity severity, String summary) {
        this.number = number;
        this.severity = severity;
        this.summary = summary;
    }

    public int number() { return number; }

    public Severity severity() { return severity; }

    public String summary() { return summary; }
}
