package org.kexecverify.tla.program;

import java.util.List;
import java.util.Map;
import org.kexecverify.model.a64.SysOp;
import org.kexecverify.model.a64.SysRegId;

/**
 * What the relocation code does, in the terms the TLA+ spec has words for, in program order, as
 * {@link ProgramDerivation} read it from the decoded machine code. Every step names its place
 * ({@code arm64_relocate_new_kernel+0x108: hvc #0}).
 *
 * @param steps       the straight-line steps, with the relocation loop as one step
 * @param vectorSlots for the vectors blob: slot offset (0x200, 0x400) to what it does ("b .", "el1_sync")
 * @param describe    one line: version, symbol, size, digest
 */
public record DerivedProgram(List<Step> steps, Map<Integer, String> vectorSlots, String describe) {
    public DerivedProgram {
        steps = List.copyOf(steps);
        vectorSlots = Map.copyOf(vectorSlots);
    }

    /** One step; {@code offset} is the byte offset from the entry symbol, {@code src} its text. */
    public sealed interface Step {
        int offset();

        String src();
    }

    /** {@code ldr xN, [x0, #OFF]}: a struct kimage field (the asm-offsets name). */
    public record KimageLoad(String field, int offset, String src) implements Step {}

    /**
     * {@code msr REG, xN} with the value when the derivation knows it (null: not known), the bits known to be 0
     * when it does not (the code cleared them with bic), and where it came from.
     */
    public record SysRegWrite(SysRegId reg, Long value, long knownZero, String from, int offset, String src) implements Step {}

    public record Isb(int offset, String src) implements Step {}

    public record Dsb(String domain, int offset, String src) implements Step {}

    public record Tlbi(SysOp op, int offset, String src) implements Step {}

    /** IC IALLU / IALLUIS. */
    public record IcInvalidateAll(SysOp op, int offset, String src) implements Step {}

    /**
     * The relocation loop: walks the entry list from kimage->head; for IND_SOURCE copies a page from the entry's
     * address to the destination register, then applies {@code cmo} ("civac", "ivac", "cvac" or "none") by VA over
     * the page just written. Data addresses are the entry's page plus {@code delta} (0: identity; else the linear map).
     */
    public record RelocationLoop(String cmo, long delta, List<String> parts, int offset, String src) implements Step {
        public RelocationLoop {
            parts = List.copyOf(parts);
        }
    }

    /** {@code hvc #imm}, with x0 (the function id) and what the vector at VBAR_EL2+0x400 does with it. */
    public record Hvc(long imm, Long x0, String stub, int offset, String src) implements Step {}

    /** A branch to the new image ({@code br xN} with xN = kimage->start). */
    public record BranchToNewKernel(String from, int offset, String src) implements Step {}

    /**
     * A loop nest of DC set/way operations ({@code op}: cisw, csw, isw) over the sets and ways the code computes
     * from CCSIDR_EL1: it reaches the lines of the cache levels it visits and never a system cache.
     */
    public record DcSetWay(String op, int offset, String src) implements Step {}

    /** A loop the PE never leaves and that does nothing: {@code b .}, or a multi-instruction spin. */
    public record Spin(int offset, String src) implements Step {}
}
