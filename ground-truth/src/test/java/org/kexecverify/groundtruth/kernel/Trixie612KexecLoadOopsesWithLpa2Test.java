package org.kexecverify.groundtruth.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * Debian 13's 6.12.118 on QEMU's max CPU, which has FEAT_LPA2: the kernel runs with 52-bit VAs and 4 KB pages,
 * five levels ("swapper pgtable: 4k pages, 52-bit VAs"), and kexec_load oopses in machine_kexec_post_load ->
 * trans_pgd_create_copy: copy_p4d() takes p4d_offset() of a destination pgd entry it never filled (unlike
 * copy_pud(), it does not allocate the next table), so it dereferences __va(0) = 0xffffffffc0000000 ("Unable to
 * handle kernel paging request at virtual address ffffffffc0000000", level 2 translation fault). Linux 7.3's
 * trans_pgd.c allocates the p4d table there. Nothing reaches the relocation code; kexec dies with SIGSEGV.
 */
class Trixie612KexecLoadOopsesWithLpa2Test {

    @Test
    void kexecLoadOopsesInTransPgdCreateCopy() {
        RealKernelTier.enabled("trixie 6.12 on max (LPA2): kexec_load oops in trans_pgd_create_copy");
        RunResult r = RealKernelRun.run(Suite.TRIXIE, GuestCpu.MAX);
        RealKernelTier.record(r);
        assertTrue(RealKernelTruth.asExpected(r), "expected " + RealKernelTruth.expected(Suite.TRIXIE, GuestCpu.MAX) + ", got:\n" + r.describe());
        String reason = ((KexecOutcome.SetupFailed) r.outcome()).reason();
        assertTrue(reason.contains("ffffffffc0000000"), "not the __va(0) dereference:\n" + r.describe());
    }
}
