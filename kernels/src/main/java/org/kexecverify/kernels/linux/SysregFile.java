package org.kexecverify.kernels.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Linux's {@code arch/arm64/tools/sysreg}: register field tables in the kernel's own notation, an
 * independent source for the positions in {@code org.kexecverify.model.reg.Layouts}.
 *
 * <pre>
 * Sysreg NAME op0 op1 CRn CRm op2 | SysregFields NAME
 *   Res0 | Res1 | Unkn | Raz   msb[:lsb]
 *   Field msb[:lsb] NAME
 *   Enum | UnsignedEnum | SignedEnum  msb[:lsb] NAME  (value lines)  EndEnum
 *   Fields NAME          (the fields of a SysregFields block)
 *   Mapping NAME         (a VHE alias, e.g. SCTLR_EL12: no fields of its own)
 *   Prefix FEAT ... EndPrefix   (an alternative layout under a feature; not the default one)
 * EndSysreg | EndSysregFields
 * </pre>
 */
public final class SysregFile {
    /** What a bit range is: a named field or a reserved range. */
    public enum Kind { FIELD, RES0, RES1, UNKN }

    public record Entry(Kind kind, int msb, int lsb, String name, int line) {
        public String bits() { return msb == lsb ? Integer.toString(msb) : msb + ":" + lsb; }

        public long mask() {
            int w = msb - lsb + 1;
            return w == 64 ? -1L : ((1L << w) - 1) << lsb;
        }
    }

    /**
     * One Sysreg block (its {@code Fields} reference resolved) or SysregFields block. {@code unresolved}
     * names a {@code Fields} block the file does not define (7.3's MPAM1_EL12 names MPAM1_ELx); such a
     * register has no usable entries.
     */
    public record Register(String name, String encoding, List<Entry> entries, String mapping, int line, String unresolved) {
        public boolean isMapping() { return mapping != null; }

        public boolean usable() { return mapping == null && unresolved == null; }
    }

    /** A line the format does not allow: file, line number and what is wrong. */
    public static final class FormatError extends Exception {
        private static final long serialVersionUID = 1L;

        public FormatError(String msg) { super(msg, null, false, false); }
    }

    private final Map<String, Register> registers;
    private final Map<String, Register> fieldSets;
    private final String source;

    private SysregFile(String source, Map<String, Register> registers, Map<String, Register> fieldSets) {
        this.source = source;
        this.registers = registers;
        this.fieldSets = fieldSets;
    }

    public String source() { return source; }

    /** Sysreg blocks by name, in file order. */
    public Map<String, Register> registers() { return registers; }

    public Map<String, Register> fieldSets() { return fieldSets; }

    public static SysregFile read(Path p, String label) throws IOException, FormatError {
        return parse(Files.readAllLines(p), label);
    }

    public static SysregFile parse(List<String> lines, String label) throws FormatError {
        Map<String, Register> regs = new LinkedHashMap<>();
        Map<String, Register> sets = new LinkedHashMap<>();
        String block = null;   // "Sysreg" or "SysregFields"
        String name = null;
        String enc = null;
        String mapping = null;
        int start = 0;
        List<Entry> entries = null;
        boolean inEnum = false;
        boolean inPrefix = false;
        for (int i = 0; i < lines.size(); i++) {
            int ln = i + 1;
            String raw = lines.get(i);
            int hash = raw.indexOf('#');
            String l = (hash >= 0 ? raw.substring(0, hash) : raw).strip();
            if (l.isEmpty()) continue;
            String[] t = l.split("\\s+");
            String where = label + ":" + ln + ": ";
            if (inEnum) {
                if (t[0].equals("EndEnum")) inEnum = false;
                else if (!t[0].startsWith("0b") && !t[0].startsWith("0x")) throw new FormatError(where + "expected an enum value or EndEnum, got '" + l + "'");
                continue;
            }
            if (inPrefix) {
                if (t[0].equals("EndPrefix")) inPrefix = false;
                else if (t[0].matches("(Unsigned|Signed)?Enum")) inEnum = true;
                continue;
            }
            switch (t[0]) {
                case "Sysreg", "SysregFields" -> {
                    if (block != null) throw new FormatError(where + t[0] + " inside " + block + " " + name + " (line " + start + ")");
                    if (t.length < 2) throw new FormatError(where + t[0] + " without a name");
                    block = t[0];
                    name = t[1];
                    enc = t.length >= 7 ? String.join(" ", List.of(t).subList(2, 7)) : "";
                    if (block.equals("Sysreg") && t.length < 7) throw new FormatError(where + "Sysreg " + name + " needs op0 op1 CRn CRm op2");
                    start = ln;
                    entries = new ArrayList<>();
                    mapping = null;
                }
                case "EndSysreg", "EndSysregFields" -> {
                    if (block == null || !t[0].equals("End" + block)) throw new FormatError(where + t[0] + " without " + t[0].substring(3));
                    Register r = new Register(name, enc, List.copyOf(entries), mapping, start, null);
                    (block.equals("Sysreg") ? regs : sets).put(name, r);
                    block = null;
                }
                case "Res0", "Res1", "Unkn", "Raz" -> {
                    need(block, where, t[0]);
                    int[] b = bits(t, 1, where);
                    Kind k = t[0].equals("Res1") ? Kind.RES1 : t[0].equals("Unkn") ? Kind.UNKN : Kind.RES0;
                    entries.add(new Entry(k, b[0], b[1], t[0], ln));
                }
                case "Field", "Enum", "UnsignedEnum", "SignedEnum" -> {
                    need(block, where, t[0]);
                    if (t.length < 3) throw new FormatError(where + t[0] + " needs msb[:lsb] and a name");
                    int[] b = bits(t, 1, where);
                    entries.add(new Entry(Kind.FIELD, b[0], b[1], t[2], ln));
                    if (!t[0].equals("Field")) inEnum = true;
                }
                case "Fields" -> {
                    need(block, where, t[0]);
                    if (t.length < 2) throw new FormatError(where + "Fields without a name");
                    entries.add(new Entry(null, 0, 0, t[1], ln));   // resolved below: SysregFields may come later in the file
                }
                case "Mapping" -> {
                    need(block, where, t[0]);
                    mapping = t.length > 1 ? t[1] : "";
                }
                case "Prefix" -> {
                    need(block, where, t[0]);
                    inPrefix = true;
                }
                default -> throw new FormatError(where + "unknown keyword '" + t[0] + "'");
            }
        }
        if (block != null) throw new FormatError(label + ": " + block + " " + name + " (line " + start + ") never ends");
        for (Map<String, Register> m : List.of(sets, regs)) {
            for (Map.Entry<String, Register> e : m.entrySet()) e.setValue(resolve(e.getValue(), sets, label, 0));
        }
        return new SysregFile(label, regs, sets);
    }

    private static Register resolve(Register r, Map<String, Register> sets, String label, int depth) throws FormatError {
        if (r.entries().stream().noneMatch(e -> e.kind() == null)) return r;
        if (depth > 8) throw new FormatError(label + ":" + r.line() + ": Fields references nest too deep");
        List<Entry> out = new ArrayList<>();
        for (Entry e : r.entries()) {
            if (e.kind() != null) {
                out.add(e);
                continue;
            }
            Register s = sets.get(e.name());
            if (s == null) return new Register(r.name(), r.encoding(), List.of(), r.mapping(), r.line(), e.name());
            Register sub = resolve(s, sets, label, depth + 1);
            if (sub.unresolved() != null) return new Register(r.name(), r.encoding(), List.of(), r.mapping(), r.line(), sub.unresolved());
            out.addAll(sub.entries());
        }
        return new Register(r.name(), r.encoding(), List.copyOf(out), r.mapping(), r.line(), null);
    }

    private static void need(String block, String where, String kw) throws FormatError {
        if (block == null) throw new FormatError(where + kw + " outside a Sysreg block");
    }

    private static int[] bits(String[] t, int i, String where) throws FormatError {
        if (t.length <= i) throw new FormatError(where + "missing bit range");
        String[] p = t[i].split(":");
        try {
            int msb = Integer.parseInt(p[0]);
            int lsb = p.length > 1 ? Integer.parseInt(p[1]) : msb;
            if (msb < lsb || lsb < 0 || msb > 127) throw new FormatError(where + "bad bit range " + t[i]);
            return new int[] {msb, lsb};
        } catch (NumberFormatException e) {
            throw new FormatError(where + "bad bit range '" + t[i] + "'");
        }
    }
}
