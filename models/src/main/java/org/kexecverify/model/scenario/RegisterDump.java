package org.kexecverify.model.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.reg.U64;
import org.kexecverify.model.regime.Regime;

/**
 * A pasted register dump in the style of the 2019 cover letter: one register per line,
 * {@code TCR_EL2 0x80843510}, {@code SCTLR_EL2\t0x30e5183f}, {@code MAIR_EL2 = 0xbbff440c0400}.
 * Blank lines and lines starting with '#' are skipped; anything else that does not parse is an error
 * naming the line.
 */
public record RegisterDump(List<Entry> entries) {

    public record Entry(int line, SysReg register, long value) {}

    public static final class DumpError extends Exception {
        private final int line;

        public DumpError(int line, String msg) {
            super(msg, null, false, false);
            this.line = line;
        }

        public int line() { return line; }
    }

    // Possessive quantifiers: a long run of blanks must not make the match quadratic.
    private static final Pattern LINE = Pattern.compile("^\\s*+([A-Za-z][A-Za-z0-9_]*+)(?:\\s*+(?:=>|[:=])\\s*+|\\s++)(\\S++)\\s*+(?:#.*|//.*)?$");
    /** Longer values cannot fit 64 bits (66 binary digits with the prefix, plus '_' separators). */
    private static final int MAX_VALUE_CHARS = 128;

    public static RegisterDump parse(String text) throws DumpError {
        List<Entry> out = new ArrayList<>();
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.isBlank() || l.trim().startsWith("#")) continue;
            Matcher m = LINE.matcher(l);
            if (!m.matches()) throw new DumpError(i + 1, "cannot parse '" + l.trim() + "' (expected 'REGISTER VALUE')");
            SysReg reg;
            try {
                reg = SysReg.parse(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new DumpError(i + 1, e.getMessage());
            }
            out.add(new Entry(i + 1, reg, parseValue(i + 1, reg, m.group(2))));
        }
        if (out.isEmpty()) throw new DumpError(1, "no register lines in the dump");
        return new RegisterDump(out);
    }

    static long parseValue(int line, SysReg reg, String raw) throws DumpError {
        if (raw.length() > MAX_VALUE_CHARS) throw new DumpError(line, reg + " value of " + raw.length() + " characters is wider than 64 bits");
        try {
            return U64.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new DumpError(line, reg + " value " + e.getMessage());
        }
    }

    /** The regime implied by HCR_EL2.E2H when the dump has HCR_EL2. */
    public Optional<Regime> regime() {
        return entries.stream().filter(e -> e.register() == SysReg.HCR_EL2).findFirst()
                .map(e -> Layouts.of(SysReg.HCR_EL2, Regime.EL2).get("E2H", e.value()) != 0 ? Regime.EL2_0 : Regime.EL2);
    }

    public Optional<Long> value(SysReg r) {
        return entries.stream().filter(e -> e.register() == r).map(Entry::value).reduce((a, b) -> b);
    }
}
