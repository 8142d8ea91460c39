package org.kexecverify.model.walk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.regime.Regime;

/**
 * The RFC v2 trans_table maps relocate_kernel.S's page with PAGE_KERNEL_EXEC, which keeps PTE_UXN
 * (bit 54): executable in EL1&0 and EL2&0, execute-never in the EL2 (E2H=0) regime.
 */
class RfcV2El2CodePageExecuteNeverTest {
    static final long CODE = 0x4123_4000L;

    private static Translation fetchCode(Regime r) {
        WalkFixture f = new WalkFixture(r);
        f.tables.mapPage(CODE, CODE, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3));
        return f.walk(CODE + 0x10, AccessType.FETCH);
    }

    @Test
    void pageKernelExecIsTheDocumentedDescriptor() {
        assertEquals(0x0048_0000_0000_0713L, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3));
        assertEquals(0x0068_0000_0000_0713L, Pgprot.PAGE_KERNEL.bits(LinuxMair.V5_3));
    }

    @Test
    void executableAtEl1() {
        Translation t = fetchCode(Regime.EL1_0);
        Translation.Mapped m = assertInstanceOf(Translation.Mapped.class, t, t.render());
        assertEquals(CODE + 0x10, m.pa(), t.render());
        assertTrue(m.attrs().executable(), t.render());
    }

    @Test
    void executableAtVheEl2() {
        Translation t = fetchCode(Regime.EL2_0);
        assertInstanceOf(Translation.Mapped.class, t, t.render());
    }

    @Test
    void executeNeverAtNonVheEl2PermissionFaultLevel3() {
        Translation t = fetchCode(Regime.EL2);
        Translation.Fault f = assertInstanceOf(Translation.Fault.class, t, t.render());
        assertEquals(FaultKind.PERMISSION, f.kind(), t.render());
        assertEquals(3, f.level(), t.render());
        assertEquals(0x0f, f.fsc(), t.render());
        assertTrue(f.reason().contains("bit 54"), t.render());
        assertEquals(4, f.steps().size(), t.render());
    }
}
