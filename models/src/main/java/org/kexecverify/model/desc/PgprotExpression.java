package org.kexecverify.model.desc;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntToLongFunction;

/**
 * A page protection as a kernel developer writes it in C: {@code PAGE_KERNEL_EXEC & ~PTE_UXN},
 * {@code PROT_NORMAL | PTE_RDONLY}, {@code (PAGE_KERNEL_ROX | PTE_NG) & ~PTE_PXN}, or a plain number. Names are the
 * {@link Pgprot} protections, {@code PROT_NORMAL}, and the {@code PTE_*} bits of pgtable-hwdef.h, each taken from its
 * {@link DescriptorBits} field (one definition of every bit); operators {@code |}, {@code &}, {@code ~} and
 * parentheses with C's precedence ({@code ~} before {@code &} before {@code |}). {@code PTE_ATTRINDX(n)} is accepted.
 */
public final class PgprotExpression {
    private PgprotExpression() {}

    /** The names an expression may use, with their value for a MAIR whose MT_NORMAL is at {@code mtNormal}. */
    private static final Map<String, IntToLongFunction> NAMES = new LinkedHashMap<>();

    static {
        for (Pgprot p : Pgprot.values()) NAMES.put(p.name(), p::bits);
        NAMES.put("PROT_NORMAL", Pgprot.PAGE_KERNEL::bits);
        bit("PTE_VALID", DescriptorBits.VALID);
        bit("PTE_TYPE_PAGE", DescriptorBits.TYPE);
        bit("PTE_USER", DescriptorBits.AP1);
        bit("PTE_HYP", DescriptorBits.AP1);
        bit("PTE_RDONLY", DescriptorBits.AP2);
        bit("PTE_SHARED", DescriptorBits.SH);
        bit("PTE_AF", DescriptorBits.AF);
        bit("PTE_NG", DescriptorBits.NG);
        bit("PTE_GP", DescriptorBits.GP);
        bit("PTE_DBM", DescriptorBits.DBM);
        bit("PTE_WRITE", DescriptorBits.DBM);
        bit("PTE_CONT", DescriptorBits.CONT);
        bit("PTE_PXN", DescriptorBits.PXN);
        bit("PTE_UXN", DescriptorBits.UXN);
        bit("PTE_HYP_XN", DescriptorBits.UXN);
        bit("PTE_ATTRINDX_MASK", DescriptorBits.ATTRINDX);
    }

    private static void bit(String name, org.kexecverify.model.reg.Field f) {
        long m = f.mask();
        NAMES.put(name, i -> m);
    }

    /** Every name an expression may use, for error messages. */
    public static String names() {
        return String.join(", ", NAMES.keySet()) + ", PTE_ATTRINDX(n)";
    }

    /**
     * The attribute bits of a level-3 entry that {@code text} stands for: like {@link #bits} but the value must leave
     * the output address (bits [47:12], PTE_ADDR_MASK) clear, as a pgprot does ({@code ~PTE_UXN} alone sets them all).
     */
    public static long attributes(String text, int mtNormal) {
        long v = bits(text, mtNormal);
        long addr = v & DescriptorBits.ADDRESS.mask();
        if (addr != 0) throw new IllegalArgumentException(String.format(
                "'%s' = 0x%x sets output-address bits (0x%x, PTE_ADDR_MASK [47:12]): a pgprot holds attributes only", text, v, addr));
        return v;
    }

    /** The attribute bits {@code text} stands for, PTE_ATTRINDX(MT_NORMAL) = {@code mtNormal} in the pgprot names. */
    public static long bits(String text, int mtNormal) {
        Parser p = new Parser(text, mtNormal);
        long v = p.or();
        p.skip();
        if (p.at < text.length()) throw p.error("unexpected '" + text.charAt(p.at) + "'");
        return v;
    }

    private static final class Parser {
        final String s;
        final int mt;
        int at;

        Parser(String s, int mt) {
            this.s = s;
            this.mt = mt;
        }

        void skip() {
            while (at < s.length() && (s.charAt(at) == ' ' || s.charAt(at) == '\t')) at++;
        }

        IllegalArgumentException error(String why) {
            return new IllegalArgumentException("'" + s + "' is not a pgprot expression: " + why + " at character " + (at + 1)
                    + " (names: " + names() + "; operators | & ~ and parentheses; or a number)");
        }

        long or() {
            long v = and();
            for (skip(); at < s.length() && s.charAt(at) == '|'; skip()) {
                at++;
                v |= and();
            }
            return v;
        }

        long and() {
            long v = unary();
            for (skip(); at < s.length() && s.charAt(at) == '&'; skip()) {
                at++;
                v &= unary();
            }
            return v;
        }

        long unary() {
            skip();
            if (at >= s.length()) throw error("expression ends early");
            char c = s.charAt(at);
            if (c == '~') {
                at++;
                return ~unary();
            }
            if (c == '(') {
                at++;
                long v = or();
                skip();
                if (at >= s.length() || s.charAt(at) != ')') throw error("missing ')'");
                at++;
                return v;
            }
            int start = at;
            while (at < s.length() && (Character.isLetterOrDigit(s.charAt(at)) && s.charAt(at) < 128 || s.charAt(at) == '_')) at++;
            String word = s.substring(start, at);
            if (word.isEmpty()) throw error("expected a name or a number");
            if (Character.isDigit(word.charAt(0))) {
                try {
                    return org.kexecverify.model.reg.U64.parse(word);
                } catch (IllegalArgumentException e) {
                    at = start;
                    throw error("'" + word + "' is not a number");
                }
            }
            String key = word.toUpperCase(Locale.ROOT);
            if (key.equals("PTE_ATTRINDX")) {
                skip();
                if (at >= s.length() || s.charAt(at) != '(') throw error("PTE_ATTRINDX needs (n)");
                at++;
                long n = or();
                skip();
                if (at >= s.length() || s.charAt(at) != ')') throw error("missing ')'");
                at++;
                if (n < 0 || n > 7) throw error("PTE_ATTRINDX(" + n + ") is not a MAIR index 0..7");
                return DescriptorBits.ATTRINDX.set(0, n);
            }
            IntToLongFunction f = NAMES.get(key);
            if (f == null) {
                at = start;
                throw error("unknown name '" + word + "'");
            }
            return f.applyAsLong(mt);
        }
    }
}
