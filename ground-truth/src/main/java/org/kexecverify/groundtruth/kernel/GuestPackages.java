package org.kexecverify.groundtruth.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.kexecverify.kernels.debian.DebianArchive;
import org.kexecverify.kernels.debian.DebianArchive.Suite;
import org.kexecverify.kernels.debian.DebianArchive.Unavailable;

/**
 * The arm64 guest of one Debian suite, fetched through {@link DebianArchive} and unpacked under the cache:
 *
 * <pre>
 *   linux-image-arm64 --Depends--> linux-image-6.1.0-57-arm64 (6.1.192-3)   ./boot/vmlinuz-*: an uncompressed Image
 *   kexec-tools       --Depends (Section libs, transitively)--> libc6 zlib1g libxenmisc4.17 ...   ./sbin/kexec + what it NEEDs
 *   busybox-static                                                             ./bin/busybox (static)
 * </pre>
 *
 * The libraries that go into the guest are the {@code DT_NEEDED} closure of {@code kexec}, found in the packages
 * of its {@code lib*} Depends closure; a soname no package ships is an {@link Unavailable} naming it.
 *
 * @param kernel    the kernel package the metapackage resolved to, with its version
 * @param packages  every package fetched, with its version (kernel first)
 * @param image     the kernel Image
 * @param busybox   the static busybox
 * @param kexec     the kexec binary
 * @param libraries guest path ({@code /lib/aarch64-linux-gnu/libz.so.1}, the interpreter at its PT_INTERP path) to host file
 */
public record GuestPackages(Suite suite, PackageVersion kernel, List<PackageVersion> packages, Path image, Path busybox,
                            Path kexec, Map<String, Path> libraries) {

    /** A Debian package and the version that was fetched. */
    public record PackageVersion(String name, String version) {
        @Override
        public String toString() {
            return name + " " + version;
        }
    }

    static final String LIB_DIR = "/lib/aarch64-linux-gnu";

    /** How long a resolution (which packages, which versions) is reused: as long as the apt index it came from. */
    private static final long RESOLUTION_MS = 24L * 3600 * 1000;

    /**
     * Resolves, downloads (cached) and unpacks the guest of {@code suite}. The resolution (about 60 apt-cache
     * calls) is kept for a day in {@code <cache>/guest/<suite>-arm64.resolved}, the same lifetime as the apt index.
     */
    public static GuestPackages fetch(Suite suite) throws Unavailable {
        DebianArchive apt = new DebianArchive(suite, "arm64");
        Path resolved = DebianArchive.cacheRoot().resolve("guest").resolve(suite.codename() + "-arm64.resolved");
        List<Fetched> pkgs = reuse(resolved);
        if (pkgs == null) {
            pkgs = resolve(apt);
            try {
                Files.createDirectories(resolved.getParent());
                StringBuilder b = new StringBuilder();
                for (Fetched f : pkgs) b.append(f.name()).append('\t').append(f.version()).append('\t').append(f.deb()).append('\n');
                Path tmp = resolved.resolveSibling(resolved.getFileName() + ".tmp");
                Files.writeString(tmp, b);
                Files.move(tmp, resolved, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // resolving again next time is the only cost
            }
        }
        List<PackageVersion> versions = new ArrayList<>();
        for (Fetched f : pkgs) versions.add(new PackageVersion(f.name(), f.version()));
        Fetched kernelPkg = pkgs.get(0);
        Path image = only(unpack(kernelPkg, List.of("./boot/vmlinuz-*")).resolve("boot"), "vmlinuz-", kernelPkg.name());
        Path busybox = firstExisting(unpack(pkgs.get(1), List.of()), "busybox-static", "bin/busybox", "usr/bin/busybox");
        Path kexec = firstExisting(unpack(pkgs.get(2), List.of()), "kexec-tools", "sbin/kexec", "usr/sbin/kexec");
        Map<String, Path> sonames = new LinkedHashMap<>();
        List<String> libPkgs = new ArrayList<>();
        for (Fetched f : pkgs.subList(3, pkgs.size())) {
            libPkgs.add(f.name());
            index(unpack(f, List.of()), sonames);
        }
        Map<String, Path> libraries = new LinkedHashMap<>();
        try {
            Elf top = Elf.read(kexec);
            if (top.interpreter() == null) throw new Unavailable(kexec + " has no PT_INTERP: not the dynamically linked kexec expected");
            Path ld = sonames.get(Path.of(top.interpreter()).getFileName().toString());
            if (ld == null) throw new Unavailable("kexec's interpreter " + top.interpreter() + " is in none of " + libPkgs);
            libraries.put(top.interpreter(), ld);
            Deque<String> need = new ArrayDeque<>(top.needed());
            Set<String> seen = new LinkedHashSet<>();
            while (!need.isEmpty()) {
                String so = need.pop();
                if (!seen.add(so)) continue;
                Path f = sonames.get(so);
                if (f == null) throw new Unavailable("kexec needs " + so + ", which none of " + libPkgs + " ships (" + suite.codename() + ")");
                if (!f.equals(ld)) libraries.put(LIB_DIR + "/" + so, f);
                need.addAll(Elf.read(f).needed());
            }
        } catch (IOException e) {
            throw new Unavailable("reading the ELF files of kexec-tools: " + e.getMessage());
        }
        return new GuestPackages(suite, versions.get(0), List.copyOf(versions), image, busybox, kexec, Map.copyOf(libraries));
    }

    /** A downloaded package: name, version, the .deb. */
    private record Fetched(String name, String version, Path deb) {
    }

    /** The kernel the metapackage names, busybox-static, kexec-tools, then the libraries (Section libs) kexec-tools depends on. */
    private static List<Fetched> resolve(DebianArchive apt) throws Unavailable {
        List<Fetched> out = new ArrayList<>();
        out.add(fetched(apt, apt.dependency("linux-image-arm64", "linux-image-")));
        out.add(fetched(apt, "busybox-static"));
        out.add(fetched(apt, "kexec-tools"));
        Set<String> libPkgs = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>(List.of("kexec-tools"));
        while (!todo.isEmpty()) {
            for (String d : apt.depends(todo.pop())) {
                if (!libPkgs.contains(d) && apt.section(d).matches("(.*/)?libs") && libPkgs.add(d)) todo.add(d);
            }
        }
        for (String lib : libPkgs) out.add(fetched(apt, lib));
        return out;
    }

    private static Fetched fetched(DebianArchive apt, String pkg) throws Unavailable {
        Path deb = apt.download(pkg);
        // apt names the file <name>_<version, ':' as %3a>_<arch>.deb
        String[] f = deb.getFileName().toString().split("_");
        if (f.length != 3 || !f[0].equals(pkg)) throw new Unavailable("unexpected .deb name " + deb.getFileName() + " for " + pkg);
        return new Fetched(pkg, f[1].replace("%3a", ":"), deb);
    }

    private static List<Fetched> reuse(Path resolved) {
        try {
            if (!Files.exists(resolved) || System.currentTimeMillis() - Files.getLastModifiedTime(resolved).toMillis() > RESOLUTION_MS) return null;
            List<Fetched> out = new ArrayList<>();
            for (String l : Files.readAllLines(resolved)) {
                String[] f = l.split("\t");
                if (f.length != 3 || !Files.isRegularFile(Path.of(f[2]))) return null;
                out.add(new Fetched(f[0], f[1], Path.of(f[2])));
            }
            return out.size() >= 4 ? out : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Unpacks a downloaded package once into {@code <cache>/unpacked/<deb name>/} ({@code members} empty: all of it). */
    private static Path unpack(Fetched pkg, List<String> members) throws Unavailable {
        Path deb = pkg.deb();
        String name = deb.getFileName().toString().replaceAll("\\.deb$", "");
        Path into = DebianArchive.cacheRoot().resolve("unpacked").resolve(name);
        Path done = into.resolve(".unpacked");
        if (Files.exists(done)) return into;
        try {
            if (Files.exists(into)) deleteTree(into);
            DebianArchive.extract(deb, into, members.isEmpty() ? List.of(".") : members);
            Files.writeString(done, String.join(" ", members));
        } catch (IOException e) {
            throw new Unavailable("unpacking " + deb + ": " + e.getMessage());
        }
        return into;
    }

    /** Every shared object under the tree's lib directories, by file name, symbolic links followed inside the tree. */
    private static void index(Path tree, Map<String, Path> sonames) throws Unavailable {
        try (Stream<Path> s = Files.walk(tree)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (!n.contains(".so") || Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) continue;
                Path real = resolveInTree(tree, p);
                if (real != null && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) sonames.putIfAbsent(n, real);
            }
        } catch (IOException e) {
            throw new Unavailable("indexing " + tree + ": " + e.getMessage());
        }
    }

    /** Follows symbolic links as the guest would, with {@code tree} as its root (absolute targets re-rooted). */
    static Path resolveInTree(Path tree, Path p) throws IOException {
        Path cur = p;
        for (int i = 0; i < 16 && Files.isSymbolicLink(cur); i++) {
            Path t = Files.readSymbolicLink(cur);
            cur = t.isAbsolute() ? tree.resolve(t.toString().substring(1)) : cur.getParent().resolve(t).normalize();
        }
        return Files.exists(cur, LinkOption.NOFOLLOW_LINKS) ? cur : null;
    }

    private static Path only(Path dir, String prefix, String pkg) throws Unavailable {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            if (l.size() != 1) throw new Unavailable(pkg + " has " + l.size() + " files " + prefix + "* in /boot, expected one");
            return l.get(0);
        } catch (IOException e) {
            throw new Unavailable(pkg + ": no /boot in the unpacked package (" + e.getMessage() + ")");
        }
    }

    private static Path firstExisting(Path tree, String pkg, String... paths) throws Unavailable {
        for (String p : paths) {
            try {
                Path r = resolveInTree(tree, tree.resolve(p));
                if (r != null && Files.isRegularFile(r)) return r;
            } catch (IOException e) {
                throw new Unavailable(pkg + ": " + e.getMessage());
            }
        }
        throw new Unavailable(pkg + " ships none of " + List.of(paths));
    }

    private static void deleteTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(x);
        }
    }
}
