package org.kexecverify.model.verdict;

/** The named properties a kexec relocation design must satisfy: the product's vocabulary. */
public enum Obligation {
    REGISTERS_VALID("RES0/RES1 respected, no reserved encodings, T0SZ in range, PS covers every table and output address, TTBR aligned"),
    IDMAP_COVERS_CODE("every instruction executed after the MMU-on write translates VA==PA, executable in the active regime, Normal memory"),
    VECTORS_EXECUTABLE("the vector entries that can be taken at the current EL translate and are executable, so a fault cannot loop"),
    DATA_ACCESSIBLE("entry lists and sources readable, destinations writable, at the addresses the code uses"),
    NO_CLOBBER("no copy overwrites a page still needed: tables, code, vectors, lists, unread sources, kimage fields not yet read"),
    NO_HANG_AFTER_MMU_ON("from the SCTLR write, execution always reaches the jump to the new kernel"),
    COHERENT_HANDOFF("when the new kernel starts with the MMU off, every destination line is clean to PoC and the I-cache holds nothing stale"),
    TLB_CLEAN_BEFORE_ENABLE("no stale TLB entry can translate an access after the enable"),
    ENTRY_EL_PRESERVED("the new kernel starts at the EL the old one booted at (entered at EL1 after an EL2 boot, the new kernel silently has no hypervisor: no KVM)");

    private final String meaning;

    Obligation(String meaning) { this.meaning = meaning; }

    public String meaning() { return meaning; }

    /** Whether deciding it needs the design's code (every obligation but the register check does). */
    public boolean readsProgram() { return this != REGISTERS_VALID; }

    /**
     * The verdicts an engine may give for a plan: where the scenario's code is missing, every obligation that reads
     * the program is INCONCLUSIVE with the reason, whatever the engine computed from the tables alone.
     */
    public static java.util.List<Verdict> gate(org.kexecverify.model.plan.RelocationPlan plan, java.util.List<Verdict> vs) {
        String why = plan.scenario().code().reason();
        if (why.isEmpty()) return vs;
        java.util.List<Verdict> out = new java.util.ArrayList<>();
        for (Verdict v : vs) {
            out.add(v.obligation().readsProgram() ? new Verdict.Inconclusive(v.obligation(), "no code to judge: " + why, v.stats()) : v);
        }
        return out;
    }
}
