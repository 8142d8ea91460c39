package org.kexecverify.tla;

import java.nio.file.Path;
import java.time.Duration;

/**
 * One TLC run: {@code dir/module.tla} checked with {@code dir/config}.
 *
 * @param dir           directory holding the module, the config and every module it extends
 * @param module        root module name (without .tla)
 * @param config        config file name inside dir
 * @param timeout       wall-clock limit of the child JVM
 * @param heapMb        child heap (-Xmx)
 * @param workers       TLC workers; 1 keeps traces reproducible
 * @param temporalNames names of the PROPERTY entries of the config, for reports
 */
public record TlcJob(Path dir, String module, String config, Duration timeout, int heapMb, int workers,
                     String temporalNames) {
    public TlcJob {
        if (workers < 1) throw new IllegalArgumentException("workers must be >= 1");
        if (heapMb < 64) throw new IllegalArgumentException("heapMb must be >= 64");
    }

    public static TlcJob of(Path dir, String module, String config, Duration timeout) {
        return new TlcJob(dir, module, config, timeout, 1024, 1, "Termination");
    }
}
