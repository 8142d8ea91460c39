package org.kexecverify.model.walk;

import org.kexecverify.model.reg.MemoryAttribute;

/**
 * What a successful translation grants, at the regime's privileged level.
 *
 * @param memory     effective memory type (after SCTLR.C/I and the Device-fetch choice)
 * @param leaf       the memory type the descriptor's AttrIndx selects in MAIR (before those overrides)
 * @param mairIndex  AttrIndx of the leaf, or -1 with the MMU off
 * @param readable   privileged read allowed
 * @param writable   privileged write allowed
 * @param executable privileged fetch allowed
 * @param flat       MMU off: PA == VA, no descriptor involved
 */
public record PageAttributes(MemoryAttribute memory, MemoryAttribute leaf, int mairIndex, boolean readable, boolean writable, boolean executable, boolean flat) {
    public String describe() {
        return (flat ? "MMU off, " : "") + memory.describe() + ", " + (readable ? "R" : "-") + (writable ? "W" : "-") + (executable ? "X" : "-");
    }
}
