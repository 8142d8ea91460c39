package org.kexecverify.tla;

import java.util.List;
import java.util.function.LongToIntFunction;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkStep;

/**
 * Turns a walk of the models' {@code Walker} into what the TLA+ instance is given: the leaf's raw
 * bits with the table descriptors' attributes OR-ed in ({@link PageModel.Leaf}), and the walk's
 * outcome as a fact the instance ASSUMEs ({@link PageModel.WalkFact}). Every bit is read with the
 * {@link DescriptorBits} fields; nothing here knows a bit position.
 *
 * <p>What is abstracted, exactly:
 * <ul>
 *   <li>a walk that stops before a leaf (invalid entry, reserved encoding, entry not in RAM, an
 *       Address size fault) is an invalid leaf at that level; an Address size or Alignment fault
 *       (or an External abort on the walk) is exported as the fault {@code TRANSLATION}: the instance still faults at that VA, only
 *       the fault name differs;</li>
 *   <li>a block leaf is exported as the 4 KB page of the VA inside it;</li>
 *   <li>Device memory: from the MAIR attribute the leaf's AttrIndx selects.</li>
 * </ul>
 */
public final class WalkLeaves {
    private WalkLeaves() {}

    /** The leaf for {@code t}; {@code pageOf} maps a page-aligned PA to the instance's page id. */
    public static PageModel.Leaf leaf(TranslationRegs regs, Translation t, LongToIntFunction pageOf) {
        List<WalkStep> steps = t.steps();
        boolean pxnTable = false, xnTable = false, apTable2 = false;
        for (WalkStep s : steps) {
            if (s.kind() == WalkStep.Kind.TABLE) {
                pxnTable |= DescriptorBits.PXN_TABLE.get(s.descriptor()) != 0;
                xnTable |= DescriptorBits.UXN_TABLE.get(s.descriptor()) != 0;
                apTable2 |= DescriptorBits.AP_TABLE1.get(s.descriptor()) != 0;
            }
        }
        WalkStep last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        if (last == null || (last.kind() != WalkStep.Kind.PAGE && last.kind() != WalkStep.Kind.BLOCK)) {
            int level = last == null ? 0 : last.level();
            return PageModel.Leaf.invalid(level);
        }
        long d = last.descriptor();
        long blockMask = (1L << (12 + 9 * (3 - last.level()))) - 1;
        long pa = (last.address() & ~blockMask) | (t.va() & blockMask & ~0xfffL);
        int attrIndx = (int) DescriptorBits.ATTRINDX.get(d);
        SysReg mairReg = regs.mairReg();
        long attr = Layouts.of(mairReg, regs.regime()).get("Attr" + attrIndx, regs.mair());
        boolean device = MemoryAttribute.decode((int) attr).device();
        return new PageModel.Leaf(true, last.level(), pageOf.applyAsInt(pa),
                DescriptorBits.AF.get(d) != 0,
                DescriptorBits.AP2.get(d) != 0,
                DescriptorBits.AP1.get(d) != 0,
                DescriptorBits.PXN.get(d) != 0,
                DescriptorBits.UXN.get(d) != 0,
                pxnTable, xnTable, apTable2, device);
    }

    /** The outcome the instance must reproduce: "NONE" or the Vmsa fault name. */
    public static String fault(Translation t) {
        if (t instanceof Translation.Fault f) {
            return switch (f.kind()) {
                case TRANSLATION, ADDRESS_SIZE, ALIGNMENT, EXTERNAL_ABORT_ON_WALK -> "TRANSLATION";
                case ACCESS_FLAG -> "ACCESS_FLAG";
                case PERMISSION -> "PERMISSION";
            };
        }
        return "NONE";
    }

    /** Vmsa's access names. */
    public static String access(org.kexecverify.model.walk.AccessType at) {
        return switch (at) {
            case FETCH -> "fetch";
            case READ -> "read";
            case WRITE -> "write";
        };
    }

    public static boolean wxn(TranslationRegs regs) {
        return regs.sctlrLayout().find("WXN").map(f -> f.get(regs.sctlr()) != 0).orElse(false);
    }
}
