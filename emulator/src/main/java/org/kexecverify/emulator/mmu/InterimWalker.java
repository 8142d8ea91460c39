package org.kexecverify.emulator.mmu;

import static org.kexecverify.emulator.arch.ArchFields.D_AF;
import static org.kexecverify.emulator.arch.ArchFields.D_AP;
import static org.kexecverify.emulator.arch.ArchFields.D_APTABLE;
import static org.kexecverify.emulator.arch.ArchFields.D_ATTRINDX;
import static org.kexecverify.emulator.arch.ArchFields.D_OA;
import static org.kexecverify.emulator.arch.ArchFields.D_PXN;
import static org.kexecverify.emulator.arch.ArchFields.D_PXNTABLE;
import static org.kexecverify.emulator.arch.ArchFields.D_TYPE;
import static org.kexecverify.emulator.arch.ArchFields.D_UXN;
import static org.kexecverify.emulator.arch.ArchFields.D_VALID;
import static org.kexecverify.emulator.arch.ArchFields.D_XNTABLE;
import static org.kexecverify.emulator.arch.ArchFields.MMFR0_PARANGE;
import static org.kexecverify.emulator.arch.ArchFields.SCTLR_WXN;
import static org.kexecverify.emulator.arch.ArchFields.TCR2_HA;
import static org.kexecverify.emulator.arch.ArchFields.TCR2_HPD;
import static org.kexecverify.emulator.arch.ArchFields.TCR2_PS;
import static org.kexecverify.emulator.arch.ArchFields.TCR2_T0SZ;
import static org.kexecverify.emulator.arch.ArchFields.TCR2_TBI;
import static org.kexecverify.emulator.arch.ArchFields.TCR2_TG0;
import static org.kexecverify.emulator.arch.ArchFields.TCR_EPD0;
import static org.kexecverify.emulator.arch.ArchFields.TCR_EPD1;
import static org.kexecverify.emulator.arch.ArchFields.TCR_HA;
import static org.kexecverify.emulator.arch.ArchFields.TCR_HPD0;
import static org.kexecverify.emulator.arch.ArchFields.TCR_HPD1;
import static org.kexecverify.emulator.arch.ArchFields.TCR_IPS;
import static org.kexecverify.emulator.arch.ArchFields.TCR_T0SZ;
import static org.kexecverify.emulator.arch.ArchFields.TCR_T1SZ;
import static org.kexecverify.emulator.arch.ArchFields.TCR_TBI0;
import static org.kexecverify.emulator.arch.ArchFields.TCR_TBI1;
import static org.kexecverify.emulator.arch.ArchFields.TCR_TG0;
import static org.kexecverify.emulator.arch.ArchFields.TCR_TG1;

import java.util.ArrayList;
import java.util.List;

/**
 * A stage-1 VMSAv8-64 walk (4 KB granule, 48-bit OA) used until {@code org.kexecverify.model.walk.Walker}
 * is on this branch; it follows the Arm ARM D4/D8 rules summarised in {@code shared/domain/ARM64.md} and QEMU's
 * IMPLEMENTATION DEFINED choices (T0SZ out of range -> level-0 Translation fault). Instruction fetches from
 * Device memory are treated as Normal Non-cacheable (Cortex-A behaviour, also QEMU's).
 *
 * <p>Known simplifications: no FEAT_LPA/LPA2/DS, no 16/64 KB granules (Translation fault with a reason),
 * TCR.HA = 1 treats AF = 0 as accessed without writing the descriptor back, ASIDs/nG are ignored.
 */
public final class InterimWalker implements Translator {
    private static final int[] PA_BITS = {32, 36, 40, 42, 44, 48, 48, 48};

    @Override
    public Translation translate(WalkRegs r, DescriptorReader mem, long va, Access access) {
        List<WalkStep> steps = new ArrayList<>(4);
        TranslationRegime regime = r.regime();
        int inputSize;
        long ttbr;
        boolean hpd;
        boolean ha;
        String base;
        int paBits;
        int parange = (int) Math.min(MMFR0_PARANGE.get(r.idAa64mmfr0()), 7);
        if (regime == TranslationRegime.EL2) {
            int t0sz = (int) TCR2_T0SZ.get(r.tcr());
            boolean tbi = TCR2_TBI.isSet(r.tcr());
            long top = tbi ? (va << 8) >> 8 : va;
            if (t0sz < 16 || t0sz > 39) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps, "TCR_EL2.T0SZ = " + t0sz + " outside 16..39");
            }
            if (TCR2_TG0.get(r.tcr()) != 0) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps, "TCR_EL2.TG0 is not the 4 KB granule (only 4 KB is modelled)");
            }
            inputSize = 64 - t0sz;
            if ((top >>> inputSize) != 0) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps,
                        String.format("VA 0x%x above the %d-bit EL2 input range (TCR_EL2.T0SZ = %d)", va, inputSize, t0sz));
            }
            ttbr = r.ttbr0();
            hpd = TCR2_HPD.isSet(r.tcr());
            ha = TCR2_HA.isSet(r.tcr());
            base = "TTBR0_EL2";
            paBits = PA_BITS[(int) Math.min(TCR2_PS.get(r.tcr()), parange)];
        } else {
            boolean upper = ((va >>> 55) & 1) != 0;
            boolean tbi = upper ? TCR_TBI1.isSet(r.tcr()) : TCR_TBI0.isSet(r.tcr());
            long top = tbi ? (va << 8) >> 8 : va;
            int tsz = (int) (upper ? TCR_T1SZ.get(r.tcr()) : TCR_T0SZ.get(r.tcr()));
            String el = regime == TranslationRegime.EL1_0 ? "EL1" : "EL2";
            String tszName = "TCR_" + el + (upper ? ".T1SZ" : ".T0SZ");
            if (tsz < 16 || tsz > 39) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps, tszName + " = " + tsz + " outside 16..39");
            }
            inputSize = 64 - tsz;
            long expect = upper ? -1L >>> inputSize : 0;
            if ((top >>> inputSize) != expect) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps,
                        String.format("VA 0x%x outside both %s VA ranges (%s = %d)", va, el, tszName, tsz));
            }
            if (upper ? TCR_EPD1.isSet(r.tcr()) : TCR_EPD0.isSet(r.tcr())) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps, "TCR_" + el + (upper ? ".EPD1" : ".EPD0") + " = 1 disables this walk");
            }
            long tg = upper ? TCR_TG1.get(r.tcr()) : TCR_TG0.get(r.tcr());
            if (upper ? tg != 2 : tg != 0) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, 0, steps, "TCR_" + el + (upper ? ".TG1" : ".TG0") + " is not the 4 KB granule (only 4 KB is modelled)");
            }
            ttbr = upper ? r.ttbr1() : r.ttbr0();
            hpd = upper ? TCR_HPD1.isSet(r.tcr()) : TCR_HPD0.isSet(r.tcr());
            ha = TCR_HA.isSet(r.tcr());
            base = (upper ? "TTBR1_" : "TTBR0_") + el;
            paBits = PA_BITS[(int) Math.min(TCR_IPS.get(r.tcr()), parange)];
        }
        int startLevel = 4 - (inputSize - 12 + 8) / 9;
        int startBits = inputSize - 12 - 9 * (3 - startLevel);
        long tableBytes = Math.max(8L << startBits, 64);
        long table = ttbr & 0x0000_ffff_ffff_fffeL & ~(tableBytes - 1);
        if ((table >>> paBits) != 0) {
            return new Translation.Fault(va, FaultKind.ADDRESS_SIZE, 0, steps,
                    String.format("%s base 0x%x beyond the %d-bit output size", base, table, paBits));
        }
        boolean apTableRo = false;
        boolean xnTable = false;
        boolean pxnTable = false;
        for (int level = startLevel; level <= 3; level++) {
            int shift = 12 + 9 * (3 - level);
            int idx = (int) ((va >>> shift) & (level == startLevel ? (1L << startBits) - 1 : 511));
            long da = table + 8L * idx;
            long d;
            try {
                d = mem.read64(da);
            } catch (DescriptorReader.OutsideRam e) {
                return new Translation.Fault(va, FaultKind.EXTERNAL_ON_WALK, level, steps, String.format("level %d descriptor address 0x%x is not RAM", level, da));
            }
            steps.add(new WalkStep(level, table, idx, da, d));
            if (!D_VALID.isSet(d)) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, level, steps, String.format("level %d descriptor invalid (bit 0 = 0)", level));
            }
            boolean tableDesc = D_TYPE.isSet(d);
            if (level < 3 && tableDesc) {
                long next = D_OA.get(d) << 12;
                if ((next >>> paBits) != 0) {
                    return new Translation.Fault(va, FaultKind.ADDRESS_SIZE, level, steps,
                            String.format("level %d next-table address 0x%x beyond the %d-bit output size", level, next, paBits));
                }
                if (!hpd) {
                    apTableRo |= (D_APTABLE.get(d) & 2) != 0;
                    xnTable |= D_XNTABLE.isSet(d);
                    if (regime != TranslationRegime.EL2) {
                        pxnTable |= D_PXNTABLE.isSet(d);
                    }
                }
                table = next;
                continue;
            }
            if (level == 0 || (level == 3 && !tableDesc)) {
                return new Translation.Fault(va, FaultKind.TRANSLATION, level, steps,
                        level == 0 ? "level 0 block descriptor (not allowed with 4 KB granule)" : "level 3 descriptor type 0b01 (reserved)");
            }
            long blockMask = (1L << shift) - 1;
            long oa = (D_OA.get(d) << 12) & ~blockMask;
            if ((oa >>> paBits) != 0) {
                return new Translation.Fault(va, FaultKind.ADDRESS_SIZE, level, steps,
                        String.format("level %d output address 0x%x beyond the %d-bit output size", level, oa, paBits));
            }
            if (!D_AF.isSet(d) && !ha) {
                return new Translation.Fault(va, FaultKind.ACCESS_FLAG, level, steps, String.format("level %d descriptor AF (bit 10) = 0", level));
            }
            long ap = D_AP.get(d);
            boolean writable = (ap & 2) == 0 && !apTableRo;
            String el = regime == TranslationRegime.EL1_0 ? "EL1" : "EL2";
            if (access == Access.WRITE && !writable) {
                String why = (ap & 2) != 0 ? String.format("level %d AP[2] (bit 7) = 1: read-only at %s", level, el)
                        : "APTable[1] (bit 62) of a table descriptor makes the range read-only";
                return new Translation.Fault(va, FaultKind.PERMISSION, level, steps, why);
            }
            if (access == Access.FETCH) {
                boolean wxn = SCTLR_WXN.isSet(r.sctlr()) && writable;
                String why = null;
                if (regime == TranslationRegime.EL2) {
                    if (D_UXN.isSet(d)) {
                        why = String.format("level %d PTE bit 54 = XN at EL2 (single-range regime: bit 54 is the only execute-never bit)", level);
                    } else if (xnTable) {
                        why = "XNTable (bit 60) set in a table descriptor on the path";
                    }
                } else {
                    if (D_PXN.isSet(d)) {
                        why = String.format("level %d PTE bit 53 = PXN at %s", level, el);
                    } else if (pxnTable) {
                        why = "PXNTable (bit 59) set in a table descriptor on the path";
                    } else if (ap == 1) {
                        why = String.format("level %d AP = 0b01 (EL0-writable) implies PXN at %s", level, el);
                    }
                }
                if (why == null && wxn) {
                    why = "SCTLR_" + el + ".WXN = 1 and the page is writable";
                }
                if (why != null) {
                    return new Translation.Fault(va, FaultKind.PERMISSION, level, steps, why);
                }
            }
            int attr = (int) ((r.mair() >>> (8 * D_ATTRINDX.get(d))) & 0xff);
            MemType type = memType(attr);
            if (access == Access.FETCH && type.device()) {
                type = MemType.NORMAL_NC;
            }
            return new Translation.Mapped(va, oa | (va & blockMask), type, steps);
        }
        throw new IllegalStateException("walk fell off level 3");
    }

    /** Decodes a MAIR attribute byte (inner attributes decide cacheability for this single-level model). */
    public static MemType memType(int attr) {
        if ((attr & 0xf0) == 0) {
            return switch ((attr >> 2) & 3) {
                case 0 -> MemType.DEVICE_NGNRNE;
                case 1 -> MemType.DEVICE_NGNRE;
                case 2 -> MemType.DEVICE_NGRE;
                default -> MemType.DEVICE_GRE;
            };
        }
        int inner = attr & 0xf;
        if (inner == 0b0100) {
            return MemType.NORMAL_NC;
        }
        if ((inner & 0b0100) != 0) {
            return MemType.NORMAL_WB;
        }
        return inner == 0 ? MemType.NORMAL_NC : MemType.NORMAL_WT;
    }
}
