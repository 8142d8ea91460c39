package org.kexecverify.groundtruth.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * What the dynamic loader needs of an ELF64 little-endian file: its {@code PT_INTERP} and its
 * {@code DT_NEEDED} sonames (read through {@code PT_DYNAMIC} and the {@code DT_STRTAB} it names).
 *
 * @param interpreter the program interpreter ({@code /lib/ld-linux-aarch64.so.1}), or null for a library
 *                    or a static binary
 * @param needed      the sonames in {@code DT_NEEDED} order
 */
public record Elf(String interpreter, List<String> needed) {
    private static final int PT_LOAD = 1;
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;

    public static Elf read(Path file) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size()).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (b.limit() < 64 || b.getInt(0) != 0x464c457f || b.get(4) != 2 || b.get(5) != 1) {
            throw new IOException(file + " is not a little-endian ELF64 file");
        }
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        String interp = null;
        long dynOff = -1;
        long dynSize = 0;
        List<long[]> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int p = (int) (phoff + (long) i * phentsize);
            int type = b.getInt(p);
            long off = b.getLong(p + 8);
            long vaddr = b.getLong(p + 16);
            long filesz = b.getLong(p + 32);
            if (type == PT_INTERP) {
                interp = cString(b, (int) off);
            } else if (type == PT_DYNAMIC) {
                dynOff = off;
                dynSize = filesz;
            } else if (type == PT_LOAD) {
                loads.add(new long[] {vaddr, off, filesz});
            }
        }
        List<String> needed = new ArrayList<>();
        if (dynOff >= 0) {
            long strtab = -1;
            List<Long> neededOffsets = new ArrayList<>();
            for (long d = dynOff; d + 16 <= dynOff + dynSize; d += 16) {
                long tag = b.getLong((int) d);
                long val = b.getLong((int) d + 8);
                if (tag == 0) break;
                if (tag == DT_NEEDED) neededOffsets.add(val);
                if (tag == DT_STRTAB) strtab = val;
            }
            if (!neededOffsets.isEmpty()) {
                long strOff = -1;
                for (long[] l : loads) {
                    if (strtab >= l[0] && strtab < l[0] + l[2]) strOff = strtab - l[0] + l[1];
                }
                if (strOff < 0) throw new IOException(file + ": DT_STRTAB 0x" + Long.toHexString(strtab) + " is in no PT_LOAD segment");
                for (long n : neededOffsets) needed.add(cString(b, (int) (strOff + n)));
            }
        }
        return new Elf(interp, List.copyOf(needed));
    }

    private static String cString(ByteBuffer b, int at) {
        int end = at;
        while (end < b.limit() && b.get(end) != 0) end++;
        byte[] s = new byte[end - at];
        b.get(at, s);
        return new String(s, StandardCharsets.UTF_8);
    }
}
