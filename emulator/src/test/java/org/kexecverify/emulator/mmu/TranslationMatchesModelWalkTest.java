package org.kexecverify.emulator.mmu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.asm.Assembler;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * Every fetch, load and store the machine performs translates as the models' walk says: for random leaf and
 * table descriptor bits, regimes and SCTLR.WXN, the machine either completes the access at the PA the walk
 * gives or takes the abort whose FSC the walk gives, with FAR = the VA.
 */
class TranslationMatchesModelWalkTest {
    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    static {
        System.out.println("TranslationMatchesModelWalkTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
    }

    static final long CODE = 0x4008_0000L;
    static final long VECTORS = 0x4009_0000L;
    static final long VA = 0x8000_0000L; // its own level-1 entry: table restrictions above the leaf do not touch the code
    static final long TARGET = 0x4800_0000L;
    static final long TABLES = 0x4400_0000L;
    static final int MOV_X9_7 = 0xd28000e9;

    private static long bits(long d, Field f, long random) {
        return f.set(d, random & (f.mask() >>> f.lsb()));
    }

    static void check(int regimeSel, int accessSel, long r1, long r2) {
        Regime regime = regimeSel == 0 ? Regime.EL1_0 : Regime.EL2;
        AccessType at = AccessType.values()[accessSel];
        int leafLevel = (r2 & 1) == 0 ? 3 : 2;
        long d = 0;
        d = bits(d, DescriptorBits.VALID, (r1 & 0xff) == 0 ? 0 : 1); // mostly valid
        d = bits(d, DescriptorBits.TYPE, leafLevel == 3 ? ((r1 >>> 8 & 0x1f) == 0 ? 0 : 1) : 0);
        d = bits(d, DescriptorBits.ATTRINDX, r1 >>> 16);
        d = bits(d, DescriptorBits.AP1, r1 >>> 20);
        d = bits(d, DescriptorBits.AP2, r1 >>> 21);
        d = bits(d, DescriptorBits.SH, 3);
        d = bits(d, DescriptorBits.AF, (r1 >>> 22 & 7) == 0 ? 0 : 1);
        d = bits(d, DescriptorBits.PXN, r1 >>> 25);
        d = bits(d, DescriptorBits.UXN, r1 >>> 26);
        d = DescriptorBits.ADDRESS.set(d, TARGET >>> 12);
        boolean wxn = (r1 >>> 27 & 3) == 0;

        Assembly asm = Assembler.assemble("access.S", switch (at) {
            case READ -> "\tldr\tx1, [x0]\ndone:\tnop\n";
            case WRITE -> "\tstr\tx2, [x0]\ndone:\tnop\n";
            case FETCH -> "\tbr\tx0\ndone:\tnop\n";
        }, CODE);
        Ram ram = Ram.of(0x4000_0000L, 0x2000_0000L);
        TableBuilder tb = new TableBuilder(ram.physical(), TableBuilder.bump(TABLES, 1 << 20), 16);
        long exec = regime == Regime.EL2 ? Pgprot.PAGE_HYP_EXEC.bits() : Pgprot.PAGE_KERNEL_ROX.bits();
        tb.mapPage(CODE, CODE, exec);
        tb.mapPage(VECTORS, VECTORS, exec);
        long leafAddr = tb.entryFor(VA, leafLevel);
        ram.physical().write64(leafAddr, d);
        // random hierarchical restrictions on the table descriptor above the leaf
        long tableEntry = tb.entryFor(VA, leafLevel - 1);
        long td = ram.physical().read64(tableEntry);
        td = bits(td, DescriptorBits.AP_TABLE1, r2 >>> 1 & ((r2 >>> 8 & 3) == 0 ? 1 : 0));
        td = bits(td, DescriptorBits.UXN_TABLE, r2 >>> 2 & ((r2 >>> 10 & 3) == 0 ? 1 : 0));
        td = bits(td, DescriptorBits.PXN_TABLE, r2 >>> 3 & ((r2 >>> 12 & 3) == 0 ? 1 : 0));
        ram.physical().write64(tableEntry, td);
        ram.load(CODE, asm.code());
        ram.physical().write64(TARGET, MOV_X9_7 & 0xffffffffL | 0x5555_0000_0000_0000L);

        Machine m = new Machine(ram);
        long mair = 0x0000_bbff_440c_0400L;
        int el = regime.el();
        SysReg sctlrReg = el == 1 ? SysReg.SCTLR_EL1 : SysReg.SCTLR_EL2;
        long sctlr = Layouts.of(sctlrReg, regime).encode(wxn ? Map.of("M", 1L, "C", 1L, "I", 1L, "WXN", 1L) : Map.of("M", 1L, "C", 1L, "I", 1L));
        long tcr;
        if (el == 1) {
            tcr = Layouts.of(SysReg.TCR_EL1, regime).encode(Map.of("T0SZ", 16L, "T1SZ", 16L, "TG1", 2L, "IPS", 5L, "EPD1", 1L));
            m.setSysReg(SysRegId.MAIR_EL1, mair);
            m.setSysReg(SysRegId.TCR_EL1, tcr);
            m.setSysReg(SysRegId.TTBR0_EL1, tb.root());
            m.setSysReg(SysRegId.VBAR_EL1, VECTORS);
            m.setSysReg(SysRegId.SCTLR_EL1, sctlr);
        } else {
            tcr = Layouts.of(SysReg.TCR_EL2, regime).encode(Map.of("T0SZ", 16L, "PS", 5L));
            m.setSysReg(SysRegId.MAIR_EL2, mair);
            m.setSysReg(SysRegId.TCR_EL2, tcr);
            m.setSysReg(SysRegId.TTBR0_EL2, tb.root());
            m.setSysReg(SysRegId.VBAR_EL2, VECTORS);
            m.setSysReg(SysRegId.SCTLR_EL2, sctlr);
        }
        m.setEl(el, true);
        m.setPc(CODE);
        m.setX(0, VA);
        m.setX(2, 0x1234_5678_9abc_def0L);
        m.setStopAddresses(at == AccessType.FETCH ? VA + 4 : asm.symbol("done"), VECTORS + 0x200);

        TranslationRegs regs = new TranslationRegs(regime, sctlr, tcr, mair, tb.root(), 0, TranslationRegs.MMFR0_48BIT);
        Translation model = Walker.translate(regs, ram.physical(), VA, at, 8, WalkOptions.DEFAULT);
        RunResult r = m.run(100);
        String ctx = String.format("%s %s leaf L%d 0x%016x table 0x%016x WXN=%b%n%s%nmachine: %s %s", regime, at, leafLevel, d, td, wxn,
                model.render(), r, m.exceptions());
        SEEN.merge(model instanceof Translation.Fault f0 ? f0.kind().name() : "MAPPED", 1, Integer::sum);
        if (model instanceof Translation.Mapped mapped) {
            assertEquals(RunResult.Completed.class, r.getClass(), ctx);
            assertEquals(0, m.exceptions().size(), ctx);
            switch (at) {
                case READ -> assertEquals(ram.physical().read64(mapped.pa()), m.x(1), ctx);
                case WRITE -> assertEquals(0x1234_5678_9abc_def0L, ram.coherentRead64(mapped.pa()), ctx);
                case FETCH -> assertEquals(7, m.x(9), ctx);
            }
        } else {
            Translation.Fault f = (Translation.Fault) model;
            assertEquals(1, m.exceptions().size(), ctx);
            ExceptionRecord e = m.exceptions().get(0);
            assertEquals(at == AccessType.FETCH ? 0x21 : 0x25, e.ec(), ctx);
            assertEquals(f.fsc(), e.esr() & 0x3f, ctx);
            assertEquals(VA, e.far(), ctx);
            assertEquals(at == AccessType.WRITE ? 1 : 0, e.esr() >>> 6 & 1, "WnR " + ctx);
        }
    }

    private static final Map<String, Integer> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    @Test
    void machineTranslationsEqualTheModelWalk() {
        SEEN.clear();
        qt().withFixedSeed(SEED).withExamples(400).forAll(integers().between(0, 1), integers().between(0, 2), longs().all(), longs().all())
                .checkAssert(TranslationMatchesModelWalkTest::check);
        for (String outcome : java.util.List.of("MAPPED", "TRANSLATION", "ACCESS_FLAG", "PERMISSION")) {
            org.junit.jupiter.api.Assertions.assertTrue(SEEN.getOrDefault(outcome, 0) > 5, "too few " + outcome + " cases: " + SEEN);
        }
    }
}
