package org.kexecverify.model.program;

import java.util.List;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;

/**
 * What one run of a design's code touched with the MMU on: every page fetched, read or written (by VA and the PA it
 * reached, in which regime), and every exception taken (which vector entry). The ground for the regions the model
 * and smt engines prove, so that those come from the program, not from a builder's idea of it.
 *
 * @param touches          pages accessed with stage-1 translation on, in first-touch order, one per (regime, VA page, access)
 * @param exceptions       exceptions taken, in order (the design's own HVCs and any fault)
 * @param reachedNewKernel the run reached kimage->start
 * @param end              how the run ended, in words ("reached the new image at 0x42000000", "HANG (FAULT_LOOP) ...")
 */
public record ProgramFootprint(List<Touch> touches, List<Taken> exceptions, boolean reachedNewKernel, String end) {
    public ProgramFootprint {
        touches = List.copyOf(touches);
        exceptions = List.copyOf(exceptions);
    }

    /**
     * One page accessed with the MMU on; {@code pa} is -1 when the access faulted.
     *
     * @param ttbr the translation table base in force for the VA (TTBR0 or TTBR1 of the regime), to match the plan's phase
     */
    public record Touch(Regime regime, long ttbr, long vaPage, long paPage, AccessType access) {}

    /**
     * One exception: the EL it was taken to, that EL's VBAR and the vector offset (0x200 current EL with SPx,
     * 0x400 lower EL AArch64), the exception class and why (in words).
     */
    public record Taken(int toEl, long vbar, int offset, int ec, String why) {}
}
