package org.kexecverify.groundtruth.kernel;

import java.util.ArrayList;
import java.util.List;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * Entry point of the real-kernel tier: {@code RealKernelTruth [suite...] [cpu...]} boots every suite x CPU pair
 * (default: bookworm and trixie x cortex-a57, max and max,lpa2=off), prints the results table (Markdown) on stdout and exits 0
 * when every pair ended as {@link #expected} says, 1 otherwise, 2 on bad arguments.
 */
public final class RealKernelTruth {
    private RealKernelTruth() {
    }

    public static void main(String[] args) {
        List<Suite> suites = new ArrayList<>();
        List<GuestCpu> cpus = new ArrayList<>();
        for (String a : args) {
            try {
                suites.add(Suite.of(a));
                continue;
            } catch (IllegalArgumentException notASuite) {
                // maybe a CPU
            }
            try {
                cpus.add(GuestCpu.of(a));
            } catch (IllegalArgumentException e) {
                System.err.println("kexec-verify truth real-kernel: '" + a + "' is neither a suite (bookworm, trixie) nor a CPU (cortex-a57, max, max,lpa2=off)");
                System.exit(2);
            }
        }
        if (suites.isEmpty()) suites.addAll(List.of(Suite.BOOKWORM, Suite.TRIXIE));
        if (cpus.isEmpty()) cpus.addAll(List.of(GuestCpu.values()));
        int pairs = suites.size() * cpus.size();
        System.err.println("real-kernel tier: " + pairs + " boot(s), one at a time (each takes a core for 20-80 s)");
        List<RunResult> results = new ArrayList<>();
        for (Suite s : suites) {
            for (GuestCpu c : cpus) {
                RunResult r = RealKernelRun.run(s, c);
                results.add(r);
                if (!asExpected(r)) System.err.println(r.describe());
            }
        }
        System.out.print(ResultsTable.markdown(results));
        System.exit(results.stream().allMatch(RealKernelTruth::asExpected) ? 0 : 1);
    }

    /**
     * What each pair is pinned to: the second kernel up at EL2 (with VHE as the CPU has it), except Debian 13's
     * 6.12 on {@code max} with FEAT_LPA2, whose kexec_load oopses in trans_pgd_create_copy (copy_p4d does not
     * allocate the destination p4d table when the p4d level is real: 52-bit VAs with 4 KB pages).
     */
    public static String expected(Suite suite, GuestCpu cpu) {
        if (suite == Suite.TRIXIE && cpu == GuestCpu.MAX) return "SETUP_FAILED: kexec_load oopses in trans_pgd_create_copy";
        return "SECOND_KERNEL_UP at EL2" + (cpu.vhe() ? ", VHE" : ", no VHE");
    }

    /** Whether a run ended as {@link #expected} says. */
    public static boolean asExpected(RunResult r) {
        if (r.suite() == Suite.TRIXIE && r.cpu() == GuestCpu.MAX) {
            return r.outcome() instanceof KexecOutcome.SetupFailed f && f.reason().contains("trans_pgd_create_copy");
        }
        return r.upAtEl2();
    }
}
