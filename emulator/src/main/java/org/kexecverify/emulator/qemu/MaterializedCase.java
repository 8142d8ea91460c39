package org.kexecverify.emulator.qemu;

import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * A {@link QemuCase} made concrete once, from which every engine reads: the register view and
 * table memory the model walks, and the {@link BareMetalCase} harness.S runs (its table pages are
 * dumped from the same {@code memory}, so QEMU and the model walk identical bytes).
 *
 * @param regs   the register view of the case's regime, SCTLR with M set
 * @param memory RAM of the QEMU machine with the case's translation tables written in it
 * @param bare   what harness.S needs
 */
public record MaterializedCase(QemuCase spec, TranslationRegs regs, PhysicalMemory memory, BareMetalCase bare) {

    /** VBAR_ELx + 0x200: the vector entry a synchronous exception from the current EL with SP_ELx takes. */
    public long syncVectorVa() {
        return spec.vectorPa() + CaseMaterializer.CURRENT_EL_SPX_SYNC_OFFSET;
    }
}
