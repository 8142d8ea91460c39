package org.kexecverify.emulator.arch;

import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;

/**
 * Every register field the machine reads or writes, taken from the models' field tables
 * ({@link Layouts}, including the ESR_ELx ISS sub-fields {@link Layouts.Iss}); no bit position is spelled
 * here. The one value the models lack is the fault status code of a synchronous External abort outside a
 * table walk.
 */
public final class ArchFields {
    private ArchFields() {
    }

    private static Field f(SysReg r, Regime g, String name) {
        return Layouts.of(r, g).field(name);
    }

    // SCTLR_EL1 and non-VHE SCTLR_EL2 share these positions; read each from its own table
    public static final Field SCTLR_EL1_M = f(SysReg.SCTLR_EL1, Regime.EL1_0, "M");
    public static final Field SCTLR_EL1_A = f(SysReg.SCTLR_EL1, Regime.EL1_0, "A");
    public static final Field SCTLR_EL1_C = f(SysReg.SCTLR_EL1, Regime.EL1_0, "C");
    public static final Field SCTLR_EL1_SA = f(SysReg.SCTLR_EL1, Regime.EL1_0, "SA");
    public static final Field SCTLR_EL1_I = f(SysReg.SCTLR_EL1, Regime.EL1_0, "I");
    public static final Field SCTLR_EL2_M = f(SysReg.SCTLR_EL2, Regime.EL2, "M");
    public static final Field SCTLR_EL2_A = f(SysReg.SCTLR_EL2, Regime.EL2, "A");
    public static final Field SCTLR_EL2_C = f(SysReg.SCTLR_EL2, Regime.EL2, "C");
    public static final Field SCTLR_EL2_SA = f(SysReg.SCTLR_EL2, Regime.EL2, "SA");
    public static final Field SCTLR_EL2_I = f(SysReg.SCTLR_EL2, Regime.EL2, "I");

    public static final Field HCR_E2H = f(SysReg.HCR_EL2, Regime.EL2, "E2H");
    public static final Field HCR_TGE = f(SysReg.HCR_EL2, Regime.EL2, "TGE");
    public static final Field MMFR0_PARANGE = f(SysReg.ID_AA64MMFR0_EL1, Regime.EL1_0, "PARange");

    public static final Field ESR_EC = Layouts.ESR_EC;
    public static final Field ESR_IL = f(SysReg.ESR_EL2, Regime.EL2, "IL");
    public static final Field ESR_ISS = f(SysReg.ESR_EL2, Regime.EL2, "ISS");

    // ISS of Instruction Aborts (EC 0x20/0x21) and Data Aborts (EC 0x24/0x25), from the models' table
    public static final Field ISS_IFSC = Layouts.Iss.IFSC;
    public static final Field ISS_DFSC = Layouts.Iss.DFSC;
    public static final Field ISS_WNR = Layouts.Iss.WNR;
    public static final Field ISS_CM = Layouts.Iss.CM;

    /**
     * IFSC/DFSC of a synchronous External abort that is not on a table walk (an access to a PA with no RAM
     * behind it), Arm ARM D17.2.37: 0b010000. The models' {@code FaultKind} holds only walk outcomes (it has
     * the on-walk form 0b0101xx); this is the one fault status code the machine needs beyond them.
     */
    public static final int SYNC_EXTERNAL_ABORT_FSC = 0b010000;

    public static final Field SPSR_M = f(SysReg.SPSR_EL2, Regime.EL2, "M");
    public static final Field SPSR_M4 = f(SysReg.SPSR_EL2, Regime.EL2, "M4");
    public static final Field SPSR_D = f(SysReg.SPSR_EL2, Regime.EL2, "D");
    public static final Field SPSR_A = f(SysReg.SPSR_EL2, Regime.EL2, "A");
    public static final Field SPSR_I = f(SysReg.SPSR_EL2, Regime.EL2, "I");
    public static final Field SPSR_F = f(SysReg.SPSR_EL2, Regime.EL2, "F");
    public static final Field SPSR_IL = f(SysReg.SPSR_EL2, Regime.EL2, "IL");
    public static final Field SPSR_N = f(SysReg.SPSR_EL2, Regime.EL2, "N");
    public static final Field SPSR_Z = f(SysReg.SPSR_EL2, Regime.EL2, "Z");
    public static final Field SPSR_C = f(SysReg.SPSR_EL2, Regime.EL2, "C");
    public static final Field SPSR_V = f(SysReg.SPSR_EL2, Regime.EL2, "V");

    /** NZCV (4 bits, N high) into SPSR/NZCV-register form. */
    public static long packNzcv(int nzcv) {
        return SPSR_N.set(0, nzcv >> 3 & 1) | SPSR_Z.set(0, nzcv >> 2 & 1) | SPSR_C.set(0, nzcv >> 1 & 1) | SPSR_V.set(0, nzcv & 1);
    }

    public static int unpackNzcv(long v) {
        return (int) (SPSR_N.get(v) << 3 | SPSR_Z.get(v) << 2 | SPSR_C.get(v) << 1 | SPSR_V.get(v));
    }

    /** DAIF (4 bits, D high) into SPSR/DAIF-register form. */
    public static long packDaif(int daif) {
        return SPSR_D.set(0, daif >> 3 & 1) | SPSR_A.set(0, daif >> 2 & 1) | SPSR_I.set(0, daif >> 1 & 1) | SPSR_F.set(0, daif & 1);
    }

    public static int unpackDaif(long v) {
        return (int) (SPSR_D.get(v) << 3 | SPSR_A.get(v) << 2 | SPSR_I.get(v) << 1 | SPSR_F.get(v));
    }
}
