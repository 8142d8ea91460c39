package org.kexecverify.truth;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.kexecverify.groundtruth.kernel.GuestCpu;
import org.kexecverify.groundtruth.kernel.KexecOutcome;
import org.kexecverify.groundtruth.kernel.RealKernelRun;
import org.kexecverify.groundtruth.kernel.StopAtRelocation;
import org.kexecverify.kernels.debian.DebianArchive.Suite;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.ProgramCode;

/**
 * One injection on one CPU, end to end: Debian 6.1 boots at EL2 in QEMU and runs {@code kexec -e}; at the first
 * instruction of the relocation code ({@link StopAtRelocation}) the CPU facts are read, the project's prediction for
 * the mutated state is computed ({@link Predictor}), then the same mutation is made on the stopped machine and it
 * goes on to its outcome. The outcome classes are compared.
 *
 * <pre>
 *   QEMU boot --&gt; stop at kern_reloc --&gt; facts (HAFDBS, TCR.HA) --&gt; prediction (emulator + engines on the bundled plan)
 *                                  --&gt; injection through the gdbstub --&gt; continue --&gt; SECOND_KERNEL_UP / HANG / PANIC
 *   agreement: OutcomeClass.sameAs   (emulator-only mistakes: NOT_JUDGED, never counted)
 * </pre>
 */
public final class InjectionRun {
    /** How a prediction and QEMU's outcome compare. */
    public enum Agreement {
        AGREE, DISAGREE,
        /** QEMU cannot show the mistake (no caches, TLB flushed on SCTLR writes): never counted as agreement. */
        NOT_JUDGED,
        /** QEMU did not get to run the mutated state (setup failed, no stop at kern_reloc, the injection failed). */
        NOT_RUN
    }

    /**
     * @param prediction   the project's answer, null when the stop was not reached
     * @param qemu         QEMU's run (its outcome, wall time, console tail)
     * @param observed     QEMU's outcome class
     * @param injected     what was changed on the stopped machine, in words
     * @param predictedAt  from the stop to the prediction's end (QEMU stopped meanwhile)
     * @param injectionError why the injection could not be made, or empty
     */
    public record Result(Injection injection, GuestCpu cpu, Predictor.Prediction prediction, StopAtRelocation.Result qemu, OutcomeClass observed,
                         List<String> injected, Agreement agreement, String injectionError) {
        public Duration wall() {
            return qemu.run().wall();
        }

        /** For failure messages: the prediction, what was injected, QEMU's run and console tail. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(injection.cliName()).append(" on ").append(cpu.qemuCpu()).append(": ").append(agreement).append(" (predicted ")
                    .append(prediction == null ? "-" : prediction.outcome().label()).append(", QEMU ").append(observed.label()).append(")\n");
            if (prediction != null) b.append(prediction.describe());
            for (String i : injected) b.append("  injected  ").append(i).append('\n');
            if (!injectionError.isEmpty()) b.append("  injection failed: ").append(injectionError).append('\n');
            b.append(qemu.describe());
            return b.toString();
        }
    }

    private InjectionRun() {}

    /** Runs {@code inj} on {@code cpu} (Debian 12's 6.1); {@code engines} as {@code check --engine} takes them. */
    public static Result run(Injection inj, GuestCpu cpu, Path scenarios, String engines, RealKernelRun.Options options) {
        Predictor.Prediction[] prediction = {null};
        List<String> injected = new ArrayList<>();
        String[] error = {""};
        KimageOffsets offsets = offsets(cpu, scenarios);
        StopAtRelocation.Result r = StopAtRelocation.run(Suite.BOOKWORM, cpu, options, (state, gdb) -> {
            LiveMachine live = new LiveMachine(state, gdb, offsets);
            Predictor.Facts facts = Predictor.Facts.of(live);
            prediction[0] = Predictor.predict(inj, cpu, facts, scenarios, engines);
            System.err.print(prediction[0].describe());
            try {
                inj.qemu(live);
            } catch (java.io.IOException | RuntimeException e) {
                error[0] = e.toString();
                throw e;
            } finally {
                injected.addAll(live.changes());
                for (String c : live.changes()) System.err.println("  injected  " + c);
            }
        });
        OutcomeClass observed = OutcomeClass.of(r.run());
        Agreement a;
        if (prediction[0] == null || !error[0].isEmpty() || r.state() == null || r.run().outcome() instanceof KexecOutcome.SetupFailed) {
            a = Agreement.NOT_RUN;
        } else if (!inj.judgedByQemu()) {
            a = Agreement.NOT_JUDGED;
        } else {
            a = prediction[0].outcome().sameAs(observed) ? Agreement.AGREE : Agreement.DISAGREE;
        }
        return new Result(inj, cpu, prediction[0], r, observed, injected, a, error[0]);
    }

    /** The struct kimage offsets of the code the CPU's scenario runs (Debian 6.1's asm-offsets.h). */
    static KimageOffsets offsets(GuestCpu cpu, Path scenarios) {
        ProgramCode c = org.kexecverify.cli.Scenarios.scenario(Predictor.scenario(cpu, scenarios)).code();
        if (!(c instanceof ProgramCode.Resolved rc)) throw new IllegalStateException("no code for " + cpu.qemuCpu() + ": " + c.reason());
        return rc.code().offsets();
    }
}
