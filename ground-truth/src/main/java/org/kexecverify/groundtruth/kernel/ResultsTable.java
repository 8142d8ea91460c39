package org.kexecverify.groundtruth.kernel;

import java.util.List;

/** The results of real-kernel runs as a Markdown table (run x CPU: outcome, wall time, versions). */
public final class ResultsTable {
    private ResultsTable() {
    }

    public static String markdown(List<RunResult> results) {
        StringBuilder b = new StringBuilder();
        b.append("| suite | kernel package | CPU | outcome | second kernel says | as pinned | wall | to `kexec -e` | `kexec -e` to up |\n");
        b.append("|---|---|---|---|---|---|---|---|---|\n");
        for (RunResult r : results) {
            String says = r.outcome() instanceof KexecOutcome.SecondKernelUp u
                    ? u.elLine().replaceFirst("^\\[[^]]*\\]\\s*", "") + (u.vhe() ? "; VHE" : "") : "";
            b.append("| ").append(r.suite().codename()).append(" | `").append(r.kernel().name()).append("` ").append(r.kernel().version())
                    .append(" | ").append(r.cpu().qemuCpu()).append(" | ").append(cell(r.outcome().toString())).append(" | ").append(cell(says))
                    .append(" | ").append(RealKernelTruth.asExpected(r) ? "yes" : "**no**: " + RealKernelTruth.expected(r.suite(), r.cpu())).append(" | ").append(RunResult.seconds(r.wall())).append(" | ").append(RunResult.seconds(r.toKexec())).append(" | ")
                    .append(RunResult.seconds(r.kexecToUp())).append(" |\n");
        }
        return b.toString();
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
