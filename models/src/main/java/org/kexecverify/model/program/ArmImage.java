package org.kexecverify.model.program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.model.program.CodeResolver.BadCode;

/**
 * An arm64 kernel Image (Documentation/arch/arm64/booting.rst): a 64-byte header with {@code text_offset} at 8,
 * {@code image_size} at 16 and the magic {@code "ARM\x64"} at 0x38, followed by the kernel from {@code _text} on.
 * Debian's {@code /boot/vmlinuz-*} on arm64 is such an uncompressed Image. Pure Java.
 */
public final class ArmImage {
    private static final byte[] MAGIC = {'A', 'R', 'M', 0x64};
    private static final Pattern BANNER = Pattern.compile("Linux version (\\S+) \\([^\\n\\x00]*?(?:Debian (\\S+) )?\\(\\d{4}-\\d\\d-\\d\\d\\)");

    private final String file;
    private final byte[] bytes;
    private final long textOffset;
    private final long imageSize;
    private final long flags;

    private ArmImage(String file, byte[] bytes, long textOffset, long imageSize, long flags) {
        this.file = file;
        this.bytes = bytes;
        this.textOffset = textOffset;
        this.imageSize = imageSize;
        this.flags = flags;
    }

    public static ArmImage parse(String file, byte[] bytes) throws BadCode {
        if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
            throw new BadCode(file, "is gzip-compressed (an Image.gz): decompress it first (gzip -dc)");
        }
        if (Elf64.isElf(bytes)) throw new BadCode(file, "is an ELF file, not an Image: name it under objects: (a vmlinux with symbols)");
        if (bytes.length < 64) throw new BadCode(file, "too short for an arm64 Image header (" + bytes.length + " bytes, the header is 64)");
        for (int i = 0; i < 4; i++) {
            if (bytes[0x38 + i] != MAGIC[i]) throw new BadCode(file, "no arm64 Image magic \"ARM\\x64\" at offset 0x38: not an arm64 kernel Image");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long textOffset = b.getLong(8);
        long imageSize = b.getLong(16);
        long flags = b.getLong(24);
        if (imageSize != 0 && Long.compareUnsigned(bytes.length, imageSize) > 0) {
            throw new BadCode(file, String.format("file is 0x%x bytes, larger than the header's image_size 0x%x", bytes.length, imageSize));
        }
        return new ArmImage(file, bytes, textOffset, imageSize, flags);
    }

    public String file() {
        return file;
    }

    public long textOffset() {
        return textOffset;
    }

    /** {@code _end - _text} as the header states it (0 for kernels before 3.17). */
    public long imageSize() {
        return imageSize;
    }

    public long flags() {
        return flags;
    }

    public int length() {
        return bytes.length;
    }

    /** {@code length} bytes at file offset {@code off}. */
    public byte[] bytes(long off, int length) {
        byte[] out = new byte[length];
        System.arraycopy(bytes, (int) off, out, 0, length);
        return out;
    }

    /** The little-endian word at file offset {@code off}. */
    public int word(long off) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt((int) off);
    }

    /** Every file offset at which {@code needle} occurs. */
    public java.util.List<Long> find(byte[] needle) {
        java.util.List<Long> out = new java.util.ArrayList<>();
        if (needle.length == 0) return out;
        outer:
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (bytes[i] != needle[0]) continue;
            for (int j = 1; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) continue outer;
            }
            out.add((long) i);
        }
        return out;
    }

    /**
     * The release and, for a Debian build, the package version from the {@code linux_banner}
     * ("Linux version 6.1.0-57-arm64 (...) #1 SMP Debian 6.1.192-3 (2026-11-26)" -> "6.1.192-3 (6.1.0-57-arm64)").
     */
    public Optional<String> version() {
        return version(bytes);
    }

    /** The version in a {@code linux_banner} anywhere in {@code bytes} (an Image or a vmlinux), as {@link #version()}. */
    public static Optional<String> version(byte[] bytes) {
        byte[] key = "Linux version ".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 0; i + key.length < bytes.length; i++) {
            for (int j = 0; j < key.length; j++) {
                if (bytes[i + j] != key[j]) continue outer;
            }
            int end = i;
            while (end < bytes.length && end - i < 400 && bytes[end] != 0 && bytes[end] != '\n') end++;
            Matcher m = BANNER.matcher(new String(bytes, i, end - i, StandardCharsets.ISO_8859_1));
            if (m.lookingAt()) return Optional.of(m.group(2) == null ? m.group(1) : m.group(2) + " (" + m.group(1) + ")");
        }
        return Optional.empty();
    }
}
