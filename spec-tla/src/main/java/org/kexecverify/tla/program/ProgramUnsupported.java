package org.kexecverify.tla.program;

/**
 * The code is valid, but the tla engine cannot turn it into an instance: it is missing, or it does
 * something the derivation (or the spec's vocabulary) has no word for. The engine answers
 * INCONCLUSIVE with {@link #getMessage()}, which names the symbol, offset and instruction.
 */
public final class ProgramUnsupported extends Exception {
    private static final long serialVersionUID = 1L;

    public ProgramUnsupported(String reason) {
        super(reason, null, false, false);
    }
}
