package org.kexecverify.groundtruth.kernel;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A cpio archive in the {@code newc} format the kernel unpacks as an initramfs
 * ({@code Documentation/driver-api/early-userspace/buffer-format.rst}): a 110-byte ASCII header per entry
 * ({@code 070701}, inode, mode, uid, gid, nlink, mtime, filesize, dev, rdev, namesize, check: eight hex digits
 * each), the name with its NUL padded to 4 bytes, the data padded to 4 bytes, and a {@code TRAILER!!!} entry.
 *
 * <p>Entries are written in insertion order, every directory before what it holds (parents are added on
 * demand). Owner root, mtime 0: the archive depends only on its content. No root, no host {@code cpio}.
 */
public final class Cpio {
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFLNK = 0120000;
    private static final int S_IFCHR = 0020000;

    private sealed interface Entry permits Dir, File, Link, CharDev {
    }

    private record Dir(int perm) implements Entry {
    }

    private record File(Path source, byte[] bytes, int perm) implements Entry {
        long size() throws IOException {
            return bytes != null ? bytes.length : Files.size(source);
        }
    }

    private record Link(String target) implements Entry {
    }

    private record CharDev(int major, int minor) implements Entry {
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();

    /** A directory (and its parents), mode 0755. */
    public Cpio dir(String path) {
        String p = norm(path);
        if (p.isEmpty() || entries.containsKey(p)) return this;
        int slash = p.lastIndexOf('/');
        if (slash > 0) dir(p.substring(0, slash));
        entries.put(p, new Dir(0755));
        return this;
    }

    /** A regular file with the content of a host file (read when the archive is written). */
    public Cpio file(String path, Path source, int perm) {
        return put(path, new File(source, null, perm));
    }

    /** A regular file with the given bytes. */
    public Cpio file(String path, byte[] bytes, int perm) {
        return put(path, new File(null, bytes.clone(), perm));
    }

    /** A text file (UTF-8). */
    public Cpio text(String path, String content, int perm) {
        return file(path, content.getBytes(StandardCharsets.UTF_8), perm);
    }

    /** A symbolic link {@code path -> target}. */
    public Cpio symlink(String path, String target) {
        return put(path, new Link(target));
    }

    /** A character device node (the kernel creates it when it unpacks the archive: no root needed here). */
    public Cpio charDevice(String path, int major, int minor) {
        return put(path, new CharDev(major, minor));
    }

    public boolean contains(String path) {
        return entries.containsKey(norm(path));
    }

    private Cpio put(String path, Entry e) {
        String p = norm(path);
        int slash = p.lastIndexOf('/');
        if (slash > 0) dir(p.substring(0, slash));
        entries.put(p, e);
        return this;
    }

    private static String norm(String path) {
        String p = path;
        while (p.startsWith("/")) p = p.substring(1);
        while (p.endsWith("/")) p = p.substring(0, p.length() - 1);
        return p;
    }

    /** Writes the archive to {@code out} (whole: a temporary file moved into place). */
    public void writeTo(Path out) throws IOException {
        Path tmp = out.resolveSibling(out.getFileName() + ".tmp");
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            long[] pos = {0};
            int ino = 1;
            for (Map.Entry<String, Entry> e : entries.entrySet()) {
                Entry v = e.getValue();
                if (v instanceof Dir d) {
                    header(os, pos, ino++, S_IFDIR | d.perm(), 2, 0, e.getKey());
                } else if (v instanceof CharDev c) {
                    header(os, pos, ino++, S_IFCHR | 0600, 1, 0, e.getKey(), c.major(), c.minor());
                } else if (v instanceof Link l) {
                    byte[] t = l.target().getBytes(StandardCharsets.UTF_8);
                    header(os, pos, ino++, S_IFLNK | 0777, 1, t.length, e.getKey());
                    os.write(t);
                    pos[0] += t.length;
                    pad(os, pos);
                } else {
                    File f = (File) v;
                    long size = f.size();
                    header(os, pos, ino++, S_IFREG | f.perm(), 1, size, e.getKey());
                    if (f.bytes() != null) {
                        os.write(f.bytes());
                    } else {
                        long copied = Files.copy(f.source(), os);
                        if (copied != size) throw new IOException(f.source() + " changed while it was archived");
                    }
                    pos[0] += size;
                    pad(os, pos);
                }
            }
            header(os, pos, 0, 0, 1, 0, "TRAILER!!!");
        }
        Files.move(tmp, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static void header(OutputStream os, long[] pos, int ino, int mode, int nlink, long size, String name) throws IOException {
        header(os, pos, ino, mode, nlink, size, name, 0, 0);
    }

    private static void header(OutputStream os, long[] pos, int ino, int mode, int nlink, long size, String name, int rdevMajor,
                               int rdevMinor) throws IOException {
        if (size > 0xffffffffL) throw new IOException(name + " is larger than newc's 4 GiB limit");
        byte[] n = (name + "\0").getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder("070701");
        for (long f : new long[] {ino, mode, 0, 0, nlink, 0, size, 0, 0, rdevMajor, rdevMinor, n.length, 0}) {
            h.append(String.format("%08x", f));
        }
        os.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        os.write(n);
        pos[0] += h.length() + n.length;
        pad(os, pos);
    }

    private static void pad(OutputStream os, long[] pos) throws IOException {
        while ((pos[0] & 3) != 0) {
            os.write(0);
            pos[0]++;
        }
    }
}
