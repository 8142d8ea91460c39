package org.kexecverify.model.plan;

import java.util.List;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * One stretch of execution in one regime with fixed translation registers, e.g. "relocate_kernel.S
 * at EL2 after msr sctlr_el2" or "trans_pgd_stub_vectors at EL2, MMU off".
 *
 * @param name       display name
 * @param entryStep  the kernel source step that starts it ({@code relocate_kernel.S: msr sctlr_el2})
 * @param regs       the regime and registers in force
 * @param vbar       VBAR of the phase's exception level
 * @param code       ranges fetched
 * @param data       ranges read or written
 * @param exceptions exceptions the code takes on purpose (HVC), whose vectors must execute
 */
public record Phase(String name, String entryStep, TranslationRegs regs, long vbar, List<Region> code, List<Region> data, List<VectorUse> exceptions) {
    public Phase {
        code = List.copyOf(code);
        data = List.copyOf(data);
        exceptions = List.copyOf(exceptions);
    }

    public String vbarName() {
        return regs.regime().el() == 1 ? "VBAR_EL1" : "VBAR_EL2";
    }
}
