package org.kexecverify.truth;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Assumptions;
import org.kexecverify.groundtruth.kernel.GuestCpu;
import org.kexecverify.groundtruth.kernel.RealKernelRun;

/**
 * The fault-injection part of the real-kernel tier: on unless {@code -Dkexec-verify.skipRealKernel=true} (then each
 * test prints what it skipped). Every run is made once per JVM and shared by the tests that read it.
 */
final class RealKernelInjectionTier {
    static final String SKIP_PROPERTY = "kexec-verify.skipRealKernel";
    /** Console silence that makes a HANG in these runs (a fault loop is a HANG at once). */
    static final Duration SILENCE = Duration.ofSeconds(45);
    private static final Map<String, InjectionRun.Result> RUNS = new ConcurrentHashMap<>();

    private RealKernelInjectionTier() {
    }

    static void enabled(String what) {
        if (Boolean.getBoolean(SKIP_PROPERTY)) {
            String msg = "SKIPPED real-kernel tier: " + what + " (-D" + SKIP_PROPERTY + "=true)";
            System.err.println(msg);
            Assumptions.abort(msg);
        }
    }

    /** {@code inj} on {@code cpu} with predictions by model, smt and emu (made once, then shared). */
    static synchronized InjectionRun.Result run(Injection inj, GuestCpu cpu) {
        return RUNS.computeIfAbsent(inj + "/" + cpu, k -> {
            RealKernelRun.Options d = RealKernelRun.Options.defaults();
            RealKernelRun.Options o = new RealKernelRun.Options(SILENCE, d.total(), d.progress(), d.cpuOptions(),
                    java.nio.file.Path.of("target", "real-kernel", "inject", inj.cliName()));
            InjectionRun.Result r = InjectionRun.run(inj, cpu, Predictor.scenariosDir(), "model,smt,emu", o);
            System.err.println(r.describe());
            return r;
        });
    }
}
