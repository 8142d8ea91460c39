package org.kexecverify.smt;

import java.util.List;
import java.util.OptionalLong;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.smt.placement.PlacementPlan;

/**
 * What the SMT engine decides obligations over: the regime and registers in force after the MMU-on
 * write, the memory holding the tables, the regions the relocation touches, the vector base and
 * the vector offsets that can be taken, and (optionally) the relocation's placement plan.
 *
 * @param vectorOffsets offsets from VBAR of the vector entries that can be taken (e.g. 0x200:
 *                      synchronous, current EL with SP_ELx), each 0x80 bytes
 */
public record SmtInput(String name, TranslationRegs regs, PhysicalMemory mem, List<Region> regions, OptionalLong vbar,
                       List<Long> vectorOffsets, WalkOptions walkOptions, PlacementPlan placement) {

    /** Synchronous exception from the current EL with SP_ELx: a fault in the relocation code itself. */
    public static final long VECTOR_CURRENT_EL_SPX_SYNC = 0x200;
    /** Size of one vector entry (32 instructions). */
    public static final long VECTOR_ENTRY_SIZE = 0x80;

    public SmtInput {
        regions = List.copyOf(regions);
        vectorOffsets = List.copyOf(vectorOffsets);
    }

    public SmtInput withRegs(TranslationRegs r) {
        return new SmtInput(name, r, mem, regions, vbar, vectorOffsets, walkOptions, placement);
    }

    public SmtInput withMem(PhysicalMemory m) {
        return new SmtInput(name, regs, m, regions, vbar, vectorOffsets, walkOptions, placement);
    }

    public SmtInput withPlacement(PlacementPlan p) {
        return new SmtInput(name, regs, mem, regions, vbar, vectorOffsets, walkOptions, p);
    }

    public SmtInput withVbar(long v) {
        return new SmtInput(name, regs, mem, regions, OptionalLong.of(v), vectorOffsets, walkOptions, placement);
    }
}
