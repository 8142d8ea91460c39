package org.kexecverify.groundtruth.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * Debian 12's 6.1 kernel, booted at EL2, kexecs into itself on both CPUs, and the gdbstub stops it at the first
 * instruction of the relocation code: PC = kimage->arch.kern_reloc (struct kimage + 656, identity mapped), x0 =
 * the struct kimage (a kernel VA), CurrentEL 1 without VHE and 2 with VHE. Detached, the run goes on and the
 * second kernel reports "CPU: All CPU(s) started at EL2".
 */
class Bookworm61StopsAtKernRelocThenUpAtEl2Test {

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void stopsAtKernRelocThenSecondKernelUpAtEl2(GuestCpu cpu) {
        RealKernelTier.enabled("bookworm 6.1 on " + cpu.qemuCpu() + ": stop at kern_reloc, second kernel at EL2");
        StopAtRelocation.Result r = StopAtRelocation.run(Suite.BOOKWORM, cpu);
        RealKernelTier.record(r.run());
        String why = r.describe();
        assertTrue(r.run().kernel().name().startsWith("linux-image-6.1."), "not a 6.1 kernel package:\n" + why);
        RelocationState s = r.state();
        assertNotNull(s, why);
        assertEquals(StopAtRelocation.KERN_RELOC_6_1, s.kernRelocOffset(), why);
        assertEquals(s.kernReloc(), s.pc(), "PC is not kern_reloc:\n" + why);
        assertEquals(s.kimage(), s.x().get(0), "x0 is not the struct kimage:\n" + why);
        assertEquals(0xffffL, s.kimage() >>> 48, "x0 does not look like a kernel VA:\n" + why);
        assertEquals(cpu.kernelEl(), s.currentEl(), why);
        assertTrue(s.codeMatches(), "the control page does not hold the kernel's relocation code:\n" + why);
        if (cpu.vhe()) {
            assertEquals(s.arch().get("ttbr0"), s.sysreg("TTBR0_EL2"), "VHE: the idmap is not in TTBR0_EL2:\n" + why);
            assertEquals(0x488000000L, s.sysreg("HCR_EL2"), why);
        } else {
            assertEquals(s.arch().get("ttbr0"), s.sysreg("TTBR0_EL1"), "the idmap is not in TTBR0_EL1:\n" + why);
            assertEquals(s.arch().get("el2_vectors"), s.sysreg("VBAR_EL2"), "VBAR_EL2 is not the copied stub vectors:\n" + why);
        }
        assertTrue(r.run().upAtEl2(), why);
    }
}
