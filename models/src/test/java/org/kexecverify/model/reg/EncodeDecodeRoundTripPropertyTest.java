package org.kexecverify.model.reg;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.regime.Regime;

/** encode(decode(x)) == x for every register layout of every regime, on random 64-bit values. */
class EncodeDecodeRoundTripPropertyTest {
    /** Seed of the generated cases: fixed, printed, and taken from -Dkexec-verify.seed when given. */
    static final long SEED = Long.getLong("kexec-verify.seed", 0x6b657865L);

    static {
        System.out.println("EncodeDecodeRoundTripPropertyTest seed " + SEED + " (rerun with -Dkexec-verify.seed=" + SEED + ")");
    }

    @Test
    void everyLayoutRoundTrips() {
        for (Regime r : Regime.values()) {
            for (SysReg reg : SysReg.values()) {
                if (!Layouts.exists(reg, r)) continue;
                RegisterLayout l = Layouts.of(reg, r);
                qt().withFixedSeed(SEED).withExamples(500).forAll(longs().all())
                        .describedAs(v -> l.layoutName() + " value 0x" + Long.toHexString(v))
                        .check(v -> l.encode(l.decode(v, r)) == v);
            }
        }
    }

    @Test
    void fieldSetThenGetIsIdentityOnItsBits() {
        RegisterLayout l = Layouts.of(SysReg.TCR_EL2, Regime.EL2);
        qt().withFixedSeed(SEED).withExamples(1000).forAll(longs().all(), longs().between(0, 7))
                .check((reg, v) -> l.field("PS").get(l.field("PS").set(reg, v)) == v
                        && (l.field("PS").set(reg, v) & ~l.field("PS").mask()) == (reg & ~l.field("PS").mask()));
    }
}
