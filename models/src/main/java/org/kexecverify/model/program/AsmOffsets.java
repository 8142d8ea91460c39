package org.kexecverify.model.program;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.model.program.CodeResolver.BadCode;

/**
 * A kernel build's {@code include/generated/asm-offsets.h}:
 * {@code #define KIMAGE_START 24 /* offsetof(struct kimage, start) *&#47;}. Pure Java.
 */
public final class AsmOffsets {
    private static final Pattern DEFINE = Pattern.compile("^\\s*#\\s*define\\s+(\\w+)\\s+\\(?(-?(?:0[xX][0-9a-fA-F]+|\\d+))[uUlL]*\\)?\\s*(?:/\\*.*)?$");

    private AsmOffsets() {}

    /** Every {@code #define NAME number} of the header, in order. */
    public static Map<String, Long> defines(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String l : text.split("\n")) {
            Matcher x = DEFINE.matcher(l);
            if (!x.matches()) continue;
            String v = x.group(2);
            boolean neg = v.startsWith("-");
            if (neg) v = v.substring(1);
            try {
                long n = v.startsWith("0x") || v.startsWith("0X") ? Long.parseUnsignedLong(v.substring(2), 16) : Long.parseLong(v);
                m.put(x.group(1), neg ? -n : n);
            } catch (NumberFormatException e) {
                // wider than 64 bits: not an offset
            }
        }
        return m;
    }

    /** The struct kimage offsets of the header named {@code file}. */
    public static KimageOffsets kimage(String file, String text) throws BadCode {
        Map<String, Long> d = defines(text);
        Map<String, Long> k = new LinkedHashMap<>();
        d.forEach((n, v) -> {
            if (n.startsWith("KIMAGE_")) k.put(n, v);
        });
        if (k.isEmpty()) {
            throw new BadCode(file, "no #define KIMAGE_* lines: not the include/generated/asm-offsets.h of an arm64 kernel with CONFIG_KEXEC_CORE");
        }
        for (String r : KimageOffsets.KERNEL_FIELDS) {
            if (!k.containsKey(r)) throw new BadCode(file, "struct kimage offsets: no " + r);
        }
        return of(file, k);
    }

    /** {@link KimageOffsets#of} with its complaint as a {@link BadCode} naming {@code file}. */
    public static KimageOffsets of(String file, Map<String, Long> values) throws BadCode {
        try {
            return KimageOffsets.of(values);
        } catch (IllegalArgumentException e) {
            throw new BadCode(file, "struct kimage offsets: " + e.getMessage());
        }
    }
}
