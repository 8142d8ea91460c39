package org.kexecverify.output;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One run's result set in {@code --out}, replaced as a whole or not at all.
 *
 * <p>A run writes every file into the staging directory {@value #STAGING} inside {@code --out}; the previous results
 * stay untouched. {@link #commit()} first writes {@value #COMMIT} into the staging directory (the list of this run's
 * files: from then on the new set is decided), then moves each file into place, removes the files the previous
 * manifest {@value #MANIFEST} listed that this run did not write, writes the new manifest and removes the staging
 * directory. A run interrupted before the commit point leaves the previous results as they were (its staging directory
 * is discarded by the next run); one interrupted after it is finished by the next run before anything else (roll
 * forward). SIGINT and SIGTERM never cut a commit in half: a shutdown hook waits for a commit in progress and forbids
 * one from starting. Only files a manifest lists are ever removed: a user's own files in {@code --out} are never touched.
 */
public final class OutputDir {
    /** The list of files the tool wrote into the directory, one name per line. */
    public static final String MANIFEST = ".kexec-verify-files";
    /** Where a run writes before its commit. */
    public static final String STAGING = ".kexec-verify-staging";
    /** Inside {@link #STAGING}: the new manifest, written at the commit point. */
    public static final String COMMIT = "COMMIT";

    private static final ReentrantLock COMMITTING = new ReentrantLock();
    private static volatile boolean shuttingDown;

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            COMMITTING.lock();   // waits for a commit in progress to finish its moves
            try {
                shuttingDown = true;
            } finally {
                COMMITTING.unlock();
            }
        }, "kexec-verify: finish or forbid the --out commit"));
    }

    private final Path dir;
    private final Path staging;
    private final Set<String> written = new TreeSet<>();
    private boolean committed;

    private OutputDir(Path dir) {
        this.dir = dir;
        this.staging = dir.resolve(STAGING);
    }

    /** Starts a run in {@code dir}: finishes or discards what an interrupted run left, then an empty staging directory. */
    public static OutputDir begin(Path dir) throws IOException {
        Files.createDirectories(dir);
        OutputDir o = new OutputDir(dir);
        o.recover();
        Files.createDirectories(o.staging);
        return o;
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
            Path st = dir.resolve(STAGING);
            if (Files.exists(st, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(st, LinkOption.NOFOLLOW_LINKS)) {
                throw new org.kexecverify.cli.BadInput("--out " + dir + ": " + STAGING + " exists and is not the staging directory this tool "
                        + "writes (a name it keeps for itself): move it away");
            }
            Path probe = Files.createTempFile(dir, ".kexec-verify-probe", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileAlreadyExistsException ? "a path component is a file"
                    : e instanceof java.nio.file.FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName();
            throw new org.kexecverify.cli.BadInput("--out " + dir + ": cannot write there (" + why + ")");
        }
    }

    /** Writes one file of this run (into the staging directory; it appears in {@code --out} at {@link #commit()}). */
    public Path write(String name, String content) throws IOException {
        if (committed) throw new IllegalStateException("run already committed");
        if (name.isEmpty() || name.contains("/") || name.startsWith(".")) throw new IllegalArgumentException("not an output file name: " + name);
        written.add(name);
        return writeWhole(staging.resolve(name), content);
    }

    /**
     * Makes this run's files the results in {@code --out}, as a whole. Returns false, leaving the previous results, when
     * the process is being shut down (SIGINT/SIGTERM) before the commit point.
     */
    public boolean commit() throws IOException {
        COMMITTING.lock();
        try {
            if (shuttingDown) return false;
            StringBuilder b = new StringBuilder();
            for (String n : written) b.append(n).append('\n');
            writeWhole(staging.resolve(COMMIT), b.toString());   // the commit point
            apply();
            committed = true;
            return true;
        } finally {
            COMMITTING.unlock();
        }
    }

    /** A staging directory with its commit record is rolled forward; one without is an interrupted run, discarded. */
    private void recover() throws IOException {
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
                throw new org.kexecverify.cli.BadInput("--out " + dir + ": " + STAGING + " exists and is not the staging directory this tool "
                        + "writes (a name it keeps for itself): move it away");
            }
            return;
        }
        COMMITTING.lock();
        try {
            if (Files.isRegularFile(staging.resolve(COMMIT), LinkOption.NOFOLLOW_LINKS)) apply();
            else deleteStaging();
        } finally {
            COMMITTING.unlock();
        }
    }

    /** The moves of a decided commit; idempotent, so an interrupted one is finished by running it again. */
    private void apply() throws IOException {
        List<String> next = names(staging.resolve(COMMIT));
        for (String n : next) {
            Path from = staging.resolve(n);
            if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) move(from, dir.resolve(n));
        }
        Set<String> keep = new TreeSet<>(next);
        for (String n : names(dir.resolve(MANIFEST))) {
            Path p = dir.resolve(n);
            if (!keep.contains(n) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) Files.delete(p);
        }
        move(staging.resolve(COMMIT), dir.resolve(MANIFEST));
        deleteStaging();
    }

    private void deleteStaging() throws IOException {
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) return;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(staging)) {
            for (Path p : ds) {
                if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) Files.delete(p);
            }
        }
        Files.delete(staging);
    }

    /** The names a manifest lists: plain file names only (no path, no hidden file), at most 1 MiB of them. */
    private static List<String> names(Path manifest) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(manifest, LinkOption.NOFOLLOW_LINKS) || Files.size(manifest) > (1 << 20)) return out;
        for (String l : Files.readAllLines(manifest)) {
            String n = l.strip();
            if (!n.isEmpty() && !n.contains("/") && !n.startsWith(".")) out.add(n);
        }
        return out;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
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
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
