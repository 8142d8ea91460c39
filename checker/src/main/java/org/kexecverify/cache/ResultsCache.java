package org.kexecverify.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Itf;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Stats;
import org.kexecverify.model.verdict.Verdict;

/**
 * Verdicts stored under the SHA-256 of everything that decided them: this build of the tool
 * ({@link #toolFingerprint}), the engine and its settings, and the canonical content of the plan
 * the engine reads ({@link Canonical}). A changed descriptor bit, register, code byte or tool
 * build is a different key, so a changed input can never be answered with an old verdict.
 * Results that depend on the machine rather than the input (a timeout, an interrupt, a tool that
 * could not be started) are never stored. An unreadable entry is a miss.
 *
 * <pre>
 *   key = sha256(tool fingerprint, engine, settings, canonical(plan))
 *   DIR/ab/abcdef....json  {"key": ..., "verdicts": [{outcome, obligation, explanation, stats, counterexample(ITF)}]}
 * </pre>
 */
public final class ResultsCache {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static volatile String fingerprint;

    private final Path dir;

    public ResultsCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** The default directory: $KEXEC_VERIFY_RESULTS_CACHE, else $XDG_CACHE_HOME/kexec-verify/results, else ~/.cache/kexec-verify/results. */
    public static Path defaultDir() {
        String env = System.getenv("KEXEC_VERIFY_RESULTS_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("kexec-verify").resolve("results");
    }

    /**
     * The cache a run uses by default: none when the system property {@code kexec-verify.results-cache}
     * is {@code off} (the test suite sets it), else that property's directory, else {@link #defaultDir}.
     */
    public static Optional<ResultsCache> standard() {
        String p = System.getProperty("kexec-verify.results-cache");
        if (p != null && p.strip().toLowerCase(Locale.ROOT).equals("off")) return Optional.empty();
        return Optional.of(new ResultsCache(p != null && !p.isBlank() ? Path.of(p) : defaultDir()));
    }

    /** The key of {@code parts} under this build of the tool; empty when some part has no canonical form. */
    public static Optional<String> key(Object... parts) {
        Object[] all = new Object[parts.length + 1];
        all[0] = toolFingerprint();
        System.arraycopy(parts, 0, all, 1, parts.length);
        try {
            return Optional.of(Canonical.sha256(all));
        } catch (Canonical.Unsupported e) {
            return Optional.empty();
        }
    }

    /** The stored verdicts for {@code key}, or empty. */
    public Optional<List<Verdict>> get(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            JsonNode root = JSON.readTree(f.toFile());
            if (!key.equals(root.path("key").asText())) return Optional.empty();
            List<Verdict> out = new ArrayList<>();
            for (JsonNode v : root.path("verdicts")) out.add(verdict(v, f));
            return Optional.of(List.copyOf(out));
        } catch (IOException | RuntimeException | Itf.MalformedTrace e) {
            return Optional.empty();   // a damaged entry is recomputed and overwritten
        }
    }

    /** Stores {@code verdicts} under {@code key} unless one of them depends on the machine; a write problem only skips the store. */
    public void put(String key, List<Verdict> verdicts) {
        if (!cacheable(verdicts)) return;
        try {
            ObjectNode root = JSON.createObjectNode();
            root.put("key", key);
            ArrayNode vs = root.putArray("verdicts");
            for (Verdict v : verdicts) vs.add(node(v));
            write(key, root);
        } catch (IOException | RuntimeException e) {
            // not stored: the next run decides again
        }
    }

    /** A stored JSON value for {@code key} (what else a run derives from verdicts, e.g. the replay's notes), or empty. */
    public Optional<JsonNode> getJson(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) return Optional.empty();
        try {
            JsonNode root = JSON.readTree(f.toFile());
            if (!key.equals(root.path("key").asText()) || !root.has("value")) return Optional.empty();
            return Optional.of(root.get("value"));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Stores {@code value} under {@code key}; a write problem only skips the store. */
    public void putJson(String key, JsonNode value) {
        ObjectNode root = JSON.createObjectNode();
        root.put("key", key);
        root.set("value", value);
        write(key, root);
    }

    private void write(String key, ObjectNode root) {
        Path f = file(key);
        try {
            Files.createDirectories(f.getParent());
            org.kexecverify.output.OutputDir.writeWhole(f, JSON.writeValueAsString(root));
        } catch (IOException | RuntimeException e) {
            // the cache is an optimisation: a full disk or a read-only home only costs the next run its time
        }
    }

    /** False when a verdict says the machine, not the input, decided it. */
    static boolean cacheable(List<Verdict> verdicts) {
        for (Verdict v : verdicts) {
            if (!(v instanceof Verdict.Inconclusive)) continue;
            String e = v.explanation().toLowerCase(Locale.ROOT);
            for (String w : List.of("timed out", "timeout", "interrupt", "could not", "not found", "out of memory", "outofmemory",
                    "canceled", "cancelled", "resource")) {
                if (e.contains(w)) return false;
            }
        }
        return true;
    }

    private Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    private static ObjectNode node(Verdict v) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("outcome", v.outcome());
        n.put("obligation", v.obligation().name());
        n.put("explanation", v.explanation());
        ObjectNode s = n.putObject("stats");
        s.put("engine", v.stats().engine());
        s.put("millis", v.stats().millis());
        s.put("checked", v.stats().checked());
        s.put("unit", v.stats().unit());
        if (v instanceof Verdict.Refuted r) n.set("counterexample", JSON.readTree(Itf.write(r.counterexample())));
        return n;
    }

    private static Verdict verdict(JsonNode n, Path f) throws Itf.MalformedTrace {
        Obligation ob = Obligation.valueOf(n.path("obligation").asText());
        String expl = n.path("explanation").asText();
        JsonNode s = n.path("stats");
        Stats stats = new Stats(s.path("engine").asText(), s.path("millis").asLong(), s.path("checked").asLong(), s.path("unit").asText());
        return switch (n.path("outcome").asText()) {
            case "PROVED" -> new Verdict.Proved(ob, expl, stats);
            case "INCONCLUSIVE" -> new Verdict.Inconclusive(ob, expl, stats);
            case "REFUTED" -> {
                Counterexample cx = Itf.parse(f.toString(), n.path("counterexample"));
                yield new Verdict.Refuted(ob, expl, cx, stats);
            }
            default -> throw new IllegalArgumentException("unknown outcome in " + f);
        };
    }

    /**
     * This build of the tool: the SHA-256 of every class path entry (jar bytes, or every file of a
     * class directory). A jar's digest is remembered beside the cache keyed by its path, size and
     * modification time, so a run does not hash 70 MB each time.
     */
    public static String toolFingerprint() {
        String f = fingerprint;
        if (f != null) return f;
        synchronized (ResultsCache.class) {
            if (fingerprint != null) return fingerprint;
            MessageDigest all = sha();
            for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
                if (entry.isBlank()) continue;
                Path p = Path.of(entry);
                all.update(entry.getBytes(StandardCharsets.UTF_8));
                all.update(entryDigest(p).getBytes(StandardCharsets.UTF_8));
            }
            fingerprint = HexFormat.of().formatHex(all.digest());
            return fingerprint;
        }
    }

    private static String entryDigest(Path p) {
        try {
            if (Files.isDirectory(p)) {
                MessageDigest d = sha();
                try (var walk = Files.walk(p)) {
                    for (Path x : walk.filter(Files::isRegularFile).sorted().toList()) {
                        d.update(p.relativize(x).toString().getBytes(StandardCharsets.UTF_8));
                        d.update(Files.readAllBytes(x));
                    }
                }
                return HexFormat.of().formatHex(d.digest());
            }
            if (!Files.isRegularFile(p)) return "absent";
            String stamp = p.toAbsolutePath() + "|" + Files.size(p) + "|" + Files.getLastModifiedTime(p).toMillis();
            Path memo = defaultDir().resolve("tool").resolve(HexFormat.of().formatHex(sha().digest(stamp.getBytes(StandardCharsets.UTF_8))));
            try {
                String known = Files.readString(memo).strip();
                if (known.matches("[0-9a-f]{64}")) return known;
            } catch (IOException e) {
                // not remembered yet
            }
            MessageDigest d = sha();
            try (InputStream in = Files.newInputStream(p)) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
            }
            String hex = HexFormat.of().formatHex(d.digest());
            try {
                Files.createDirectories(memo.getParent());
                Files.writeString(memo, hex);
            } catch (IOException e) {
                // remembered next time, or never: only a speed-up
            }
            return hex;
        } catch (IOException e) {
            return "unreadable:" + e.getMessage() + ":" + System.nanoTime();   // never matches a stored key
        }
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
