package org.kexecverify.emulator.qemu;

import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.WalkOptions;

/**
 * A generated MMU-enable case, in kernel vocabulary: the regime the code runs in, the TCR / SCTLR /
 * MAIR choices, the placement (PA == VA) of the code page, the VBAR vector page, the data page and
 * the translation tables, the descriptor attributes of each page, and the program's steps after
 * {@code msr sctlr_elx}: BRK through VBAR, load, store. {@code tlbi} puts {@code tlbi alle2} /
 * {@code tlbi vmalle1} before the enable.
 *
 * <p>{@code walkOptions} is the explicit answer to the architecture's CONSTRAINED UNPREDICTABLE
 * choices for this case (instruction fetch from Device memory): the model is asked to take the
 * same choice the implementation under test documents.
 *
 * @param t0sz      TCR_ELx.T0SZ
 * @param ps        TCR_EL2.PS (E2H=0) or TCR_ELx.IPS encoding
 * @param mair      MAIR_ELx
 * @param leafLevel level of the leaf descriptors: 3 (4 KB page), 2 (2 MB block), 1 (1 GB block)
 */
public record QemuCase(
        int id,
        Regime regime,
        Cpu cpu,
        boolean wxn,
        boolean caches,
        int t0sz,
        int ps,
        long mair,
        int leafLevel,
        long codePa,
        long vectorPa,
        long dataPa,
        long tablesPa,
        PageSpec code,
        PageSpec vector,
        PageSpec data,
        boolean brk,
        boolean read,
        boolean write,
        boolean tlbi,
        WalkOptions walkOptions) {

    public QemuCase {
        if (regime == Regime.EL2_0 && cpu != Cpu.MAX) {
            throw new IllegalArgumentException("case " + id + ": VHE (el2h) needs -cpu max (FEAT_VHE)");
        }
        if (leafLevel < 1 || leafLevel > 3) {
            throw new IllegalArgumentException("case " + id + ": leaf level " + leafLevel + " outside 1..3");
        }
    }

    /** One line that, with the seed, identifies the case in a failure report. */
    public String describe() {
        return String.format("#%d %s cpu=%s T0SZ=%d PS=%d MAIR=0x%016x leaf=L%d%s%s code@0x%x[%s] vbar@0x%x[%s]"
                        + " data@0x%x[%s] tables@0x%x ops=%s%s%s%s",
                id, regime.cliName(), cpu.qemuName(), t0sz, ps, mair, leafLevel, wxn ? " WXN" : "", caches ? " C+I" : "",
                codePa, code, vectorPa, vector, dataPa, data, tablesPa,
                tlbi ? "tlbi," : "", brk ? "brk," : "", read ? "ldr," : "", write ? "str" : "");
    }
}
