package org.kexecverify.model.capture;

import java.util.ArrayList;
import java.util.List;

/**
 * The text form of one captured 4 KiB page: its 512 little-endian 64-bit words as hex tokens, runs folded.
 *
 * <pre>
 *   token := VALUE                one word                       0x40000000000f03
 *          | VALUE*COUNT          COUNT equal words              0*508
 *          | VALUE*COUNT+STEP     COUNT words VALUE, VALUE+STEP  0x68000040000707*512+0x1000   (a level-3 table of
 *          | VALUE*COUNT-STEP     ... or VALUE-STEP ...                                     consecutive pages)
 *   page  := tokens separated by blanks or line breaks, 512 words in all
 * </pre>
 *
 * Descriptors stay readable as the hex the kernel wrote, and the regular tables the kernel builds (a linear map is
 * runs of consecutive pages) cost a few tokens each.
 */
public final class PageWords {
    public static final int WORDS = 512;
    /** Tokens per line when written. */
    private static final int PER_LINE = 6;

    private PageWords() {}

    /** A malformed page text: the message names the token. */
    public static final class Malformed extends Exception {
        public Malformed(String msg) {
            super(msg, null, false, false);
        }
    }

    public static String encode(long[] w) {
        if (w.length != WORDS) throw new IllegalArgumentException("a page is " + WORDS + " words, not " + w.length);
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < WORDS; ) {
            int n = 1;
            long step = i + 1 < WORDS ? w[i + 1] - w[i] : 0;
            while (i + n < WORDS && w[i + n] - w[i + n - 1] == step) n++;
            if (n == 1 || (n == 2 && step != 0)) {
                tokens.add(hex(w[i]));
                i++;
                continue;
            }
            String t = hex(w[i]) + "*" + n;
            if (step > 0) t += "+" + hex(step);
            else if (step < 0) t += "-" + hex(-step);
            tokens.add(t);
            i += n;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < tokens.size(); i++) {
            b.append(tokens.get(i)).append((i + 1) % PER_LINE == 0 || i + 1 == tokens.size() ? '\n' : ' ');
        }
        return b.toString();
    }

    public static long[] decode(String text) throws Malformed {
        long[] w = new long[WORDS];
        int at = 0;
        int k = 0;
        for (String t : text.trim().split("\\s+")) {
            k++;
            if (t.isEmpty()) continue;
            long value;
            long count = 1;
            long step = 0;
            try {
                int star = t.indexOf('*');
                if (star < 0) {
                    value = number(t);
                } else {
                    value = number(t.substring(0, star));
                    String rest = t.substring(star + 1);
                    int sign = Math.max(rest.indexOf('+'), rest.indexOf('-'));
                    count = Long.parseLong(sign < 0 ? rest : rest.substring(0, sign));
                    if (sign >= 0) step = (rest.charAt(sign) == '-' ? -1 : 1) * number(rest.substring(sign + 1));
                    if (count < 1) throw new Malformed("token " + k + " '" + t + "': a run needs a count of at least 1");
                }
            } catch (NumberFormatException e) {
                throw new Malformed("token " + k + " '" + shorten(t) + "' is not VALUE, VALUE*COUNT or VALUE*COUNT+STEP (hex values, decimal count)");
            }
            if (at + count > WORDS) throw new Malformed("token " + k + " '" + shorten(t) + "' runs past the page's " + WORDS + " words");
            for (long i = 0; i < count; i++) w[at++] = value + i * step;
        }
        if (at != WORDS) throw new Malformed("the page holds " + at + " words, not " + WORDS);
        return w;
    }

    private static long number(String s) {
        if (s.length() > 18) throw new NumberFormatException();
        if (s.startsWith("0x") || s.startsWith("0X")) return Long.parseUnsignedLong(s.substring(2), 16);
        if (s.equals("0")) return 0;
        throw new NumberFormatException();
    }

    private static String hex(long v) {
        return v == 0 ? "0" : "0x" + Long.toHexString(v);
    }

    private static String shorten(String t) {
        return t.length() > 40 ? t.substring(0, 40) + "..." : t;
    }
}
