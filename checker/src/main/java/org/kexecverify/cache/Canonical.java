package org.kexecverify.cache;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.kexecverify.model.mem.PhysicalMemory;

/**
 * The content of an engine's input as one canonical byte stream, and its SHA-256. Records are
 * written component by component (by reflection, so a component added later is covered without
 * anyone remembering to add it here), maps and sets in sorted order (an immutable map's iteration
 * order changes from JVM to JVM), arrays by their elements, physical memory page by page. A value
 * of any other class is refused ({@link Unsupported}): the caller then does not cache, rather than
 * key a result on a value it cannot see into.
 */
public final class Canonical {
    /** A value whose content this class cannot write. */
    public static final class Unsupported extends Exception {
        public Unsupported(String what) {
            super(what);
        }
    }

    private final StringBuilder text;
    private final MessageDigest sha;
    private final StringBuilder chunk = new StringBuilder();
    private int depth;

    private Canonical(boolean keepText) {
        this.text = keepText ? new StringBuilder() : null;
        try {
            this.sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }

    /** SHA-256 (hex) of the canonical form of {@code parts}, in order. */
    public static String sha256(Object... parts) throws Unsupported {
        Canonical c = new Canonical(false);
        for (Object p : parts) c.value(p);
        return c.finish();
    }

    /** The canonical form as text (for tests: it must not depend on the JVM run). */
    public static String text(Object... parts) throws Unsupported {
        Canonical c = new Canonical(true);
        for (Object p : parts) c.value(p);
        c.finish();
        return c.text.toString();
    }

    private String finish() {
        flush();
        return HexFormat.of().formatHex(sha.digest());
    }

    private void put(String s) {
        chunk.append(s);
        if (chunk.length() > 1 << 16) flush();
    }

    private void flush() {
        if (chunk.isEmpty()) return;
        String s = chunk.toString();
        if (text != null) text.append(s);
        sha.update(s.getBytes(StandardCharsets.UTF_8));
        chunk.setLength(0);
    }

    private void value(Object v) throws Unsupported {
        if (++depth > 64) throw new Unsupported("nesting deeper than 64 (a cycle?)");
        try {
            write(v);
        } finally {
            depth--;
        }
    }

    private void write(Object v) throws Unsupported {
        if (v == null) {
            put("null;");
        } else if (v instanceof String s) {
            put("s" + s.length() + ":" + s + ";");
        } else if (v instanceof Number || v instanceof Boolean || v instanceof Character) {
            put(v.getClass().getSimpleName().charAt(0) + v.toString() + ";");
        } else if (v instanceof Enum<?> e) {
            put("e" + e.getDeclaringClass().getName() + "." + e.name() + ";");
        } else if (v instanceof PhysicalMemory m) {
            memory(m);
        } else if (v instanceof Optional<?> o) {
            put("opt(");
            value(o.orElse(null));
            put(")");
        } else if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> sorted = new TreeMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) sorted.put(Canonical.text(e.getKey()), e.getValue());
            put("map" + sorted.size() + "{");
            for (Map.Entry<String, Object> e : sorted.entrySet()) {
                put(e.getKey() + "=");
                value(e.getValue());
            }
            put("}");
        } else if (v instanceof Set<?> s) {
            List<String> items = new ArrayList<>();
            for (Object o : s) items.add(Canonical.text(o));
            items.sort(null);
            put("set" + items.size() + "{" + String.join("", items) + "}");
        } else if (v instanceof Collection<?> c) {
            put("list" + c.size() + "[");
            for (Object o : c) value(o);
            put("]");
        } else if (v instanceof byte[] b) {
            put("bytes" + b.length + ":" + HexFormat.of().formatHex(b) + ";");
        } else if (v instanceof int[] a) {
            put("ints" + a.length + "[");
            for (int x : a) put(Integer.toHexString(x) + ",");
            put("]");
        } else if (v instanceof long[] a) {
            put("longs" + a.length + "[");
            for (long x : a) put(Long.toHexString(x) + ",");
            put("]");
        } else if (v instanceof Object[] a) {
            put("array" + a.length + "[");
            for (Object o : a) value(o);
            put("]");
        } else if (v.getClass().isRecord()) {
            record(v);
        } else {
            throw new Unsupported("no canonical form for " + v.getClass().getName());
        }
    }

    /** Each record class's component names and accessors, looked up once. */
    private static final ClassValue<List<Map.Entry<String, java.lang.invoke.MethodHandle>>> COMPONENTS = new ClassValue<>() {
        @Override
        protected List<Map.Entry<String, java.lang.invoke.MethodHandle>> computeValue(Class<?> c) {
            List<Map.Entry<String, java.lang.invoke.MethodHandle>> out = new ArrayList<>();
            for (RecordComponent rc : c.getRecordComponents()) {
                try {
                    var acc = rc.getAccessor();
                    acc.setAccessible(true);
                    out.add(Map.entry(rc.getName(), java.lang.invoke.MethodHandles.lookup().unreflect(acc)));
                } catch (ReflectiveOperationException | RuntimeException e) {
                    return null;
                }
            }
            return List.copyOf(out);
        }
    };

    private void record(Object r) throws Unsupported {
        Class<?> c = r.getClass();
        List<Map.Entry<String, java.lang.invoke.MethodHandle>> comps = COMPONENTS.get(c);
        if (comps == null) throw new Unsupported("cannot read the components of " + c.getName());
        put("rec " + c.getName() + "(");
        for (Map.Entry<String, java.lang.invoke.MethodHandle> rc : comps) {
            put(rc.getKey() + "=");
            Object x;
            try {
                x = rc.getValue().invoke(r);
            } catch (Throwable e) {
                throw new Unsupported("cannot read " + c.getName() + "." + rc.getKey() + ": " + e);
            }
            value(x);
        }
        put(")");
    }

    private void memory(PhysicalMemory m) throws Unsupported {
        put("mem(");
        value(m.ram());
        List<Long> pfns = m.touchedPages();
        pfns.sort(null);
        for (long pfn : pfns) {
            long[] page = m.pageOrNull(pfn);
            if (page == null) continue;
            boolean zero = true;
            for (long w : page) if (w != 0) { zero = false; break; }
            if (zero) continue; // an untouched page and a page of zeros read the same
            put("p" + Long.toHexString(pfn) + "[");
            for (long w : page) put(Long.toHexString(w) + ",");
            put("]");
        }
        put(")");
    }
}
