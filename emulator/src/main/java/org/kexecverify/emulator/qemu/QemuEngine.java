package org.kexecverify.emulator.qemu;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * QEMU as a {@link CaseEngine}: groups cases by CPU model, runs them in batches of
 * {@link #BATCH} per boot, and reads each report through the case regime's ESR layout.
 */
public final class QemuEngine implements CaseEngine {

    /** Cases per image: keeps the image (about 40 KB per case) below the table pools at 0x4200_0000. */
    public static final int BATCH = 200;

    private final Toolchain tools;
    private final QemuRunner runner;
    private final Map<Cpu, QemuRunner.BootInfo> bootInfo = new EnumMap<>(Cpu.class);
    private int boots;
    private long runNanos;

    public QemuEngine(Toolchain tools, Path workDir, Duration hangLimit) {
        this.tools = tools;
        this.runner = new QemuRunner(tools, HarnessProgram.build(tools, workDir), workDir, hangLimit);
    }

    public Toolchain tools() {
        return tools;
    }

    /** ID registers of {@code cpu}, read by booting the harness with no cases (cached). */
    public QemuRunner.BootInfo boot(Cpu cpu) {
        return bootInfo.computeIfAbsent(cpu, c -> runner.run(c, List.of()).boot());
    }

    @Override
    public String name() {
        return "qemu";
    }

    @Override
    public List<Outcome> run(List<MaterializedCase> cases) {
        Outcome[] out = new Outcome[cases.size()];
        for (Cpu cpu : Cpu.values()) {
            List<Integer> idx = new ArrayList<>();
            for (int i = 0; i < cases.size(); i++) {
                if (cases.get(i).spec().cpu() == cpu) {
                    idx.add(i);
                }
            }
            for (int from = 0; from < idx.size(); from += BATCH) {
                List<Integer> chunk = idx.subList(from, Math.min(idx.size(), from + BATCH));
                List<BareMetalCase> bare = new ArrayList<>();
                for (int i : chunk) {
                    bare.add(cases.get(i).bare());
                }
                QemuRunner.BatchResult r = runner.run(cpu, bare);
                boots += r.boots();
                runNanos += r.elapsed().toNanos();
                QemuRunner.BootInfo expected = boot(cpu);
                if (r.boot().idAa64mmfr0() != expected.idAa64mmfr0()) {
                    throw new IllegalStateException("ID_AA64MMFR0_EL1 changed between boots of " + cpu.qemuName());
                }
                for (int k = 0; k < chunk.size(); k++) {
                    MaterializedCase m = cases.get(chunk.get(k));
                    out[chunk.get(k)] = Outcome.fromRaw(r.outcomes().get(k), m.spec().regime());
                }
            }
        }
        return List.of(out);
    }

    /** QEMU boots so far (one per batch plus one per hang). */
    public int boots() {
        return boots;
    }

    /** Wall time spent in QEMU batches so far. */
    public Duration runTime() {
        return Duration.ofNanos(runNanos);
    }
}
