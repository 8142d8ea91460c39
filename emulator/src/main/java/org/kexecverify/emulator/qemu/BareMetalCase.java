package org.kexecverify.emulator.qemu;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One case as harness.S runs it: every system-register value already computed (by the caller,
 * from the model's field tables), the physical pages to lay down before the run (translation
 * tables), and where the code and vector templates go. All mappings the case relies on are
 * identity (VA == PA), like the kexec idmap: the code page is entered with the MMU off at
 * {@code codePa} and keeps running at the same address after {@code msr sctlr_elx}.
 *
 * @param mode       how the case is entered (EL2, EL2 with VHE, EL1 by ERET)
 * @param hcr        HCR_EL2 while the case runs
 * @param sctlrOn    SCTLR_ELx written by the code page (M set)
 * @param sctlrOff   SCTLR_ELx with the MMU off (written before entry and after the result)
 * @param vectorPa   VBAR_ELx value; the vector template page is copied to this address
 * @param codePa     entry point; the code template page is copied to this address
 * @param dataVa     address the code page loads from / stores to
 * @param tablePages 4 KB pages (translation tables) keyed by physical address
 */
public record BareMetalCase(
        EntryMode mode,
        long hcr,
        long sctlrOn,
        long sctlrOff,
        long tcr,
        long mair,
        long ttbr0,
        long ttbr1,
        long vectorPa,
        long codePa,
        long dataVa,
        boolean read,
        boolean write,
        boolean brk,
        boolean tlbi,
        Map<Long, byte[]> tablePages) {

    public static final int PAGE = 4096;

    public BareMetalCase {
        Objects.requireNonNull(mode, "mode");
        if ((codePa & (PAGE - 1)) != 0 || (vectorPa & (PAGE - 1)) != 0) {
            throw new IllegalArgumentException("code and vector pages must be 4 KB aligned: code=0x"
                    + Long.toHexString(codePa) + " vector=0x" + Long.toHexString(vectorPa));
        }
        TreeMap<Long, byte[]> copy = new TreeMap<>();
        for (Map.Entry<Long, byte[]> e : tablePages.entrySet()) {
            if ((e.getKey() & (PAGE - 1)) != 0 || e.getValue().length != PAGE) {
                throw new IllegalArgumentException("table page at 0x" + Long.toHexString(e.getKey())
                        + " must be a 4 KB aligned 4 KB page");
            }
            copy.put(e.getKey(), e.getValue().clone());
        }
        tablePages = java.util.Collections.unmodifiableMap(copy);
    }
}
