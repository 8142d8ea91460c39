package org.kexecverify.model.program;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.model.program.CodeResolver.BadCode;

/**
 * Symbol addresses of one kernel build, from a {@code System.map} or a {@code /proc/kallsyms} dump
 * ({@code ffff800008010000 T _text}, kallsyms lines may end in {@code [module]}). Pure Java.
 */
public final class SymbolMap {
    private static final Pattern LINE = Pattern.compile("^([0-9a-fA-F]{1,16})\\s+([A-Za-z?-])\\s+(\\S+)(\\s+\\[\\S+\\])?\\s*$");

    /** One line: address, nm type letter, name. */
    public record Entry(long address, char type, String name, int line) {}

    private final String file;
    private final Map<String, List<Entry>> byName;
    private final TreeSet<Long> addresses;

    private SymbolMap(String file, Map<String, List<Entry>> byName, TreeSet<Long> addresses) {
        this.file = file;
        this.byName = byName;
        this.addresses = addresses;
    }

    /** Parses the text of {@code file} (named in every error). */
    public static SymbolMap parse(String file, String text) throws BadCode {
        Map<String, List<Entry>> byName = new HashMap<>();
        TreeSet<Long> addresses = new TreeSet<>(Long::compareUnsigned);
        String[] lines = text.split("\n", -1);
        int n = 0;
        boolean nonZero = false;
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i].strip();
            if (l.isEmpty()) continue;
            if (l.contains("The real System.map is in")) {
                // Debian's /boot/System.map-*: "ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package"
                throw new BadCode(file, "is the stub System.map of a Debian image package (\"" + abbreviate(l.substring(l.indexOf("The real")))
                        + "\"): use the System.map or vmlinux of the matching -dbg package, or /proc/kallsyms of that kernel booted with nokaslr");
            }
            Matcher m = LINE.matcher(l);
            if (!m.matches()) {
                throw new BadCode(file, "line " + (i + 1) + ": '" + abbreviate(l) + "' is not 'ADDRESS TYPE NAME' (a System.map or /proc/kallsyms line)");
            }
            long a = Long.parseUnsignedLong(m.group(1), 16);
            String name = m.group(3);
            if (m.group(4) != null) continue; // module symbol
            Entry e = new Entry(a, m.group(2).charAt(0), name, i + 1);
            byName.computeIfAbsent(name, k -> new ArrayList<>()).add(e);
            addresses.add(a);
            nonZero |= a != 0;
            n++;
        }
        if (n == 0) {
            String first = text.strip().lines().findFirst().orElse("");
            if (!first.isEmpty()) throw new BadCode(file, "line 1: '" + abbreviate(first) + "' is not 'ADDRESS TYPE NAME'");
            throw new BadCode(file, "no symbols (empty file)");
        }
        if (!nonZero) throw new BadCode(file, "every address is 0: /proc/kallsyms was read without privilege (kptr_restrict); read it as root");
        return new SymbolMap(file, byName, addresses);
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    public String file() {
        return file;
    }

    /** The address of {@code name}; a name bound to two different addresses (two local symbols) is ambiguous. */
    public Optional<Long> address(String name) throws BadCode {
        List<Entry> es = byName.get(name);
        if (es == null) return Optional.empty();
        long a = es.get(0).address();
        for (Entry e : es) {
            if (e.address() != a) {
                throw new BadCode(file, String.format(Locale.ROOT, "%s is ambiguous: 0x%x (line %d) and 0x%x (line %d)", name, a, es.get(0).line(),
                        e.address(), e.line()));
            }
        }
        return Optional.of(a);
    }

    /** The smallest symbol address above {@code a}, if any. */
    public Optional<Long> nextAddressAfter(long a) {
        return Optional.ofNullable(addresses.higher(a));
    }

    public int size() {
        return byName.values().stream().mapToInt(List::size).sum();
    }
}
