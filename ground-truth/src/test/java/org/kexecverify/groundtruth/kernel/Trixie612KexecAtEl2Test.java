package org.kexecverify.groundtruth.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * Debian 13's 6.12 kernel, booted at EL2, kexecs into itself and the second kernel starts at EL2: on cortex-a57
 * (no VHE) and on max without FEAT_LPA2 (VHE; with LPA2 see {@link Trixie612KexecLoadOopsesWithLpa2Test}).
 */
class Trixie612KexecAtEl2Test {

    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX_WITHOUT_LPA2"})
    void secondKernelUpAtEl2(GuestCpu cpu) {
        RealKernelTier.enabled("trixie 6.12 on " + cpu.qemuCpu() + ": second kernel at EL2");
        RunResult r = RealKernelRun.run(Suite.TRIXIE, cpu);
        RealKernelTier.record(r);
        assertTrue(r.kernel().name().startsWith("linux-image-6.12."), "not a 6.12 kernel package:\n" + r.describe());
        assertTrue(r.upAtEl2(), r.describe());
    }
}
