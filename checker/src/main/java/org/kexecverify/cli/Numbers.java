package org.kexecverify.cli;

import java.math.BigInteger;

/** Parses register values and addresses as written in dumps: 0x.., 0b.., decimal, with '_' separators. */
public final class Numbers {
    private Numbers() {}

    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(64);

    public static long parseU64(String what, String text) {
        String t = text.trim().replace("_", "");
        if (t.isEmpty()) throw new BadInput(what + ": empty value");
        int radix = 10;
        String digits = t;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            radix = 16;
            digits = t.substring(2);
        } else if (t.startsWith("0b") || t.startsWith("0B")) {
            radix = 2;
            digits = t.substring(2);
        }
        if (digits.isEmpty() || digits.startsWith("-") || digits.startsWith("+")) {
            throw new BadInput(what + ": '" + text.trim() + "' is not a number");
        }
        BigInteger v;
        try {
            v = new BigInteger(digits, radix);
        } catch (NumberFormatException e) {
            throw new BadInput(what + ": '" + text.trim() + "' is not a number");
        }
        if (v.compareTo(LIMIT) >= 0) throw new BadInput(what + ": '" + text.trim() + "' is wider than 64 bits");
        return v.longValue();
    }

    public static String hex(long v) {
        return "0x" + Long.toHexString(v);
    }
}
