package org.kexecverify.kernels.debian;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kexecverify.kernels.debian.DebianArchive.Suite;
import org.kexecverify.kernels.debian.DebianArchive.Unavailable;
import org.kexecverify.model.program.ArmImage;
import org.kexecverify.model.program.CodeReader;
import org.kexecverify.model.program.CodeResolver.BadCode;
import org.kexecverify.model.program.DesignCode.Blob;
import org.kexecverify.model.program.Elf64;

/**
 * Linux's own relocation objects for the kernel a Debian suite ships ({@code linux-image-arm64}: bookworm 6.1,
 * trixie 6.12), built once and cached:
 *
 * <ol>
 *   <li>resolve the kernel ABI package through the metapackage, download it and {@code linux-source-X.Y} of the
 *       same version (the source must be the image's own version);</li>
 *   <li>unpack the source, take the image's {@code /boot/config-*}, turn off what {@code prepare} cannot do here
 *       (BTF without pahole, Debian's certificate files), {@code make olddefconfig prepare} and the objects
 *       {@link #OBJECTS} with {@code gcc-aarch64-linux-gnu};</li>
 *   <li>keep the objects, {@code include/generated/asm-offsets.h} and a manifest under
 *       {@code <cache>/kernels/<suite>/<version>/}, delete the tree;</li>
 *   <li>check that the built relocation code (and the stub vectors) occur in the image's {@code /boot/vmlinuz-*}
 *       exactly once; the manifest records where.</li>
 * </ol>
 *
 * Builds of one suite are serialised with a file lock (other processes) and a monitor (this JVM).
 */
public final class DebianKernelBuild {
    public static final List<String> OBJECTS = List.of("arch/arm64/kernel/relocate_kernel.o", "arch/arm64/mm/trans_pgd-asm.o",
            "arch/arm64/kernel/hyp-stub.o");
    public static final String ASM_OFFSETS = "include/generated/asm-offsets.h";
    /** The symbols whose bytes are looked for in Debian's Image. */
    public static final List<String> CHECKED = List.of("arm64_relocate_new_kernel", "trans_pgd_stub_vectors", "__hyp_stub_vectors");
    /** Host tools the build runs; the apt packages that bring them are in the message when one is missing. */
    static final Map<String, String> TOOLS = new TreeMap<>(Map.of("make", "make", "gcc", "gcc", "flex", "flex", "bison", "bison", "bc", "bc",
            "aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu", "xz", "xz-utils", "dpkg-deb", "dpkg", "apt-get", "apt", "perl", "perl"));
    /** The apt packages the build needs (beyond apt and dpkg). */
    public static final String PACKAGES = "make gcc libc6-dev flex bison bc libssl-dev gcc-aarch64-linux-gnu xz-utils";
    private static final String MANIFEST = "manifest.properties";
    private static final Map<String, Object> LOCKS = new ConcurrentHashMap<>();
    private static final Map<String, Built> RESOLVED = new ConcurrentHashMap<>();
    /** Why a suite could not be had, remembered for this JVM: a checker run over many scenarios tries once. */
    private static final Map<String, String> FAILED = new ConcurrentHashMap<>();

    /**
     * A complete build in the cache.
     *
     * @param dir      {@code <cache>/kernels/<suite>/<version>/}
     * @param manifest what the build recorded
     * @param note     why this build was taken without asking the archive (offline), or ""
     */
    public record Built(Path dir, Properties manifest, String note) {
        public Path object(String rel) {
            return dir.resolve(Path.of(rel).getFileName());
        }

        public List<Path> objects() {
            return OBJECTS.stream().map(this::object).toList();
        }

        public Path asmOffsets() {
            return dir.resolve("asm-offsets.h");
        }

        public String get(String key) {
            return manifest.getProperty(key, "");
        }

        /** Where Debian's Image holds bytes with this digest ({@code 0x1654104}), "" if they were not looked for, "none" if absent. */
        public String imageOffsets(String sha256) {
            return manifest.getProperty("image.match." + sha256, "");
        }

        /** "6.1.192-3 (linux-image-6.1.0-57-arm64)". */
        public String kernelVersion() {
            return get("image.version") + " (" + get("image.package") + ")";
        }
    }

    private DebianKernelBuild() {}

    public static Path dir(Suite suite) {
        return DebianArchive.cacheRoot().resolve("kernels").resolve(suite.codename());
    }

    /** The build for {@code suite}'s current kernel: from the cache, else fetched and built now. */
    public static Built get(Suite suite) throws Unavailable {
        Built b = RESOLVED.get(suite.codename());
        if (b != null) return b;
        synchronized (LOCKS.computeIfAbsent(suite.codename(), k -> new Object())) {
            b = RESOLVED.get(suite.codename());
            if (b != null) return b;
            String failed = FAILED.get(suite.codename());
            if (failed != null) throw new Unavailable(failed);
            try {
                b = resolve(suite);
            } catch (Unavailable e) {
                FAILED.put(suite.codename(), e.getMessage());
                throw e;
            }
            RESOLVED.put(suite.codename(), b);
            return b;
        }
    }

    private static Built resolve(Suite suite) throws Unavailable {
        DebianArchive arm = new DebianArchive(suite, "arm64");
        String imagePkg;
        String version;
        try {
            imagePkg = arm.dependency("linux-image-arm64", "linux-image-");
            version = arm.candidate(imagePkg);
        } catch (Unavailable e) {
            Optional<Built> cached = newestCached(suite);
            if (cached.isPresent()) {
                return new Built(cached.get().dir(), cached.get().manifest(), "the Debian archive was not reachable (" + e.getMessage()
                        + "); the newest cached build was used");
            }
            throw new Unavailable("Linux's code for Debian " + suite.codename() + ": " + e.getMessage());
        }
        Path dir = dir(suite).resolve(version.replace(':', '%'));
        Optional<Built> done = load(dir);
        if (done.isPresent()) return done.get();
        try {
            Files.createDirectories(dir(suite));
            try (FileChannel ch = FileChannel.open(dir(suite).resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = ch.lock()) {
                done = load(dir);
                if (done.isPresent()) return done.get();
                return build(arm, imagePkg, version, dir);
            }
        } catch (IOException e) {
            throw new Unavailable("building Linux's code for Debian " + suite.codename() + " under " + dir + ": " + e.getMessage());
        }
    }

    private static Optional<Built> load(Path dir) {
        Path m = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(m)) return Optional.empty();
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(m, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            return Optional.empty();
        }
        Built b = new Built(dir, p, "");
        for (Path f : b.objects()) {
            if (!Files.isRegularFile(f)) return Optional.empty();
        }
        return Files.isRegularFile(b.asmOffsets()) ? Optional.of(b) : Optional.empty();
    }

    private static Optional<Built> newestCached(Suite suite) {
        if (!Files.isDirectory(dir(suite))) return Optional.empty();
        try (Stream<Path> s = Files.list(dir(suite))) {
            return s.filter(Files::isDirectory).filter(d -> !d.getFileName().toString().startsWith("."))
                    .map(DebianKernelBuild::load).flatMap(Optional::stream)
                    .max(Comparator.comparing((Built b) -> b.manifest().getProperty("built.at", "")));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Built build(DebianArchive arm, String imagePkg, String version, Path dir) throws Unavailable, IOException {
        String suite = arm.suite().codename();
        Matcher series = Pattern.compile("^linux-image-(\\d+\\.\\d+)").matcher(imagePkg);
        if (!series.find()) throw new Unavailable("cannot tell the kernel series of " + imagePkg + " (Debian " + suite + ")");
        String srcPkg = "linux-source-" + series.group(1);
        String srcVersion = arm.candidate(srcPkg);
        if (!srcVersion.equals(version)) {
            throw new Unavailable("Debian " + suite + " has " + imagePkg + " " + version + " but " + srcPkg + " " + srcVersion
                    + ": objects built from that source would not be the shipped kernel's");
        }
        missingTools();
        long t0 = System.nanoTime();
        Path work = Files.createTempDirectory(dir(arm.suite()), ".build-");
        try {
            Path imageDeb = arm.download(imagePkg);
            Path srcDeb = arm.download(srcPkg);
            DebianArchive.progress("unpacking " + srcPkg + " " + version + " (about 1.4 GB, deleted after the build) into " + work);
            DebianArchive.extract(imageDeb, work.resolve("image"), List.of("./boot/config-*", "./boot/vmlinuz-*"));
            Path config = single(work.resolve("image/boot"), "config-");
            Path vmlinuz = single(work.resolve("image/boot"), "vmlinuz-");
            Path src = work.resolve("src");
            Files.createDirectories(src);
            String tarball = "./usr/src/" + srcPkg + ".tar.xz";
            run(List.of("bash", "-c", "set -o pipefail; dpkg-deb --fsys-tarfile \"$1\" | tar -xO \"$2\" | xz -dc | tar -x -C \"$3\"", "unpack",
                    srcDeb.toString(), tarball, src.toString()), src, 1800);
            Path tree = src.resolve(srcPkg);
            if (!Files.isDirectory(tree)) throw new Unavailable(srcDeb + ": " + tarball + " did not unpack into " + srcPkg + "/");
            long tUnpacked = System.nanoTime();
            Files.copy(config, tree.resolve(".config"));
            List<String> make = List.of("make", "-s", "ARCH=arm64", "CROSS_COMPILE=aarch64-linux-gnu-", "-j" + Runtime.getRuntime().availableProcessors());
            // what prepare cannot do here: BTF needs pahole, Debian's certificate files are not in the source package
            run(List.of("scripts/config", "--file", ".config", "--disable", "DEBUG_INFO_BTF", "--set-str", "SYSTEM_TRUSTED_KEYS", "",
                    "--set-str", "SYSTEM_REVOCATION_KEYS", "", "--set-str", "MODULE_SIG_KEY", ""), tree, 120);
            DebianArchive.progress("building " + String.join(" ", OBJECTS.stream().map(o -> Path.of(o).getFileName().toString()).toList())
                    + " of " + srcPkg + " " + version + " with " + config.getFileName() + " (make olddefconfig prepare)");
            run(concat(make, "olddefconfig"), tree, 600);
            run(concat(make, "prepare"), tree, 1800);
            run(concat(make, OBJECTS.toArray(String[]::new)), tree, 600);
            long tBuilt = System.nanoTime();

            Path tmp = Files.createTempDirectory(dir(arm.suite()), ".out-");
            Properties m = new Properties();
            m.setProperty("suite", suite);
            m.setProperty("image.package", imagePkg);
            m.setProperty("image.version", version);
            m.setProperty("image.file", "/boot/" + vmlinuz.getFileName());
            m.setProperty("image.sha256", sha256(Files.readAllBytes(vmlinuz)));
            m.setProperty("source.package", srcPkg);
            m.setProperty("source.version", srcVersion);
            m.setProperty("config", "/boot/" + config.getFileName() + " + olddefconfig, " + configChanges(config, tree.resolve(".config")));
            m.setProperty("compiler", run(List.of("aarch64-linux-gnu-gcc", "--version"), tree, 60).lines().findFirst().orElse("?"));
            m.setProperty("assembler", run(List.of("aarch64-linux-gnu-as", "--version"), tree, 60).lines().findFirst().orElse("?"));
            List<Elf64> elves = new ArrayList<>();
            for (String o : OBJECTS) {
                Path f = tree.resolve(o);
                Path to = tmp.resolve(f.getFileName());
                Files.copy(f, to);
                byte[] bytes = Files.readAllBytes(to);
                m.setProperty("sha256." + f.getFileName(), sha256(bytes));
                elves.add(Elf64.parse(dir.resolve(f.getFileName()).toString(), bytes));
            }
            Files.copy(tree.resolve(ASM_OFFSETS), tmp.resolve("asm-offsets.h"));
            m.setProperty("sha256.asm-offsets.h", sha256(Files.readAllBytes(tmp.resolve("asm-offsets.h"))));

            // the check: do the built bytes occur in the Image Debian ships?
            ArmImage img = ArmImage.parse(m.getProperty("image.file"), Files.readAllBytes(vmlinuz));
            Map<String, Blob> blobs = CodeReader.fromObjects(elves, CHECKED.get(0), CHECKED.get(1), List.of(CHECKED.get(2)));
            for (Blob b : blobs.values()) {
                List<Long> at = img.find(b.bytes());
                m.setProperty("image.match." + b.sha256(), at.isEmpty() ? "none" : String.join(",", at.stream().map(x -> "0x" + Long.toHexString(x)).toList()));
                m.setProperty("symbol." + b.name(), b.size() + " bytes, sha256 " + b.sha256());
            }
            long tEnd = System.nanoTime();
            m.setProperty("built.at", java.time.Instant.now().toString());
            m.setProperty("seconds", String.format("download+unpack %.1f, build %.1f, check %.1f", (tUnpacked - t0) / 1e9, (tBuilt - tUnpacked) / 1e9,
                    (tEnd - tBuilt) / 1e9));
            try (Writer w = Files.newBufferedWriter(tmp.resolve(MANIFEST), StandardCharsets.UTF_8)) {
                m.store(w, "kexec-verify: Linux's relocation objects for Debian " + suite + " " + imagePkg + " " + version);
            }
            deleteTree(dir);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (UnsupportedOperationException | IOException ignored) {
                // not a POSIX file system: the temp directory's permissions stay
            }
            Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            DebianArchive.progress(String.format("built and cached in %s (%.0f s)", dir, (tEnd - t0) / 1e9));
            return load(dir).orElseThrow(() -> new Unavailable("the build in " + dir + " is incomplete"));
        } catch (BadCode e) {
            throw new Unavailable("the objects built from " + srcPkg + " " + version + " are not usable: " + e.file() + ": " + e.getMessage());
        } finally {
            deleteTree(work);
        }
    }

    /** Which CONFIG_ lines olddefconfig changed from Debian's config (names only). */
    private static String configChanges(Path debian, Path ours) throws IOException {
        Map<String, String> a = configValues(debian);
        Map<String, String> b = configValues(ours);
        List<String> changed = new ArrayList<>();
        for (String k : new java.util.TreeSet<>(union(a.keySet(), b.keySet()))) {
            if (!java.util.Objects.equals(a.get(k), b.get(k))) changed.add(k);
        }
        return changed.size() + " options differ from Debian's: " + String.join(" ", changed);
    }

    private static java.util.Set<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.Set<String> u = new java.util.HashSet<>(a);
        u.addAll(b);
        return u;
    }

    private static Map<String, String> configValues(Path f) throws IOException {
        Map<String, String> m = new TreeMap<>();
        for (String l : Files.readAllLines(f)) {
            int eq = l.indexOf('=');
            if (l.startsWith("CONFIG_") && eq > 0) m.put(l.substring(7, eq), l.substring(eq + 1));
        }
        return m;
    }

    private static void missingTools() throws Unavailable {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> t : TOOLS.entrySet()) {
            if (!onPath(t.getKey())) missing.add(t.getKey() + " (" + t.getValue() + ")");
        }
        if (!missing.isEmpty()) {
            throw new Unavailable("building Linux's relocation code needs " + String.join(", ", missing) + " (apt-get install " + PACKAGES + ")");
        }
    }

    static boolean onPath(String cmd) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }

    private static Path single(Path dir, String prefix) throws Unavailable, IOException {
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> l = s.filter(p -> p.getFileName().toString().startsWith(prefix)).toList();
            if (l.size() != 1) throw new Unavailable("expected one /boot/" + prefix + "* in the image package, found " + l.size());
            return l.get(0);
        }
    }

    private static List<String> concat(List<String> a, String... b) {
        List<String> l = new ArrayList<>(a);
        l.addAll(List.of(b));
        return l;
    }

    /** Runs a build step; a failure names the step and the first error line of its output (or its last lines). */
    static String run(List<String> cmd, Path cwd, int timeoutSeconds) throws Unavailable {
        String what = String.join(" ", cmd.subList(0, Math.min(cmd.size(), 6)));
        try {
            Path log = Files.createTempFile("kexec-verify-build", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().put("LC_ALL", "C");
                Process p = pb.start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    throw new Unavailable(what + " ran past " + timeoutSeconds + " s");
                }
                String out = Files.readString(log, StandardCharsets.UTF_8);
                if (p.exitValue() != 0) {
                    List<String> lines = out.strip().lines().toList();
                    String err = lines.stream().filter(l -> l.contains("rror") || l.contains("fatal") || l.contains("not found")
                            || l.contains("No such file")).filter(l -> !l.startsWith("make")).findFirst()
                            .orElse(String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size())));
                    String hint = err.contains("openssl") ? " (install libssl-dev)" : err.contains("flex") || err.contains("bison") ? " (install flex bison)" : "";
                    throw new Unavailable(what + " failed (exit " + p.exitValue() + "): " + err.strip() + hint);
                }
                return out;
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new Unavailable(what + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(what + " interrupted");
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : (Iterable<Path>) s.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(x);
        }
    }
}
