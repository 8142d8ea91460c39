package org.kexecverify.cli;

import org.kexecverify.model.reg.U64;

/** Command-line numbers: {@link U64} with errors as one-line {@link BadInput}. */
public final class Numbers {
    private Numbers() {}

    public static long parseU64(String what, String text) {
        try {
            return U64.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInput(what + ": " + e.getMessage());
        }
    }
}
