package org.kexecverify.emulator.qemu;

import java.util.List;

/**
 * Something that can decide a batch of materialized cases: QEMU ({@link QemuEngine}), the
 * project's model ({@link ModelOracle#engine()}), and the project's A64 emulator once it can run
 * an image (it implements this interface by running {@link MaterializedCase#bare()} -- the same
 * harness.S pages and register values -- and reporting OK / EXCEPTION / HANG).
 */
public interface CaseEngine {

    /** Short name for reports ({@code qemu}, {@code model}, {@code emu}). */
    String name();

    /** One outcome per case, in order. */
    List<Outcome> run(List<MaterializedCase> cases);
}
