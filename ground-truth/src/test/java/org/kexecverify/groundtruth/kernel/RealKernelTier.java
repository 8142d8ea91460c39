package org.kexecverify.groundtruth.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Assumptions;

/**
 * The real-kernel tier's switch and record. It runs unless {@code -Dkexec-verify.skipRealKernel=true} is given
 * (then each test prints what it skipped); a missing package, download or QEMU is a failure, not a skip. Every run
 * appends a row to {@code target/real-kernel/results.md}.
 */
final class RealKernelTier {
    static final String SKIP_PROPERTY = "kexec-verify.skipRealKernel";

    private RealKernelTier() {
    }

    /** Skips (loudly) when the tier is switched off. */
    static void enabled(String what) {
        if (Boolean.getBoolean(SKIP_PROPERTY)) {
            String msg = "SKIPPED real-kernel tier: " + what + " (-D" + SKIP_PROPERTY + "=true)";
            System.err.println(msg);
            Assumptions.abort(msg);
        }
    }

    static void record(RunResult r) {
        try {
            Path dir = Path.of("target", "real-kernel");
            Files.createDirectories(dir);
            Path f = dir.resolve("results.md");
            String table = ResultsTable.markdown(java.util.List.of(r));
            String body = Files.exists(f) ? table.substring(table.indexOf('\n', table.indexOf('\n') + 1) + 1) : table;
            Files.writeString(f, body, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.err.println("real-kernel results not recorded: " + e.getMessage());
        }
    }
}
