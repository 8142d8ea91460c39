package org.kexecverify.smt;

/**
 * Engine settings.
 *
 * @param timeoutMillis per-query solver timeout; a query that runs out is Inconclusive
 */
public record SmtOptions(long timeoutMillis) {
    /** 20 s per query: generous for CI machines, far above what the bundled scenarios need. */
    public static final SmtOptions DEFAULT = new SmtOptions(20_000);

    public SmtOptions {
        if (timeoutMillis <= 0) throw new IllegalArgumentException("timeout must be positive");
    }
}
