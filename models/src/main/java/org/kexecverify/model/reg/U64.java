package org.kexecverify.model.reg;

import java.math.BigInteger;

/** Parses unsigned 64-bit values as written in dumps and scenarios: 0x.., 0b.., decimal, '_' separators. */
public final class U64 {
    private U64() {}

    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(64);

    /** @throws IllegalArgumentException naming what is wrong ("'0xzz' is not a number", "... is wider than 64 bits") */
    public static long parse(String text) {
        String t = text.trim().replace("_", "");
        int radix = 10;
        if (t.startsWith("0x") || t.startsWith("0X")) {
            radix = 16;
            t = t.substring(2);
        } else if (t.startsWith("0b") || t.startsWith("0B")) {
            radix = 2;
            t = t.substring(2);
        }
        BigInteger v;
        try {
            // ASCII digits only: BigInteger would also read Arabic-Indic or full-width digits
            String digits = radix == 16 ? "[0-9a-fA-F]+" : radix == 2 ? "[01]+" : "[0-9]+";
            if (!t.matches(digits)) throw new NumberFormatException();
            v = new BigInteger(t, radix);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a number");
        }
        return fit(v, text.trim());
    }

    /** The value as a long if it fits in 64 unsigned bits. */
    public static long fit(BigInteger v, String shown) {
        if (v.signum() < 0) throw new IllegalArgumentException("'" + shown + "' is negative");
        if (v.compareTo(LIMIT) >= 0) throw new IllegalArgumentException("'" + shown + "' is wider than 64 bits");
        return v.longValue();
    }
}
