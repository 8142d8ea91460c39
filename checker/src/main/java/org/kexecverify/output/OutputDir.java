package org.kexecverify.output;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes output files whole or not at all: temp file in the same directory, then an atomic move. The names this tool
 * wrote are listed in {@link #MANIFEST} (updated after every file), and only files listed there are ever removed as
 * stale: a user's own {@code *.itf.json} or {@code verdicts.json} beside them is never touched.
 */
public final class OutputDir {
    /** The list of files the tool wrote into the directory, one name per line. */
    public static final String MANIFEST = ".kexec-verify-files";

    private final Path dir;
    private final java.util.Set<String> listed = new java.util.TreeSet<>();

    public OutputDir(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        Path m = dir.resolve(MANIFEST);
        if (Files.isRegularFile(m) && Files.size(m) < (1 << 20)) {
            for (String l : Files.readAllLines(m)) {
                if (!l.isBlank() && !l.contains("/") && !l.startsWith(".")) listed.add(l.strip());
            }
        }
    }

    public Path dir() { return dir; }

    /**
     * Checks, before any work, that {@code dir} is (or can be made) a directory this process can write into:
     * a file, {@code /dev/null}, a path under a file, {@code /proc} or a read-only directory is bad input, one line.
     */
    public static void requireWritable(Path dir) {
        try {
            if (Files.exists(dir) && !Files.isDirectory(dir)) throw new org.kexecverify.cli.BadInput("--out " + dir + ": exists and is not a directory");
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".kexec-verify-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a path component is a file"
                    : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
            throw new org.kexecverify.cli.BadInput("--out " + dir + ": cannot write there (" + why + ")");
        }
    }

    /**
     * Deletes the files a previous run of the tool wrote here (listed in the manifest) whose names end in one of
     * {@code suffixes}, so that no stale result looks current. Files the tool did not write are never deleted.
     */
    public void removeStale(String... suffixes) throws IOException {
        boolean changed = false;
        for (String n : new java.util.ArrayList<>(listed)) {
            for (String suf : suffixes) {
                if (n.endsWith(suf)) {
                    Path p = dir.resolve(n);
                    if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) Files.delete(p);
                    listed.remove(n);
                    changed = true;
                    break;
                }
            }
        }
        if (changed) writeManifest();
    }

    private void writeManifest() throws IOException {
        StringBuilder b = new StringBuilder();
        for (String n : listed) b.append(n).append('\n');
        move(b.toString(), MANIFEST);
    }

    public Path write(String name, String content) throws IOException {
        if (listed.add(name)) writeManifest();   // listed before it exists: an interrupted run leaves nothing unlisted
        return move(content, name);
    }

    private Path move(String content, String name) throws IOException {
        return writeWhole(dir.resolve(name), content);
    }

    /** Writes {@code content} to a temporary file beside {@code target}, then renames it over {@code target} (atomically where the file system can). */
    public static Path writeWhole(Path target, String content) throws IOException {
        Path tmp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
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
