package org.kexecverify.output;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes output files whole or not at all: temp file in the same directory, then an atomic move. */
public final class OutputDir {
    private final Path dir;

    public OutputDir(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    public Path dir() { return dir; }

    /** Deletes files a previous run wrote here (names ending in one of {@code suffixes}), so no stale result looks current. */
    public void removeStale(String... suffixes) throws IOException {
        try (var s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                for (String suf : suffixes) {
                    if (n.endsWith(suf) && Files.isRegularFile(p)) {
                        Files.delete(p);
                        break;
                    }
                }
            }
        }
    }

    public Path write(String name, String content) throws IOException {
        Path target = dir.resolve(name);
        Path tmp = Files.createTempFile(dir, "." + name, ".tmp");
        try {
            Files.writeString(tmp, content);
            try {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: keep the default permissions
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
