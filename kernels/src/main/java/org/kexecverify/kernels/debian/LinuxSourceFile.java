package org.kexecverify.kernels.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * One file out of a Debian {@code linux-source-*} package (Architecture: all; a .deb holding
 * {@code /usr/src/linux-source-<v>.tar.xz}), streamed out of the tarball without unpacking the rest
 * and cached under {@code <cache root>/linux-source/<package>_<version>/<path>}. Nothing of it goes
 * into the repository.
 */
public final class LinuxSourceFile {
    private LinuxSourceFile() {}

    /** A file of one kernel source: where it is cached and which package version it came from. */
    public record Fetched(Path file, String pkg, String version) {
        public String label() { return pkg + " " + version; }
    }

    /**
     * {@code member} (e.g. {@code arch/arm64/tools/sysreg}) of the kernel source the suite's
     * {@code linux-source} metapackage points at (bookworm: linux-source-6.1).
     */
    public static Fetched fetch(DebianArchive archive, String member) throws DebianArchive.Unavailable {
        return fetch(archive, archive.dependency("linux-source", "linux-source-"), member);
    }

    /** {@code member} of the kernel source in package {@code pkg} ({@code linux-source-6.1}). */
    public static Fetched fetch(DebianArchive archive, String pkg, String member) throws DebianArchive.Unavailable {
        String version = archive.candidate(pkg);
        Path dir = DebianArchive.cacheRoot().resolve("linux-source").resolve(pkg + "_" + version.replace(':', '%'));
        Path out = dir.resolve(member);
        if (Files.isRegularFile(out)) return new Fetched(out, pkg, version);
        Path deb = archive.download(pkg);
        try {
            Files.createDirectories(out.getParent());
            Path tmp = Files.createTempFile(out.getParent(), ".part-", "");
            try {
                DebianArchive.run(List.of("bash", "-c",
                        "set -o pipefail; dpkg-deb --fsys-tarfile \"$1\" | tar -xO --wildcards './usr/src/linux-source-*.tar.xz'"
                                + " | tar -xJO --wildcards \"*/$2\" > \"$3\"",
                        "extract", deb.toString(), member, tmp.toString()), dir, 900);
                if (Files.size(tmp) == 0) throw new DebianArchive.Unavailable(deb + " has no " + member);
                Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new DebianArchive.Unavailable("extracting " + member + " from " + deb + ": " + e.getMessage());
        }
        return new Fetched(out, pkg, version);
    }
}
