package org.kexecverify.model.program;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The machine code of a design, resolved: the bytes of each symbol the relocation needs, where they were read from,
 * the kernel version they belong to and the struct kimage offsets of that build. Every engine reads the design from
 * here: the emulator executes {@link #entry()}, the TLA+ instance's instruction sequence is derived from its decoding,
 * the model and smt regions come from its extents.
 *
 * @param origin        where the code came from, in words ("Debian bookworm linux-source-6.1 6.1.158-1, defconfig build")
 * @param kernelVersion the kernel version ("6.1.158"), or "project" for a project .S
 * @param entrySymbol   the symbol execution starts at
 * @param vectorsSymbol the EL2 vector table symbol, or null
 * @param offsets       struct kimage offsets of that build
 * @param symbols       every symbol read, by name
 */
public record DesignCode(String origin, String kernelVersion, String entrySymbol, String vectorsSymbol, KimageOffsets offsets,
                         Map<String, Blob> symbols) {
    public DesignCode {
        symbols = Map.copyOf(symbols);
        if (!symbols.containsKey(entrySymbol)) throw new IllegalArgumentException("no bytes for the entry symbol " + entrySymbol);
        if (vectorsSymbol != null && !symbols.containsKey(vectorsSymbol)) {
            throw new IllegalArgumentException("no bytes for the vectors symbol " + vectorsSymbol);
        }
    }

    /**
     * The bytes of one symbol (for the entry: its whole section, e.g. {@code .kexec_relocate.text}, which
     * machine_kexec_post_load copies into the control page; {@code entryOffset} is where the symbol sits in them).
     *
     * @param name        symbol
     * @param bytes       the code, little-endian A64 words
     * @param entryOffset offset of the symbol in {@code bytes}
     * @param file        the file the bytes were read from
     * @param fileOffset  their offset in that file
     */
    public record Blob(String name, byte[] bytes, int entryOffset, String file, long fileOffset) {
        public Blob {
            bytes = bytes.clone();
            if (bytes.length % 4 != 0) throw new IllegalArgumentException(name + ": " + bytes.length + " bytes is not whole A64 words");
        }

        @Override
        public byte[] bytes() {
            return bytes.clone();
        }

        public int size() {
            return bytes.length;
        }

        /** The A64 word at byte offset {@code off}. */
        public int word(int off) {
            return (bytes[off] & 0xff) | (bytes[off + 1] & 0xff) << 8 | (bytes[off + 2] & 0xff) << 16 | (bytes[off + 3] & 0xff) << 24;
        }

        public String sha256() {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The same design with one A64 word of {@code symbol} replaced (a mutant); {@code what} is appended to the origin. */
    public DesignCode withWord(String symbol, int offset, int word, String what) {
        Blob b = symbols.get(symbol);
        if (b == null) throw new IllegalArgumentException("no symbol " + symbol);
        if (offset < 0 || offset + 4 > b.size() || (offset & 3) != 0) throw new IllegalArgumentException(symbol + "+0x" + Integer.toHexString(offset) + " is not a word of it");
        byte[] bytes = b.bytes();
        for (int i = 0; i < 4; i++) bytes[offset + i] = (byte) (word >>> (8 * i));
        java.util.Map<String, Blob> m = new java.util.LinkedHashMap<>(symbols);
        m.put(symbol, new Blob(b.name(), bytes, b.entryOffset(), b.file() + " (mutated)", b.fileOffset()));
        return new DesignCode(origin + "; mutant " + what, kernelVersion, entrySymbol, vectorsSymbol, offsets, m);
    }

    public Blob entry() {
        return symbols.get(entrySymbol);
    }

    public Optional<Blob> vectors() {
        return Optional.ofNullable(vectorsSymbol == null ? null : symbols.get(vectorsSymbol));
    }

    /** One line for verdicts and reports: version, entry symbol, size and SHA-256 of the code that ran. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append(kernelVersion).append(' ').append(entrySymbol).append(" (").append(entry().size()).append(" bytes, sha256 ")
                .append(entry().sha256(), 0, 16).append(')');
        vectors().ifPresent(v -> b.append(", ").append(v.name()).append(" (sha256 ").append(v.sha256(), 0, 16).append(')'));
        int cut = origin.indexOf(": ");
        return b.append(", from ").append(cut > 0 ? origin.substring(0, cut) : origin).toString();
    }

    /** Name, version and digests as verdict metadata. */
    public Map<String, String> meta() {
        java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
        m.put("kernel", kernelVersion);
        m.put("origin", origin);
        for (Blob x : List.copyOf(symbols.values())) m.put("sha256:" + x.name(), x.sha256());
        return m;
    }
}
