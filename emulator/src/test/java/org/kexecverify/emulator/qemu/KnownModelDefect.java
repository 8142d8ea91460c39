package org.kexecverify.emulator.qemu;

import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.WalkStep;

/**
 * Disagreements between QEMU and the model that were traced to the model and settled against the
 * Arm ARM, with the models change that removes them. A disagreement is attributed to one of these
 * only when its walk shows exactly the documented pattern; every other disagreement fails the
 * differential test. Delete an entry when the models fix lands (the pattern then stops occurring).
 */
enum KnownModelDefect {

    /**
     * The implicit PXN of an EL0-writable page (AP[2:1] = 0b01) must be judged on the permissions
     * after the hierarchical APTable bits are applied: Arm ARM AArch64.TranslationTableWalk()
     * computes {@code perms.ap<2> = ap<2> OR ap_table<1>} and, outside single-privilege regimes,
     * {@code perms.ap<1> = ap<1> AND NOT(ap_table<0>)}, before AArch64.CheckPermission() derives
     * "EL0-writable implies PXN". QEMU does the same (target/arm/ptw.c get_phys_addr_lpae():
     * {@code attrs &= ~(APT[0] << 6); attrs |= APT[1] << 7;} before get_S1prot()). The model's
     * Walker tests the leaf's AP[2:1] alone, so it faults a fetch that QEMU (and the architecture)
     * allows.
     */
    IMPLICIT_PXN_IGNORES_APTABLE("models Walker: implicit PXN (AP[2:1]=0b01) ignores APTable[1]/APTable[0] "
            + "of the table entries above the leaf") {
        @Override
        boolean explains(ModelOracle.Prediction model) {
            for (Translation t : model.walks()) {
                if (t instanceof Translation.Fault f && f.reason().contains("implicitly PXN")) {
                    for (WalkStep s : f.steps()) {
                        if (s.kind() == WalkStep.Kind.TABLE && (DescriptorBits.AP_TABLE1.get(s.descriptor()) != 0
                                || DescriptorBits.AP_TABLE0.get(s.descriptor()) != 0)) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }
    };

    private final String summary;

    KnownModelDefect(String summary) {
        this.summary = summary;
    }

    String summary() {
        return summary;
    }

    /** True when the model's walks show this defect's pattern. */
    abstract boolean explains(ModelOracle.Prediction model);

    static KnownModelDefect classify(ModelOracle.Prediction model) {
        for (KnownModelDefect d : values()) {
            if (d.explains(model)) {
                return d;
            }
        }
        return null;
    }
}
