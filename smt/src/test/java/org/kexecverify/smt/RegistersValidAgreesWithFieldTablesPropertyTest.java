package org.kexecverify.smt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.reg.Finding;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;

/**
 * REGISTERS_VALID decided by Z3 agrees with the field tables' own validation ({@link RegisterLayout#validate})
 * plus the TTBR alignment and PA-size rules, on register values with random single-field damage.
 */
class RegistersValidAgreesWithFieldTablesPropertyTest {
    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    static {
        System.out.println("RegistersValidAgreesWithFieldTablesPropertyTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
    }

    static SmtEngine engine;
    static final AtomicInteger CASES = new AtomicInteger();
    static final AtomicInteger REFUTED = new AtomicInteger();

    @BeforeAll
    static void open() { engine = new SmtEngine(SmtOptions.DEFAULT); }

    @AfterAll
    static void close() {
        engine.close();
        System.out.println("RegistersValidAgreesWithFieldTablesPropertyTest: " + CASES + " cases, " + REFUTED + " refuted");
        assertTrue(REFUTED.get() > CASES.get() / 10 && REFUTED.get() < CASES.get() * 9 / 10, "both outcomes exercised");
    }

    static long damage(Random rnd, RegisterLayout l, long v) {
        if (rnd.nextInt(3) != 0) return v;
        var f = l.fields().get(rnd.nextInt(l.fields().size()));
        return v ^ (rnd.nextLong() & f.mask());
    }

    /** The oracle: what the model's field tables say. */
    static List<String> javaErrors(TranslationRegs r, long vbar) {
        List<String> out = new ArrayList<>();
        SysReg vreg = r.regime().el() == 1 ? SysReg.VBAR_EL1 : SysReg.VBAR_EL2;
        List<Finding> fs = new ArrayList<>(r.sctlrLayout().validate(r.sctlr()));
        fs.addAll(Layouts.of(vreg, r.regime()).validate(vbar));
        if (r.mmuOn()) {
            fs.addAll(r.tcrLayout().validate(r.tcr()));
            fs.addAll(Layouts.of(r.mairReg(), r.regime()).validate(r.mair()));
            int ranges = r.regime().hasTwoRanges() ? 2 : 1;
            for (int i = 0; i < ranges; i++) {
                if (i == 1 && r.tcrField("EPD1") != 0) continue;
                long ttbr = i == 0 ? r.ttbr0() : r.ttbr1();
                fs.addAll(Layouts.of(r.ttbrReg(i), r.regime()).validate(ttbr));
                long base = ttbr & Layouts.of(r.ttbrReg(i), r.regime()).field("BADDR").mask();
                if ((base >>> r.effectivePaBits()) != 0) out.add("ttbr" + i + " beyond PA");
                long txsz = r.tcrField(i == 0 ? "T0SZ" : "T1SZ");
                boolean fourK = i == 0 ? r.tcrField("TG0") == 0 : r.tcrField("TG1") == 2;
                if (!fourK || txsz < 16 || txsz > 39) continue;
                int in = 64 - (int) txsz;
                int start = 4 - (int) Math.ceil((in - 12) / 9.0);
                long bytes = 8L << (in - (12 + 9 * (3 - start)));
                if ((base & (bytes - 1)) != 0) out.add("ttbr" + i + " misaligned");
            }
        }
        fs.stream().filter(Finding::isError).forEach(f -> out.add(f.toString()));
        return out;
    }

    @Test
    void smtAgreesWithTheFieldTables() {
        qt().withFixedSeed(SEED).withExamples(600).withShrinkCycles(0).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Regime g = Regime.values()[rnd.nextInt(3)];
            TranslationRegs names = new TranslationRegs(g, 0, 0, 0, 0, 0, 0);
            RegisterLayout sl = Layouts.of(names.sctlrReg(), g);
            RegisterLayout tl = Layouts.of(names.tcrReg(), g);
            long sctlr = damage(rnd, sl, sl.res1Mask() | sl.field("M").mask());
            long tcr = tl.res1Mask() | tl.field("T0SZ").mask() & 16 | (g.hasTwoRanges() ? tl.field("T1SZ").set(tl.field("TG1").set(0, 2), 16) : 0);
            tcr = tl.field(g == Regime.EL2 ? "PS" : "IPS").set(tcr, 5);
            tcr = damage(rnd, tl, tcr);
            long mair = damage(rnd, Layouts.of(names.mairReg(), g), 0xbbff440c0400L);
            long ttbr0 = rnd.nextInt(8) == 0 ? rnd.nextLong() & 0xffff_ffff_ffffL : 0x4000_0000L + ((long) rnd.nextInt(64) << 12);
            long ttbr1 = rnd.nextInt(8) == 0 ? rnd.nextLong() : 0x4010_0000L;
            long vbar = rnd.nextInt(8) == 0 ? rnd.nextLong() : 0x4008_0800L;
            TranslationRegs r = new TranslationRegs(g, sctlr, tcr, mair, ttbr0, ttbr1, TranslationRegs.MMFR0_48BIT);
            SmtInput in = new SmtInput("regs-" + seed, r, PhysicalMemory.ofRam(0x4000_0000L, 0x4000_0000L), List.of(), OptionalLong.of(vbar),
                    List.of(), WalkOptions.DEFAULT, null);
            Verdict v = engine.decide(in, Obligation.REGISTERS_VALID);
            List<String> java = javaErrors(r, vbar);
            CASES.incrementAndGet();
            if (v instanceof Verdict.Refuted) REFUTED.incrementAndGet();
            assertEquals(java.isEmpty() ? "PROVED" : "REFUTED", v.outcome(), g + " " + r + " vbar=0x" + Long.toHexString(vbar)
                    + "\n  smt : " + v.explanation() + "\n  java: " + java);
        });
    }
}
