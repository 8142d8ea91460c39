package org.kexecverify.groundtruth.kernel;

import java.util.ArrayList;
import java.util.List;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * Entry point of the real-kernel tier: {@code RealKernelTruth [suite...] [cpu...]} boots every suite x CPU pair
 * (default: bookworm and trixie x cortex-a57 and max), prints the results table (Markdown) on stdout and exits 0
 * when every pair ended SECOND_KERNEL_UP at EL2, 1 otherwise, 2 on bad arguments.
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
                System.err.println("kexec-verify truth real-kernel: '" + a + "' is neither a suite (bookworm, trixie) nor a CPU (cortex-a57, max)");
                System.exit(2);
            }
        }
        if (suites.isEmpty()) suites.addAll(List.of(Suite.BOOKWORM, Suite.TRIXIE));
        if (cpus.isEmpty()) cpus.addAll(List.of(GuestCpu.values()));
        List<RunResult> results = new ArrayList<>();
        for (Suite s : suites) {
            for (GuestCpu c : cpus) {
                RunResult r = RealKernelRun.run(s, c);
                results.add(r);
                if (!r.upAtEl2()) System.err.println(r.describe());
            }
        }
        System.out.print(ResultsTable.markdown(results));
        System.exit(results.stream().allMatch(RunResult::upAtEl2) ? 0 : 1);
    }
}
