package org.kexecverify.model.reg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.regime.Regime;

/** The RFC v2 cover letter's EL2 values decode to what its author listed. */
class SeedRegistersDecodeTest {

    private static String dump(DecodedRegister d) {
        return d.fields().stream().map(DecodedField::render).collect(Collectors.joining("\n")) + "\n" + d.findings();
    }

    @Test
    void tcrEl2OfTheSeedIs44BitPaInnerShareableWbwaT0sz16() {
        DecodedRegister d = Layouts.of(SysReg.TCR_EL2, Regime.EL2).decode(0x80843510L, Regime.EL2);
        String why = dump(d);
        assertEquals(4, d.field("PS").value(), why);
        assertEquals("PS [18:16] = 0b100 -> 44-bit PA, 16 TB", d.field("PS").render(), why);
        assertEquals(3, d.field("SH0").value(), why);
        assertEquals("Inner Shareable", d.field("SH0").meaning(), why);
        assertEquals(1, d.field("ORGN0").value(), why);
        assertEquals(1, d.field("IRGN0").value(), why);
        assertTrue(d.field("IRGN0").meaning().contains("WBWA"), why);
        assertEquals(16, d.field("T0SZ").value(), why);
        assertEquals(0, d.field("TG0").value(), why);
        assertTrue(d.findings().stream().noneMatch(Finding::isError), why);
    }

    @Test
    void sctlrEl2OfTheSeedSetsRes1MACSaIesbI() {
        RegisterLayout l = Layouts.of(SysReg.SCTLR_EL2, Regime.EL2);
        DecodedRegister d = l.decode(0x30e5183fL, Regime.EL2);
        String why = dump(d);
        List<String> setValueFields = d.fields().stream()
                .filter(f -> f.field().kind() == FieldKind.VALUE && f.value() != 0)
                .map(f -> f.field().name()).collect(Collectors.toList());
        assertEquals(List.of("M", "A", "C", "SA", "I", "IESB"), setValueFields, why);
        assertEquals(0x30c50830L, l.res1Mask() & 0xffffffffL, "SCTLR_EL2_RES1 of Linux sysreg.h");
        assertEquals(0x30c50830L, 0x30e5183fL & l.res1Mask(), why);
        assertTrue(d.findings().stream().noneMatch(Finding::isError), why);
        assertTrue(d.findings().stream().anyMatch(f -> f.code() == Diagnostic.ALIGNMENT_CHECKING), why);
    }

    @Test
    void mairOfTheSeedSlotBySlot() {
        DecodedRegister d = Layouts.of(SysReg.MAIR_EL2, Regime.EL2).decode(0xbbff440c0400L, Regime.EL2);
        String why = dump(d);
        String[] expected = {
                "Device-nGnRnE (MT_DEVICE_nGnRnE)",
                "Device-nGnRE (MT_DEVICE_nGnRE)",
                "Device-GRE (MT_DEVICE_GRE)",
                "Normal, Inner+Outer Non-cacheable (MT_NORMAL_NC)",
                "Normal, Inner+Outer Write-Back non-transient RA WA (MT_NORMAL)",
                "Normal, Inner+Outer Write-Through non-transient RA WA (MT_NORMAL_WT)",
                "Device-nGnRnE (MT_DEVICE_nGnRnE)",
                "Device-nGnRnE (MT_DEVICE_nGnRnE)"};
        for (int i = 0; i < 8; i++) {
            assertEquals(expected[i], d.field("Attr" + i).meaning(), "slot " + i + "\n" + why);
        }
    }

    @Test
    void ttbr0El2OfTheSeedIsAPageAlignedTableBelow44Bits() {
        DecodedRegister d = Layouts.of(SysReg.TTBR0_EL2, Regime.EL2).decode(0x1b3069000L, Regime.EL2);
        assertEquals(0x1b3069000L, d.field("BADDR").value() << 1, dump(d));
        assertEquals(0, d.field("CnP").value(), dump(d));
    }
}
