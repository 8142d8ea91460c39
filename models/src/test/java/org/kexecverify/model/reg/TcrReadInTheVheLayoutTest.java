package org.kexecverify.model.reg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.regime.Regime;

/**
 * Why the regime matters: the seed's TCR_EL2 value, written for E2H=0, read by an E2H=1 CPU gives
 * a 32-bit IPS and disables TTBR1 walks.
 */
class TcrReadInTheVheLayoutTest {
    @Test
    void seedTcrUnderVheHasIps32BitAndEpd1() {
        RegisterLayout vhe = Layouts.of(SysReg.TCR_EL2, Regime.EL2_0);
        DecodedRegister d = vhe.decode(0x80843510L, Regime.EL2_0);
        String why = d.fields() + "\n" + d.findings();
        assertEquals(0, d.field("IPS").value(), why);
        assertEquals("32-bit PA, 4 GB", d.field("IPS").meaning(), why);
        assertEquals(1, d.field("EPD1").value(), why);
        assertEquals(4, d.field("T1SZ").value(), why);
        assertEquals(2, d.field("TG1").value(), why);
        assertTrue(d.findings().stream().anyMatch(f -> f.code() == Diagnostic.LAYOUT_MISMATCH), why);
        // the same bits in the E2H=0 layout carry no such warnings
        assertTrue(Layouts.of(SysReg.TCR_EL2, Regime.EL2).validate(0x80843510L).stream().noneMatch(Finding::isError));
    }

    @Test
    void vheLayoutHasNoPsField() {
        assertTrue(Layouts.of(SysReg.TCR_EL2, Regime.EL2_0).find("PS").isEmpty());
        assertTrue(Layouts.of(SysReg.TCR_EL2, Regime.EL2).find("IPS").isEmpty());
        assertEquals(16, Layouts.of(SysReg.TCR_EL2, Regime.EL2).field("PS").lsb());
        assertEquals(32, Layouts.of(SysReg.TCR_EL2, Regime.EL2_0).field("IPS").lsb());
    }
}
