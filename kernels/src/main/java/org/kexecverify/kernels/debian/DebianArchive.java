package org.kexecverify.kernels.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian packages for any architecture, fetched with {@code apt-get download} and a private apt configuration:
 * its own state, cache, sources and preferences under the cache directory, {@code APT::Architecture} set for that
 * call only. No root is needed and the host's dpkg architectures stay as they are.
 *
 * <pre>
 *   ~/.cache/kexec-verify/apt/&lt;suite&gt;-&lt;arch&gt;/   sources.list, state/, cache/   (apt-get update once a day)
 *   ~/.cache/kexec-verify/debs/                     downloaded .deb files, named as apt names them
 * </pre>
 *
 * The cache root is {@code $KEXEC_VERIFY_CACHE}, else {@code $XDG_CACHE_HOME/kexec-verify}, else
 * {@code ~/.cache/kexec-verify}.
 */
public final class DebianArchive {
    /**
     * Suites this project fetches from, with the security and updates pockets of each. TRIXIE_BACKPORTS is the
     * backports pocket alone (newer kernels, e.g. {@code linux-source-7.3}, whose {@code arch/arm64/tools/sysreg}
     * describes HCR_EL2, TCR_EL1 and SCTLR_EL2).
     */
    public enum Suite {
        BOOKWORM("bookworm", "", "-updates", "-security"), TRIXIE("trixie", "", "-updates", "-security"),
        TRIXIE_BACKPORTS("trixie-backports", "");

        private final String codename;
        private final List<String> pockets;

        Suite(String codename, String... pockets) {
            this.codename = codename;
            this.pockets = List.of(pockets);
        }

        public String codename() {
            return codename;
        }

        public static Suite of(String s) {
            for (Suite x : values()) {
                if (x.codename.equals(s)) return x;
            }
            throw new IllegalArgumentException("unknown Debian suite '" + s + "' (known: bookworm, trixie, trixie-backports)");
        }
    }

    /** A fetch that did not work here (no network, no apt-get): the message says what was tried. */
    public static final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unavailable(String msg) {
            super(msg, null, false, false);
        }
    }

    private static final long UPDATE_EVERY_MS = 24L * 3600 * 1000;
    private final Suite suite;
    private final String arch;
    private final Path dir;

    public DebianArchive(Suite suite, String arch) {
        this.suite = suite;
        this.arch = arch;
        this.dir = cacheRoot().resolve("apt").resolve(suite.codename() + "-" + arch);
    }

    /** The cache root of the whole project. */
    public static Path cacheRoot() {
        String env = System.getenv("KEXEC_VERIFY_CACHE");
        if (env != null && !env.isBlank()) return Path.of(env);
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) return Path.of(xdg, "kexec-verify");
        return Path.of(System.getProperty("user.home"), ".cache", "kexec-verify");
    }

    public Suite suite() {
        return suite;
    }

    private List<String> options() {
        List<String> o = new ArrayList<>();
        String[][] kv = {
            {"APT::Architecture", arch}, {"APT::Architectures::", arch},
            {"Dir::State", dir.resolve("state").toString()}, {"Dir::State::status", dir.resolve("state/status").toString()},
            {"Dir::Cache", dir.resolve("cache").toString()},
            // a host may switch the binary caches off (Dir::Cache::pkgcache ""): then every apt-cache call rebuilds them (~1 s)
            {"Dir::Cache::pkgcache", dir.resolve("cache/pkgcache.bin").toString()},
            {"Dir::Cache::srcpkgcache", dir.resolve("cache/srcpkgcache.bin").toString()},
            {"Dir::Etc::SourceList", dir.resolve("sources.list").toString()}, {"Dir::Etc::SourceParts", dir.resolve("sources.list.d").toString()},
            {"Dir::Etc::Parts", dir.resolve("apt.conf.d").toString()}, {"Dir::Etc::Preferences", dir.resolve("preferences").toString()},
            {"Dir::Etc::PreferencesParts", dir.resolve("preferences.d").toString()}, {"Debug::NoLocking", "1"},
            {"APT::Sandbox::User", "root".equals(System.getProperty("user.name")) ? "root" : System.getProperty("user.name")},
        };
        for (String[] p : kv) {
            o.add("-o");
            o.add(p[0] + "=" + p[1]);
        }
        return o;
    }

    private synchronized void ensureIndex() throws Unavailable {
        try {
            for (String d : List.of("state/lists/partial", "cache/archives/partial", "sources.list.d", "apt.conf.d", "preferences.d")) {
                Files.createDirectories(dir.resolve(d));
            }
            Path status = dir.resolve("state/status");
            if (!Files.exists(status)) Files.writeString(status, "");
            String c = suite.codename();
            String key = "[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg]";
            StringBuilder sb = new StringBuilder();
            for (String pocket : suite.pockets) {
                String mirror = pocket.equals("-security") ? "http://deb.debian.org/debian-security " : "http://deb.debian.org/debian ";
                sb.append("deb ").append(key).append(' ').append(mirror).append(c).append(pocket).append(" main\n");
            }
            String sources = sb.toString();
            Path list = dir.resolve("sources.list");
            Path stamp = dir.resolve("updated");
            boolean fresh = Files.exists(stamp) && System.currentTimeMillis() - Files.getLastModifiedTime(stamp).toMillis() < UPDATE_EVERY_MS
                    && Files.exists(list) && Files.readString(list).equals(sources);
            if (fresh) return;
            Files.writeString(list, sources);
            progress("updating the package index of Debian " + c + " (" + arch + ") under " + dir);
            List<String> cmd = new ArrayList<>(List.of("apt-get", "-q"));
            cmd.addAll(options());
            cmd.add("update");
            run(cmd, dir, 300);
            Files.writeString(stamp, "");
        } catch (IOException e) {
            throw new Unavailable("apt index for " + suite.codename() + "/" + arch + " under " + dir + ": " + e.getMessage());
        }
    }

    /** The version apt would fetch for {@code pkg}. */
    public String candidate(String pkg) throws Unavailable {
        ensureIndex();
        List<String> cmd = new ArrayList<>(List.of("apt-cache"));
        cmd.addAll(options());
        cmd.addAll(List.of("policy", pkg));
        Matcher m = Pattern.compile("(?m)^\\s*Candidate:\\s*(\\S+)").matcher(run(cmd, dir, 120));
        if (!m.find() || m.group(1).equals("(none)")) throw new Unavailable("no " + arch + " package '" + pkg + "' in " + suite.codename());
        return m.group(1);
    }

    /** The first package a metapackage depends on ({@code linux-image-arm64 -> linux-image-6.1.0-57-arm64}). */
    public String dependency(String metapackage, String prefix) throws Unavailable {
        ensureIndex();
        List<String> cmd = new ArrayList<>(List.of("apt-cache"));
        cmd.addAll(options());
        cmd.addAll(List.of("depends", metapackage));
        Matcher m = Pattern.compile("(?m)^\\s*Depends:\\s*(" + Pattern.quote(prefix) + "\\S*)").matcher(run(cmd, dir, 120));
        if (!m.find()) throw new Unavailable(metapackage + " in " + suite.codename() + " depends on no " + prefix + "* package");
        return m.group(1);
    }

    /**
     * The packages {@code pkg} hard-depends on ({@code Depends} and {@code PreDepends}, as {@code apt-cache depends}
     * prints them): of a group of alternatives the first, a virtual package ({@code <debconf-2.0>}) left out.
     */
    public List<String> depends(String pkg) throws Unavailable {
        ensureIndex();
        List<String> cmd = new ArrayList<>(List.of("apt-cache"));
        cmd.addAll(options());
        cmd.addAll(List.of("depends", "--no-recommends", "--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces",
                "--no-enhances", pkg));
        List<String> out = new ArrayList<>();
        boolean alternative = false;
        for (String line : run(cmd, dir, 120).split("\n")) {
            Matcher m = Pattern.compile("^\\s*(\\|?)(?:Pre)?Depends:\\s*(\\S+)").matcher(line);
            if (!m.find()) continue;
            boolean firstOfGroup = !alternative;
            alternative = !m.group(1).isEmpty();
            String name = m.group(2);
            if (firstOfGroup && !name.startsWith("<") && !out.contains(name)) out.add(name);
        }
        return out;
    }

    /** The archive section of {@code pkg}'s candidate ({@code libs}, {@code admin}, {@code contrib/libs} ...). */
    public String section(String pkg) throws Unavailable {
        ensureIndex();
        List<String> cmd = new ArrayList<>(List.of("apt-cache"));
        cmd.addAll(options());
        cmd.addAll(List.of("show", "--no-all-versions", pkg));
        Matcher m = Pattern.compile("(?m)^Section:\\s*(\\S+)").matcher(run(cmd, dir, 120));
        if (!m.find()) throw new Unavailable("no Section for '" + pkg + "' in " + suite.codename());
        return m.group(1);
    }

    /** Downloads {@code pkg} (candidate version) into the shared .deb cache unless it is there; returns the file. */
    public Path download(String pkg) throws Unavailable {
        String version = candidate(pkg);
        Path debs = cacheRoot().resolve("debs");
        String fileVersion = version.replace(":", "%3a");
        try {
            Files.createDirectories(debs);
            try (var s = Files.list(debs)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = p.getFileName().toString();
                    if (n.startsWith(pkg + "_" + fileVersion + "_") && n.endsWith(".deb")) return p;
                }
            }
            progress("fetching " + pkg + " " + version + " (Debian " + suite.codename() + ", " + arch + ") into " + debs);
            Path tmp = Files.createTempDirectory(debs, ".dl-");
            List<String> cmd = new ArrayList<>(List.of("apt-get", "-q"));
            cmd.addAll(options());
            cmd.addAll(List.of("download", pkg + "=" + version));
            run(cmd, tmp, 1800);
            try (var s = Files.list(tmp)) {
                Path got = s.filter(p -> p.getFileName().toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new Unavailable("apt-get download " + pkg + " left no .deb"));
                Path dst = debs.resolve(got.getFileName());
                Files.move(got, dst, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                Files.deleteIfExists(tmp);
                return dst;
            }
        } catch (IOException e) {
            throw new Unavailable("downloading " + pkg + " into " + debs + ": " + e.getMessage());
        }
    }

    /**
     * Extracts the members of a .deb whose paths start with one of {@code prefixes} (e.g. {@code ./boot/vmlinuz-})
     * into {@code into}, with {@code dpkg-deb --fsys-tarfile | tar}.
     */
    public static void extract(Path deb, Path into, List<String> members) throws Unavailable {
        try {
            Files.createDirectories(into);
            List<String> cmd = new ArrayList<>(List.of("bash", "-c", "set -o pipefail; dpkg-deb --fsys-tarfile \"$1\" | tar -x -C \"$2\" --wildcards \"${@:3}\"",
                    "extract", deb.toString(), into.toString()));
            cmd.addAll(members);
            run(cmd, into, 900);
        } catch (IOException e) {
            throw new Unavailable("extracting " + deb + ": " + e.getMessage());
        }
    }

    /** A progress line on stderr ("kexec-verify: fetching linux-source-6.1 ..."), for the slow steps of a first use. */
    public static void progress(String msg) {
        System.err.println("kexec-verify: " + msg);
        System.err.flush();
    }

    /** Runs a command, returns its stdout; failure or timeout is {@link Unavailable} with the command's last output line. */
    static String run(List<String> cmd, Path cwd, int timeoutSeconds) throws Unavailable {
        try {
            Path log = Files.createTempFile("kexec-verify-cmd", ".log");
            try {
                Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new Unavailable(String.join(" ", cmd.subList(0, Math.min(2, cmd.size()))) + " ran past " + timeoutSeconds + " s");
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    String[] lines = out.strip().split("\n");
                    throw new Unavailable(cmd.get(0) + " " + cmd.get(cmd.size() - 1) + " failed (exit " + p.exitValue() + "): "
                            + (lines.length == 0 ? "" : lines[lines.length - 1].strip()));
                }
                return out;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new Unavailable(cmd.get(0) + ": " + e.getMessage().toLowerCase(Locale.ROOT));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(cmd.get(0) + " interrupted");
        }
    }
}
