package org.kexecverify.groundtruth.kernel;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.kexecverify.groundtruth.kernel.GuestPackages.PackageVersion;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * One boot-then-kexec run: what ran, how it ended, how long each part took.
 *
 * @param kernel       the kernel package and version ({@code linux-image-6.1.0-57-arm64 6.1.192-3}); "unresolved"
 *                     when the packages could not be fetched
 * @param packages     every guest package with its version
 * @param wall         QEMU start to the outcome
 * @param toKexec      QEMU start to {@code kexec -e} (null if not reached)
 * @param kexecToUp    {@code kexec -e} to the second kernel's "SECOND KERNEL UP" (null if not reached)
 * @param symbols      the first kernel's kallsyms lines that /init printed (name to address)
 * @param kexecLines   what {@code kexec -d} said about the placement (segments, entry)
 * @param firstKernel  the first kernel's log lines about its EL and VHE
 * @param secondKernel the second kernel's log lines about its EL and VHE
 * @param consoleTail  the last console lines (for failure messages)
 * @param qemuCommand  the QEMU command line, as run
 */
public record RunResult(Suite suite, GuestCpu cpu, PackageVersion kernel, List<PackageVersion> packages, KexecOutcome outcome,
                        Duration wall, Duration toKexec, Duration kexecToUp, Map<String, Long> symbols, List<String> kexecLines,
                        List<String> firstKernel, List<String> secondKernel, List<String> consoleTail, String qemuCommand) {

    /** Whether the second kernel came up at the EL the machine entered the first one at (EL2), with VHE as the CPU has it. */
    public boolean upAtEl2() {
        return outcome instanceof KexecOutcome.SecondKernelUp u && u.currentEl() == 2 && u.vhe() == cpu.vhe();
    }

    /** A labelled description for failure messages: outcome, versions, the console tail. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(suite.codename()).append(" / ").append(cpu.qemuCpu()).append(": ").append(outcome).append('\n');
        b.append("  kernel   ").append(kernel).append('\n');
        b.append("  wall     ").append(seconds(wall)).append(" (to kexec -e ").append(seconds(toKexec)).append(", kexec -e to up ")
                .append(seconds(kexecToUp)).append(")\n");
        if (!firstKernel.isEmpty()) b.append("  first    ").append(String.join(" | ", firstKernel)).append('\n');
        if (!secondKernel.isEmpty()) b.append("  second   ").append(String.join(" | ", secondKernel)).append('\n');
        b.append("  qemu     ").append(qemuCommand).append('\n');
        b.append("  console tail:\n");
        for (String l : consoleTail) b.append("    | ").append(l).append('\n');
        return b.toString();
    }

    static String seconds(Duration d) {
        return d == null ? "-" : String.format("%.1f s", d.toMillis() / 1000.0);
    }
}
