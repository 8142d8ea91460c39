package org.kexecverify.emulator.qemu;

import org.kexecverify.model.reg.DecodedRegister;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.FaultKind;

/**
 * The verdict every engine gives for one case, and that they must agree on: the program ran to
 * its end (OK), took one synchronous exception whose handler ran (EXCEPTION with the ESR exception
 * class, fault status code and the faulting page), or got stuck in an exception loop (HANG).
 */
public sealed interface Outcome {

    record Ok() implements Outcome {
        @Override
        public String toString() {
            return "OK";
        }
    }

    /**
     * @param ec      ESR_ELx.EC (0x21 / 0x25 for Instruction / Data Abort without a change of EL)
     * @param fsc     IFSC / DFSC
     * @param farPage FAR_ELx with the page offset cleared (the offset of a fetch fault depends on
     *                which instruction after {@code msr sctlr} first sees the new regime)
     */
    record Exception(int ec, int fsc, long farPage) implements Outcome {
        public FaultKind kind() {
            return FaultKind.fromFsc(fsc);
        }

        /** EC and FSC only, for histograms. */
        public String shape() {
            return String.format("EC=0x%x/FSC=0x%02x", ec, fsc);
        }

        public int level() {
            return fsc & 3;
        }

        @Override
        public String toString() {
            return String.format("EXCEPTION(EC=0x%x %s, FSC=0x%02x %s, FAR page 0x%x)", ec,
                    Layouts.exceptionClass(ec), fsc, Layouts.faultStatus(fsc), farPage);
        }
    }

    /** Trapped through a vector slot no MMU fault of the case program uses (a harness or engine bug). */
    record Unexpected(String what) implements Outcome {
    }

    record Hang() implements Outcome {
        @Override
        public String toString() {
            return "HANG";
        }
    }

    /**
     * Reads QEMU's raw report through the ESR layout of the case's regime. A trap through a vector
     * slot other than "current EL, SP_ELx, synchronous" cannot be an MMU fault of this program and
     * is kept as an exception with its raw class so that it shows up as a disagreement.
     */
    static Outcome fromRaw(RawOutcome raw, Regime regime) {
        if (raw instanceof RawOutcome.Completed) {
            return new Ok();
        }
        if (raw instanceof RawOutcome.Hung) {
            return new Hang();
        }
        RawOutcome.Trapped t = (RawOutcome.Trapped) raw;
        SysReg esrReg = regime.el() == 1 ? SysReg.ESR_EL1 : SysReg.ESR_EL2;
        DecodedRegister d = Layouts.of(esrReg, regime).decode(t.esr(), regime);
        int ec = (int) d.field("EC").value();
        int fsc = -1;
        if (d.fields().stream().anyMatch(f -> f.field().name().equals("IFSC"))) {
            fsc = (int) d.field("IFSC").value();
        } else if (d.fields().stream().anyMatch(f -> f.field().name().equals("DFSC"))) {
            fsc = (int) d.field("DFSC").value();
        }
        if (t.slot() != RawOutcome.VectorSlot.CURRENT_EL_SPX_SYNC) {
            return new Unexpected(t + ": " + Layouts.exceptionClass(ec));
        }
        return new Exception(ec, fsc, t.far() & ~(org.kexecverify.model.mem.PhysicalMemory.PAGE_SIZE - 1));
    }
}
