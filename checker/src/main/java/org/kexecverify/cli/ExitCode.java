package org.kexecverify.cli;

/** The CLI's exit codes (DESIGN.md): a contract for scripts and CI. */
public final class ExitCode {
    private ExitCode() {}

    /** Every obligation proved. */
    public static final int PROVED = 0;
    /** At least one obligation refuted. */
    public static final int REFUTED = 1;
    /** Bad input or usage. */
    public static final int BAD_INPUT = 2;
    /** Nothing refuted, something inconclusive. */
    public static final int INCONCLUSIVE = 3;
    /** Engines disagree, or an engine produced a witness the model does not confirm: a bug. */
    public static final int INTERNAL_ERROR = 4;
}
