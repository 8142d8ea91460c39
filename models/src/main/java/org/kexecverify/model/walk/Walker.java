package org.kexecverify.model.walk;

import static org.kexecverify.model.desc.DescriptorBits.AF;
import static org.kexecverify.model.desc.DescriptorBits.ADDRESS;
import static org.kexecverify.model.desc.DescriptorBits.AP1;
import static org.kexecverify.model.desc.DescriptorBits.AP2;
import static org.kexecverify.model.desc.DescriptorBits.AP_TABLE0;
import static org.kexecverify.model.desc.DescriptorBits.AP_TABLE1;
import static org.kexecverify.model.desc.DescriptorBits.ATTRINDX;
import static org.kexecverify.model.desc.DescriptorBits.PXN;
import static org.kexecverify.model.desc.DescriptorBits.PXN_TABLE;
import static org.kexecverify.model.desc.DescriptorBits.TYPE;
import static org.kexecverify.model.desc.DescriptorBits.UXN;
import static org.kexecverify.model.desc.DescriptorBits.UXN_TABLE;
import static org.kexecverify.model.desc.DescriptorBits.VALID;

import java.util.ArrayList;
import java.util.List;
import org.kexecverify.model.mem.DescriptorSource;
import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.regime.Regime;

/**
 * The stage-1 table walk, 4 KB granule, levels 0-3, for the EL1&amp;0, EL2 (E2H=0) and EL2&amp;0
 * regimes (Arm ARM DDI 0487 D5 / D8; checks in the architecture's priority order: alignment
 * (SCTLR.A), translation, address size, access flag, permission, Device alignment).
 *
 * <pre>
 *   VA --range select (TTBR0/TTBR1, TxSZ, TBI)--> start level = 4 - ceil((64-TxSZ-12)/9)
 *      --TTBR base (address size check)--> L0 --table--> L1 --table/block--> L2 --table/block--> L3 page
 *      each table entry may restrict below it: APTable, UXNTable/XNTable, PXNTable (not with HPD)
 *      leaf --AF--> permissions per regime --> Mapped(PA, attributes) | Fault(kind, level)
 * </pre>
 */
public final class Walker {
    private Walker() {}

    public static Translation translate(TranslationRegs regs, DescriptorSource mem, long va, AccessType at) {
        return translate(regs, mem, va, at, 1, WalkOptions.DEFAULT);
    }

    public static Translation translate(TranslationRegs regs, DescriptorSource mem, long va, AccessType at, WalkOptions opts) {
        return translate(regs, mem, va, at, 1, opts);
    }

    /**
     * Translates {@code va} for an access of {@code size} bytes (size matters only for alignment).
     */
    public static Translation translate(TranslationRegs regs, DescriptorSource mem, long va, AccessType at, int size, WalkOptions opts) {
        Regime regime = regs.regime();
        boolean misaligned = at.isData() && size > 1 && (va & (size - 1)) != 0;
        List<WalkStep> steps = new ArrayList<>(4);
        int paBits = regs.effectivePaBits();

        if (misaligned && regs.sctlrField("A") != 0) {
            return new Translation.Fault(va, at, FaultKind.ALIGNMENT, 0, steps,
                    regs.sctlrReg() + ".A=1: unaligned " + size + "-byte " + at.words() + " at 0x" + Long.toHexString(va),
                    new WalkContext(regime, null, 0, null, null, 0, 0, -1, "alignment check before translation"));
        }

        if (!regs.mmuOn()) {
            // with the MMU off TCR is not used: the limit is the implemented PA size (PARange)
            int pamax = regs.parangeBits();
            WalkContext ctx = WalkContext.mmuOff(regime, regs.sctlrReg().name());
            if ((va >>> pamax) != 0) {
                return new Translation.Fault(va, at, FaultKind.ADDRESS_SIZE, 0, steps,
                        "MMU off and VA has bits above the implemented " + pamax + "-bit physical address size (ID_AA64MMFR0_EL1.PARange)", ctx);
            }
            MemoryAttribute m;
            if (at == AccessType.FETCH) {
                m = regs.sctlrField("I") != 0 ? MemoryAttribute.NORMAL_WT_MMU_OFF : MemoryAttribute.NORMAL_NC;
            } else {
                m = MemoryAttribute.DEVICE_nGnRnE;
                if (misaligned) {
                    return new Translation.Fault(va, at, FaultKind.ALIGNMENT, 0, steps,
                            "MMU off: data accesses are Device-nGnRnE, and an unaligned access to Device memory always faults", ctx);
                }
            }
            return new Translation.Mapped(va, at, va, new PageAttributes(m, m, -1, true, true, true, true), steps, ctx);
        }

        // --- VA range selection -------------------------------------------------------------
        int range = 0;
        String szName = "T0SZ";
        if (regime.hasTwoRanges()) {
            range = (int) VaFields.RANGE_SELECT.get(va);
            szName = range == 0 ? "T0SZ" : "T1SZ";
        }
        String rangeSuffix = regime.hasTwoRanges() ? Integer.toString(range) : "";
        long txsz = regs.tcrField(szName);
        long ttbr = range == 0 ? regs.ttbr0() : regs.ttbr1();
        String ttbrName = regs.ttbrReg(range).name();
        WalkContext ctx = new WalkContext(regime, ttbrName, ttbr, regs.tcrReg().name(), szName, txsz, paBits, -1, null);

        if (regime.hasTwoRanges() && regs.tcrField("EPD" + range) != 0) {
            return new Translation.Fault(va, at, FaultKind.TRANSLATION, 0, steps,
                    regs.tcrReg() + ".EPD" + range + "=1: walks for the " + ttbrName + " range are disabled", ctx);
        }
        long tg = regs.tcrField(range == 0 ? "TG0" : "TG1");
        boolean fourK = range == 0 ? tg == Granule.TG0_4K : tg == Granule.TG1_4K;
        if (!fourK) {
            return new Translation.Fault(va, at, FaultKind.TRANSLATION, 0, steps,
                    regs.tcrReg() + ".TG" + range + " selects a granule the model does not walk (only 4 KB)", ctx);
        }
        if (!Granule.txszInRange(txsz)) {
            return new Translation.Fault(va, at, FaultKind.TRANSLATION, 0, steps,
                    regs.tcrReg() + "." + szName + "=" + txsz + " is outside 16..39 for a 4 KB granule (IMPLEMENTATION DEFINED; "
                            + "the model, like QEMU, takes a level-0 Translation fault)", ctx);
        }
        int inputBits = Granule.inputBits(txsz);
        boolean tbi = regs.tcrField(regime == Regime.EL2 ? "TBI" : "TBI" + rangeSuffix) != 0;
        int top = tbi ? VaFields.TOP_BYTE.lsb() - 1 : VaFields.TOP_BYTE.msb();
        long upper = top - inputBits + 1 >= 64 ? va : (va >>> inputBits) & ((1L << (top - inputBits + 1)) - 1);
        long expect = range == 0 ? 0 : (1L << (top - inputBits + 1)) - 1;
        if (upper != expect) {
            return new Translation.Fault(va, at, FaultKind.TRANSLATION, 0, steps,
                    String.format("VA bits [%d:%d] must all be %d for the %s range (%s=%d gives a %d-bit VA%s)", top, inputBits, range,
                            ttbrName, szName, txsz, inputBits, regime.hasTwoRanges() ? "" : "; the EL2 regime has no upper range"), ctx);
        }

        final int startLevel = Granule.startLevel(txsz);
        int level = startLevel;
        long tableBytes = Granule.startTableBytes(txsz);
        long baddr = org.kexecverify.model.reg.Layouts.of(regs.ttbrReg(range), regime).field("BADDR").mask();
        long table = ttbr & baddr & ~(tableBytes - 1);
        ctx = ctx.withStartLevel(level);
        if ((table >>> paBits) != 0) {
            return new Translation.Fault(va, at, FaultKind.ADDRESS_SIZE, 0, steps, String.format(
                    "%s base 0x%x is beyond the %d-bit PA size (%s.%s=%d, PARange %d bits)", ttbrName, table, paBits, regs.tcrReg(),
                    regs.paSizeFieldName(), regs.tcrField(regs.paSizeFieldName()), regs.parangeBits()), ctx);
        }

        boolean hpd = regs.tcrField(regime == Regime.EL2 ? "HPD" : "HPD" + rangeSuffix) != 0;
        boolean single = regime.singlePrivilege();
        boolean tReadOnly = false;
        boolean tXn = false;   // XNTable at EL2, UXNTable elsewhere (irrelevant for privileged fetch there)
        boolean tPxn = false;
        boolean tNoEl0 = false;  // APTable[0]: no EL0 access below (RES0 at EL2 with E2H=0)
        int tableRestrictLevel = -1;

        while (true) {
            int shift = Granule.levelShift(level);
            int index = Granule.index(va, level, txsz);
            long descAddr = table + 8L * index;
            if (!mem.isRam(descAddr, 8)) {
                steps.add(new WalkStep(level, table, index, descAddr, 0, WalkStep.Kind.NOT_RAM));
                return new Translation.Fault(va, at, FaultKind.EXTERNAL_ABORT_ON_WALK, level, steps,
                        String.format("level-%d table entry at 0x%x is outside RAM", level, descAddr), ctx);
            }
            long d = mem.read64(descAddr);
            if (regs.sctlrField("EE") != 0) d = Long.reverseBytes(d);
            if (VALID.get(d) == 0) {
                steps.add(new WalkStep(level, table, index, descAddr, d, WalkStep.Kind.INVALID));
                return new Translation.Fault(va, at, FaultKind.TRANSLATION, level, steps,
                        String.format("level-%d entry for VA 0x%x is invalid: nothing maps this address", level, va), ctx);
            }
            boolean isTableOrPage = TYPE.get(d) != 0;
            if (level < 3 && isTableOrPage) {
                steps.add(new WalkStep(level, table, index, descAddr, d, WalkStep.Kind.TABLE));
                long next = ADDRESS.get(d) << 12;
                if ((next >>> paBits) != 0) {
                    return new Translation.Fault(va, at, FaultKind.ADDRESS_SIZE, level, steps, String.format(
                            "level-%d table descriptor points at 0x%x, beyond the %d-bit PA size", level, next, paBits), ctx);
                }
                if (!hpd) {
                    boolean ro = AP_TABLE1.get(d) != 0;
                    boolean xn = UXN_TABLE.get(d) != 0;
                    boolean pxn = !single && PXN_TABLE.get(d) != 0;
                    if ((ro && !tReadOnly) || (xn && !tXn) || (pxn && !tPxn)) tableRestrictLevel = tableRestrictLevel < 0 ? level : tableRestrictLevel;
                    tReadOnly |= ro;
                    tXn |= xn;
                    tPxn |= pxn;
                    tNoEl0 |= !single && AP_TABLE0.get(d) != 0;
                }
                table = next;
                level++;
                continue;
            }
            if (level == 0 || (level == 3 && !isTableOrPage)) {
                steps.add(new WalkStep(level, table, index, descAddr, d, WalkStep.Kind.RESERVED));
                return new Translation.Fault(va, at, FaultKind.TRANSLATION, level, steps, level == 0
                        ? "level-0 entry is a block descriptor, which the 4 KB granule does not allow"
                        : "level-3 entry has bits[1:0] = 0b01, a reserved encoding", ctx);
            }
            // leaf: block (L1/L2) or page (L3)
            steps.add(new WalkStep(level, table, index, descAddr, d, level == 3 ? WalkStep.Kind.PAGE : WalkStep.Kind.BLOCK));
            long blockMask = (1L << shift) - 1;
            long oa = (ADDRESS.get(d) << 12) & ~blockMask;
            if ((oa >>> paBits) != 0) {
                return new Translation.Fault(va, at, FaultKind.ADDRESS_SIZE, level, steps, String.format(
                        "level-%d entry outputs 0x%x, beyond the %d-bit PA size", level, oa, paBits), ctx);
            }
            long pa = oa | (va & blockMask);
            if (AF.get(d) == 0 && !(opts.hardwareAccessFlag() && regs.tcrField("HA") != 0)) {
                return new Translation.Fault(va, at, FaultKind.ACCESS_FLAG, level, steps, String.format(
                        "level-%d entry has AF (PTE_AF, bit 10) clear and %s.HA does not let hardware set it", level, regs.tcrReg()), ctx);
            }
            int attrIndx = (int) ATTRINDX.get(d);
            MemoryAttribute mattr = MemoryAttribute.decode((int) ((regs.mair() >>> (8 * attrIndx)) & 0xff));

            boolean ap2 = AP2.get(d) != 0;
            boolean ap1 = AP1.get(d) != 0;
            boolean writable = !ap2 && !tReadOnly;
            boolean wxn = regs.sctlrField("WXN") != 0 && writable;
            boolean executable;
            String xnWhy;
            if (single) {
                boolean xn = UXN.get(d) != 0;
                executable = !xn && !tXn && !wxn;
                xnWhy = xn ? String.format("level-%d entry has bit 54 set: PTE_UXN, which the EL2 (E2H=0) regime reads as XN, "
                        + "its only execute-never bit (PAGE_KERNEL_EXEC keeps PTE_UXN)", level)
                        : tXn ? String.format("a level-%d table entry has XNTable (bit 60) set", tableRestrictLevel)
                        : regs.sctlrReg() + ".WXN=1 and the page is writable";
            } else {
                boolean pxn = PXN.get(d) != 0;
                // implicit PXN follows the effective EL0 permission: APTable[0]/APTable[1] fold into AP[2:1]
                boolean el0Writable = ap1 && !ap2 && !tNoEl0 && !tReadOnly;
                executable = !pxn && !tPxn && !el0Writable && !wxn;
                xnWhy = pxn ? String.format("level-%d entry has PXN (PTE_PXN, bit 53) set: privileged execute-never in %s", level, regime.displayName())
                        : tPxn ? String.format("a level-%d table entry has PXNTable (bit 59) set", tableRestrictLevel)
                        : el0Writable ? String.format("level-%d entry has AP[2:1]=0b01 (EL0-writable): implicitly PXN", level)
                        : regs.sctlrReg() + ".WXN=1 and the page is writable";
            }
            boolean deviceFetchFault = false;
            if (mattr.device() && at == AccessType.FETCH && executable) {
                if (opts.deviceFetch() == WalkOptions.DeviceFetch.PERMISSION_FAULT) {
                    deviceFetchFault = true;
                }
            }
            MemoryAttribute effective = mattr;
            if (at == AccessType.FETCH) {
                if (mattr.device() || regs.sctlrField("I") == 0) effective = MemoryAttribute.NORMAL_NC;
            } else if (!mattr.device() && regs.sctlrField("C") == 0) {
                effective = MemoryAttribute.NORMAL_NC;
            }
            PageAttributes pattrs = new PageAttributes(effective, mattr, attrIndx, true, writable, executable && !deviceFetchFault, false);
            switch (at) {
                case FETCH -> {
                    if (!executable) {
                        return new Translation.Fault(va, at, FaultKind.PERMISSION, level, steps, xnWhy, ctx);
                    }
                    if (deviceFetchFault) {
                        return new Translation.Fault(va, at, FaultKind.PERMISSION, level, steps, String.format(
                                "fetch from Device memory (MAIR Attr%d = 0x%02x, %s): CONSTRAINED UNPREDICTABLE, configured to fault",
                                attrIndx, mattr.attr(), mattr.describe()), ctx);
                    }
                }
                case WRITE -> {
                    if (!writable) {
                        return new Translation.Fault(va, at, FaultKind.PERMISSION, level, steps, ap2
                                ? String.format("level-%d entry has AP[2] (PTE_RDONLY, bit 7) set: read-only", level)
                                : String.format("a level-%d table entry has APTable[1] (bit 62) set: read-only below it", tableRestrictLevel), ctx);
                    }
                }
                case READ -> { }
            }
            if (misaligned && mattr.device()) {
                return new Translation.Fault(va, at, FaultKind.ALIGNMENT, level, steps, String.format(
                        "unaligned %d-byte %s to Device memory (MAIR Attr%d = %s) always faults", size, at.words(), attrIndx, mattr.describe()), ctx);
            }
            return new Translation.Mapped(va, at, pa, pattrs, steps, ctx);
        }
    }
}
