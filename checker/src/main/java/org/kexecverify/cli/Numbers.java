package org.kexecverify.cli;

import org.kexecverify.model.reg.U64;

/** Command-line numbers: {@link U64} with errors as one-line {@link BadInput}. */
public final class Numbers {
    private Numbers() {}

    /**
     * An address or register value typed on the command line. Without a 0x / 0b prefix a value of more than one
     * digit is read as hex, as crash and ptdump users write addresses, and the reading is printed on {@code err}
     * (never silent); decimal needs the {@code 0d} prefix.
     */
    public static long parseAddress(String what, String text, java.io.PrintWriter err) {
        String t = text.strip();
        if (t.startsWith("0d") || t.startsWith("0D")) return parseU64(what, t.substring(2));
        if (t.length() > 1 && !t.startsWith("0x") && !t.startsWith("0X") && !t.startsWith("0b") && !t.startsWith("0B")) {
            long v = parseU64(what, "0x" + t);
            err.printf("kexec-verify: %s '%s' read as hex 0x%x (write 0d%s for decimal)%n", what, t, v, t);
            err.flush();
            return v;
        }
        return parseU64(what, t);
    }

    public static long parseU64(String what, String text) {
        try {
            return U64.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInput(what + ": " + e.getMessage());
        }
    }
}
