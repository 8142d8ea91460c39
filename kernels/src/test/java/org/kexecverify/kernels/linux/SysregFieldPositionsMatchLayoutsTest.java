package org.kexecverify.kernels.linux;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kexecverify.kernels.debian.DebianArchive;
import org.kexecverify.kernels.debian.LinuxSourceFile;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.FieldKind;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;

/**
 * Every field position of every register that both Linux's {@code arch/arm64/tools/sysreg} and
 * {@link Layouts} describe, compared. The Linux tables come from Debian's kernel sources at test time
 * (bookworm's linux-source-6.1, trixie's 6.12, and trixie-backports' newest, which is the first to
 * describe SCTLR_EL2, HCR_EL2 and TCR_EL1), fetched once into the cache; {@code -Dkexec.sysreg=path,...}
 * gives copies instead. A mismatch fails unless {@code sysreg-exceptions.tsv} lists it with the
 * architectural reason; an exception that no longer matches anything fails too (when every source
 * was read). Every mismatch is printed.
 */
class SysregFieldPositionsMatchLayoutsTest {

    /** How a field disagrees. */
    enum Kind {
        /** same name, other bits */
        POSITION,
        /** Linux names a field our table does not (there ours has RES0/RES1 or another field) */
        LINUX_ONLY,
        /** our table names a field Linux does not */
        OURS_ONLY,
        /** both reserve the bits, one as RES0 and the other as RES1 */
        RESERVED
    }

    record Mismatch(String layout, Kind kind, String field, String detail) {
        String key() { return layout + "\t" + kind + "\t" + field; }
    }

    record Source(String label, SysregFile file) {}

    record Excepted(String layout, Kind kind, Set<String> fields, String reason, int line) {
        boolean covers(Mismatch m) { return m.layout().equals(layout) && m.kind() == kind && fields.contains(m.field()); }
    }

    /** Our name for a field where it differs from Linux's (after case folding). */
    private static final Map<String, String> ALIASES = Map.of("VA", "ADDR");

    @Test
    void everyFieldPositionBothDescribeMatchesOrIsAListedException() throws Exception {
        List<String> unavailable = new ArrayList<>();
        List<Source> sources = sources(unavailable);
        unavailable.forEach(u -> System.out.println("[sysreg] not read: " + u));
        Assumptions.assumeFalse(sources.isEmpty(), "no copy of arch/arm64/tools/sysreg could be read: " + unavailable);
        List<Excepted> exceptions = exceptions();

        Map<String, Mismatch> byKey = new TreeMap<>();
        Map<String, Set<String>> seenIn = new LinkedHashMap<>();
        Set<String> linuxRegs = new LinkedHashSet<>();
        int pairs = 0;
        int linuxFields = 0;
        int oursFields = 0;
        int agreeing = 0;
        for (Source s : sources) {
            int sPairs = 0;
            int sFields = 0;
            for (Map.Entry<RegisterLayout, List<String>> c : layouts().entrySet()) {
                RegisterLayout ours = c.getKey();
                SysregFile.Register linux = find(s.file(), c.getValue());
                if (linux == null || linux.isMapping()) continue;
                if (!linux.usable()) {
                    System.out.println("[sysreg] " + s.label() + ": " + linux.name() + " names Fields " + linux.unresolved() + ", which the file does not define: not compared");
                    continue;
                }
                pairs++;
                sPairs++;
                linuxRegs.add(linux.name());
                Result r = compare(ours, linux);
                linuxFields += r.linuxFields;
                oursFields += r.oursFields;
                agreeing += r.agreeing;
                sFields += r.linuxFields;
                for (Mismatch m : r.mismatches) {
                    byKey.putIfAbsent(m.key(), m);
                    seenIn.computeIfAbsent(m.key(), k -> new LinkedHashSet<>()).add(s.label());
                }
            }
            System.out.printf("[sysreg] %s: %d registers in the file, %d of our layouts compared, %d Linux fields checked%n",
                    s.label(), s.file().registers().size(), sPairs, sFields);
        }
        System.out.printf("[sysreg] %d Linux registers (%s), %d layout/source pairs; %d Linux field positions and %d of ours checked, %d agree; %d distinct mismatches%n",
                linuxRegs.size(), String.join(" ", linuxRegs), pairs, linuxFields, oursFields, agreeing, byKey.size());

        List<String> failures = new ArrayList<>();
        Set<Excepted> used = new LinkedHashSet<>();
        for (Mismatch m : byKey.values()) {
            Excepted e = exceptions.stream().filter(x -> x.covers(m)).findFirst().orElse(null);
            String line = String.format("%-36s %-10s %-10s %s  [%s]", m.layout(), m.kind(), m.field(), m.detail(), String.join(", ", seenIn.get(m.key())));
            if (e != null) {
                used.add(e);
                System.out.println("[sysreg] excepted " + line + "\n           reason (sysreg-exceptions.tsv:" + e.line() + "): " + e.reason());
            } else {
                System.out.println("[sysreg] MISMATCH " + line);
                failures.add(line);
            }
        }
        if (unavailable.isEmpty()) {
            for (Excepted e : exceptions) {
                if (!used.contains(e)) {
                    failures.add("stale exception, sysreg-exceptions.tsv:" + e.line() + ": " + e.layout() + " " + e.kind() + " " + e.fields() + " matches no mismatch");
                }
            }
        }
        assertTrue(failures.isEmpty(), failures.size() + " field-position disagreements with Linux's arch/arm64/tools/sysreg"
                + " not listed in sysreg-exceptions.tsv:\n  " + String.join("\n  ", failures));
    }

    // ---- sources -----------------------------------------------------------------------------------

    static List<Source> sources(List<String> unavailable) throws Exception {
        List<Source> out = new ArrayList<>();
        String given = System.getProperty("kexec.sysreg", "");
        if (!given.isBlank()) {
            for (String p : given.split(",")) {
                Path f = Path.of(p.strip());
                out.add(new Source(f.toString(), SysregFile.read(f, f.toString())));
            }
            return out;
        }
        for (DebianArchive.Suite suite : List.of(DebianArchive.Suite.BOOKWORM, DebianArchive.Suite.TRIXIE, DebianArchive.Suite.TRIXIE_BACKPORTS)) {
            try {
                LinuxSourceFile.Fetched f = LinuxSourceFile.fetch(new DebianArchive(suite, "amd64"), "arch/arm64/tools/sysreg");
                String label = f.pkg() + " " + f.version() + " (" + suite.codename() + ")";
                out.add(new Source(label, SysregFile.read(f.file(), label)));
            } catch (DebianArchive.Unavailable e) {
                unavailable.add(suite.codename() + ": " + e.getMessage());
            }
        }
        return out;
    }

    static List<Excepted> exceptions() throws IOException {
        List<Excepted> out = new ArrayList<>();
        try (InputStream in = SysregFieldPositionsMatchLayoutsTest.class.getResourceAsStream("/sysreg-exceptions.tsv")) {
            if (in == null) throw new IllegalStateException("sysreg-exceptions.tsv is not on the test classpath");
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.isBlank() || l.startsWith("#")) continue;
                String[] c = l.split("\t");
                if (c.length != 4 || c[3].isBlank()) {
                    throw new IllegalStateException("sysreg-exceptions.tsv:" + (i + 1) + ": expected layout<TAB>kind<TAB>fields<TAB>reason, got: " + l);
                }
                Set<String> fields = new LinkedHashSet<>();
                for (String f : c[2].split(",")) fields.add(f.strip());
                out.add(new Excepted(c[0].strip(), Kind.valueOf(c[1].strip()), fields, c[3].strip(), i + 1));
            }
        }
        return out;
    }

    // ---- comparison --------------------------------------------------------------------------------

    /**
     * Each distinct field table of ours (SCTLR_EL2 has two: E2H=0 and E2H=1), with the Linux registers
     * that describe it, first found wins: an E2H=1 TCR_EL2 or TTBRn_EL2 has the EL1 layout, so where
     * Linux has no EL2 entry of its own the EL1 one is compared.
     */
    static Map<RegisterLayout, List<String>> layouts() {
        Map<String, RegisterLayout> seen = new LinkedHashMap<>();
        Map<RegisterLayout, List<String>> out = new LinkedHashMap<>();
        for (Regime g : Regime.values()) {
            for (SysReg r : SysReg.values()) {
                if (!Layouts.exists(r, g)) continue;
                RegisterLayout l = Layouts.of(r, g);
                if (seen.putIfAbsent(l.layoutName(), l) != null) continue;
                List<String> names = new ArrayList<>(List.of(r.name()));
                if (g == Regime.EL2_0 && (r == SysReg.TCR_EL2 || r == SysReg.TTBR0_EL2 || r == SysReg.TTBR1_EL2)) {
                    names.add(r.name().replace("_EL2", "_EL1"));
                }
                out.put(l, names);
            }
        }
        return out;
    }

    static SysregFile.Register find(SysregFile f, List<String> names) {
        for (String n : names) {
            for (SysregFile.Register x : f.registers().values()) {
                if (x.name().equalsIgnoreCase(n)) return x;
            }
        }
        return null;
    }

    static String norm(String name) {
        String n = name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
        return ALIASES.getOrDefault(n, n);
    }

    /** The names one of our fields answers to: {@code EOS/RES1} answers to EOS. */
    static Set<String> names(Field f) {
        Set<String> s = new LinkedHashSet<>();
        for (String p : f.name().split("/")) s.add(norm(p));
        return s;
    }

    static boolean named(Field f) {
        return f.kind() == FieldKind.VALUE || !f.name().equals(f.kind().name());
    }

    static final class Result {
        final List<Mismatch> mismatches = new ArrayList<>();
        int linuxFields;
        int oursFields;
        int agreeing;
    }

    static Result compare(RegisterLayout ours, SysregFile.Register linux) {
        Result r = new Result();
        String layout = ours.layoutName();
        Map<String, Field> oursByName = new LinkedHashMap<>();
        for (Field f : ours.fields()) if (named(f)) for (String n : names(f)) oursByName.putIfAbsent(n, f);
        Map<String, SysregFile.Entry> linuxByName = new LinkedHashMap<>();
        for (SysregFile.Entry e : linux.entries()) if (e.kind() == SysregFile.Kind.FIELD) linuxByName.putIfAbsent(norm(e.name()), e);

        for (SysregFile.Entry e : linux.entries()) {
            if (e.kind() != SysregFile.Kind.FIELD || e.msb() > 63) continue;
            r.linuxFields++;
            Field f = oursByName.get(norm(e.name()));
            if (f == null) {
                r.mismatches.add(new Mismatch(layout, Kind.LINUX_ONLY, e.name(), "Linux [" + e.bits() + "], ours there: " + oursAt(ours, e.mask())));
            } else if (f.msb() != e.msb() || f.lsb() != e.lsb()) {
                r.mismatches.add(new Mismatch(layout, Kind.POSITION, e.name(), "Linux [" + e.bits() + "], ours [" + f.bits() + "]"));
            } else {
                r.agreeing++;
            }
        }
        for (Field f : ours.fields()) {
            if (!named(f)) continue;
            r.oursFields++;
            boolean known = names(f).stream().anyMatch(linuxByName::containsKey);
            if (!known) {
                r.mismatches.add(new Mismatch(layout, Kind.OURS_ONLY, f.name(), "ours [" + f.bits() + "], Linux there: " + linuxAt(linux, f.mask())));
            }
        }
        // reserved bits: RES0 against RES1
        for (int bit = 0; bit < 64; bit++) {
            Field f = fieldAt(ours, bit);
            SysregFile.Entry e = entryAt(linux, bit);
            if (f == null || e == null || f.kind() == FieldKind.VALUE || e.kind() == SysregFile.Kind.FIELD) continue;
            boolean oursRes1 = f.kind() == FieldKind.RES1;
            boolean linuxRes1 = e.kind() == SysregFile.Kind.RES1;
            if (e.kind() != SysregFile.Kind.UNKN && oursRes1 != linuxRes1) {
                r.mismatches.add(new Mismatch(layout, Kind.RESERVED, "bit" + bit, "ours " + (oursRes1 ? "RES1" : "RES0") + ", Linux " + e.name()));
            }
        }
        return r;
    }

    static Field fieldAt(RegisterLayout l, int bit) {
        for (Field f : l.fields()) if (f.lsb() <= bit && bit <= f.msb()) return f;
        return null;
    }

    static SysregFile.Entry entryAt(SysregFile.Register r, int bit) {
        for (SysregFile.Entry e : r.entries()) if (e.lsb() <= bit && bit <= e.msb()) return e;
        return null;
    }

    static String oursAt(RegisterLayout l, long mask) {
        Set<String> s = new LinkedHashSet<>();
        for (Field f : l.fields()) if ((f.mask() & mask) != 0) s.add(f.name() + "[" + f.bits() + "]");
        return String.join(" ", s);
    }

    static String linuxAt(SysregFile.Register r, long mask) {
        Set<String> s = new LinkedHashSet<>();
        long covered = 0;
        for (SysregFile.Entry e : r.entries()) {
            if ((e.mask() & mask) != 0 && e.msb() < 64) {
                s.add(e.name() + "[" + e.bits() + "]");
                covered |= e.mask();
            }
        }
        if ((covered & mask) != mask) s.add("undescribed");
        return String.join(" ", s);
    }
}
