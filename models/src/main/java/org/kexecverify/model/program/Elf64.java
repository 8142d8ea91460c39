package org.kexecverify.model.program;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.kexecverify.model.program.CodeResolver.BadCode;

/**
 * An ELF64 little-endian AArch64 file (a relocatable object or a vmlinux), read in pure Java: section headers,
 * the symbol table and the relocation sections. Every malformed structure is {@link BadCode} naming the file
 * and what is wrong; nothing is trusted that points outside the file.
 */
public final class Elf64 {
    public static final int ET_REL = 1;
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int EM_AARCH64 = 183;
    public static final int SHT_PROGBITS = 1;
    public static final int SHT_SYMTAB = 2;
    public static final int SHT_STRTAB = 3;
    public static final int SHT_RELA = 4;
    public static final int SHT_NOBITS = 8;
    public static final int SHT_REL = 9;
    public static final int SHN_UNDEF = 0;
    public static final int SHN_ABS = 0xfff1;
    public static final int SHN_COMMON = 0xfff2;
    public static final int SHF_ALLOC = 2;
    public static final int SHF_EXECINSTR = 4;

    /** A section header, with its name resolved. */
    public record Section(int index, String name, int type, long flags, long addr, long offset, long size, int link, int info,
                          long align, long entsize) {
        public boolean hasBytes() {
            return type != SHT_NOBITS && type != 0;
        }
    }

    /** A symbol table entry: value, size, section index (or {@link #SHN_ABS}), type and binding. */
    public record Symbol(String name, long value, long size, int shndx, int type, int binding) {
        public static final int STB_LOCAL = 0;
        public static final int STB_GLOBAL = 1;
        public static final int STB_WEAK = 2;
        public static final int STT_NOTYPE = 0;
        public static final int STT_OBJECT = 1;
        public static final int STT_FUNC = 2;
        public static final int STT_SECTION = 3;
        public static final int STT_FILE = 4;

        public boolean absolute() {
            return shndx == SHN_ABS;
        }

        public boolean defined() {
            return shndx != SHN_UNDEF && shndx != SHN_COMMON;
        }
    }

    /** A relocation: where it applies (section index and offset), its type and the symbol it names. */
    public record Relocation(int section, long offset, int type, String symbol, long addend) {
        /** How many bytes it patches: 8 for ABS64, 2 for ABS16, else 4 (an instruction or a 32-bit word). */
        public int width() {
            return type == 257 || type == 260 ? 8 : type == 259 || type == 262 ? 2 : 4;
        }

        /** The AArch64 relocation type's name, for messages ({@code R_AARCH64_ADR_PREL_PG_HI21}). */
        public String typeName() {
            return switch (type) {
                case 257 -> "R_AARCH64_ABS64";
                case 258 -> "R_AARCH64_ABS32";
                case 261 -> "R_AARCH64_PREL32";
                case 273 -> "R_AARCH64_LD_PREL_LO19";
                case 274 -> "R_AARCH64_ADR_PREL_LO21";
                case 275 -> "R_AARCH64_ADR_PREL_PG_HI21";
                case 277 -> "R_AARCH64_ADD_ABS_LO12_NC";
                case 279 -> "R_AARCH64_TSTBR14";
                case 280 -> "R_AARCH64_CONDBR19";
                case 282 -> "R_AARCH64_JUMP26";
                case 283 -> "R_AARCH64_CALL26";
                case 286 -> "R_AARCH64_LDST64_ABS_LO12_NC";
                default -> "relocation type " + type;
            };
        }
    }

    private final String file;
    private final byte[] bytes;
    private final int type;
    private final List<Section> sections;
    private final List<Symbol> symbols;
    private final List<Relocation> relocations;

    private Elf64(String file, byte[] bytes, int type, List<Section> sections, List<Symbol> symbols, List<Relocation> relocations) {
        this.file = file;
        this.bytes = bytes;
        this.type = type;
        this.sections = List.copyOf(sections);
        this.symbols = List.copyOf(symbols);
        this.relocations = List.copyOf(relocations);
    }

    /** True when {@code bytes} start with the ELF magic. */
    public static boolean isElf(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0x7f && bytes[1] == 'E' && bytes[2] == 'L' && bytes[3] == 'F';
    }

    /** Parses {@code bytes} (the contents of {@code file}, named in every error). */
    public static Elf64 parse(String file, byte[] bytes) throws BadCode {
        if (!isElf(bytes)) throw new BadCode(file, "not an ELF file (no \\x7fELF magic at offset 0)");
        if (bytes.length < 64) throw new BadCode(file, "ELF header truncated (" + bytes.length + " bytes)");
        if (bytes[4] != 2) throw new BadCode(file, "not a 64-bit ELF file (EI_CLASS " + bytes[4] + "); arm64 code is ELF64");
        if (bytes[5] != 1) throw new BadCode(file, "not a little-endian ELF file (EI_DATA " + bytes[5] + ")");
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int type = b.getShort(16) & 0xffff;
        int machine = b.getShort(18) & 0xffff;
        if (machine != EM_AARCH64) throw new BadCode(file, "e_machine " + machine + " is not AArch64 (183)");
        if (type != ET_REL && type != ET_EXEC && type != ET_DYN) throw new BadCode(file, "ELF type " + type + " is neither an object nor an executable");
        long shoff = b.getLong(40);
        int shentsize = b.getShort(58) & 0xffff;
        int shnum = b.getShort(60) & 0xffff;
        int shstrndx = b.getShort(62) & 0xffff;
        if (shnum == 0) throw new BadCode(file, "no section headers");
        if (shentsize != 64) throw new BadCode(file, "section header size " + shentsize + " (ELF64 has 64)");
        check(file, "section header table", shoff, (long) shnum * 64, bytes.length);
        long[][] raw = new long[shnum][];
        for (int i = 0; i < shnum; i++) {
            int o = (int) (shoff + 64L * i);
            raw[i] = new long[] {b.getInt(o) & 0xffffffffL, b.getInt(o + 4) & 0xffffffffL, b.getLong(o + 8), b.getLong(o + 16),
                b.getLong(o + 24), b.getLong(o + 32), b.getInt(o + 40) & 0xffffffffL, b.getInt(o + 44) & 0xffffffffL, b.getLong(o + 48), b.getLong(o + 56)};
            if (raw[i][1] != SHT_NOBITS && raw[i][1] != 0) check(file, "section " + i, raw[i][4], raw[i][5], bytes.length);
        }
        if (shstrndx >= shnum) throw new BadCode(file, "section name table index " + shstrndx + " past " + shnum + " sections");
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < shnum; i++) {
            long[] r = raw[i];
            String name = i == 0 ? "" : string(file, bytes, raw[shstrndx], r[0], "section " + i + " name");
            sections.add(new Section(i, name, (int) r[1], r[2], r[3], r[4], r[5], (int) r[6], (int) r[7], r[8], r[9]));
        }
        List<Symbol> symbols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Section symtab = sections.stream().filter(s -> s.type() == SHT_SYMTAB).findFirst().orElse(null);
        if (symtab != null) {
            if (symtab.entsize() != 24) throw new BadCode(file, "symbol entry size " + symtab.entsize() + " (ELF64 has 24)");
            if (symtab.link() <= 0 || symtab.link() >= shnum) throw new BadCode(file, ".symtab links to no string table");
            long[] strtab = raw[symtab.link()];
            for (long off = symtab.offset(); off + 24 <= symtab.offset() + symtab.size(); off += 24) {
                int o = (int) off;
                long nameOff = b.getInt(o) & 0xffffffffL;
                int info = bytes[o + 4] & 0xff;
                int shndx = b.getShort(o + 6) & 0xffff;
                String n = string(file, bytes, strtab, nameOff, "symbol " + symbols.size() + " name");
                Symbol s = new Symbol(n, b.getLong(o + 8), b.getLong(o + 16), shndx, info & 0xf, info >>> 4);
                if (s.type() == Symbol.STT_SECTION && n.isEmpty() && shndx < shnum) s = new Symbol(sections.get(shndx).name(), s.value(), s.size(), shndx, s.type(), s.binding());
                symbols.add(s);
                names.add(s.name());
            }
        }
        List<Relocation> relocations = new ArrayList<>();
        for (Section s : sections) {
            if (s.type() != SHT_RELA && s.type() != SHT_REL) continue;
            int ent = s.type() == SHT_RELA ? 24 : 16;
            if (s.entsize() != ent) throw new BadCode(file, s.name() + ": relocation entry size " + s.entsize() + " (expected " + ent + ")");
            if (s.info() <= 0 || s.info() >= shnum) continue; // not tied to a section (dynamic relocations)
            for (long off = s.offset(); off + ent <= s.offset() + s.size(); off += ent) {
                int o = (int) off;
                long info = b.getLong(o + 8);
                int symIndex = (int) (info >>> 32);
                String sym = symIndex < names.size() ? names.get(symIndex) : "#" + symIndex;
                relocations.add(new Relocation(s.info(), b.getLong(o), (int) info, sym, ent == 24 ? b.getLong(o + 16) : 0));
            }
        }
        return new Elf64(file, bytes, type, sections, symbols, relocations);
    }

    private static void check(String file, String what, long off, long size, long length) throws BadCode {
        if (off < 0 || size < 0 || off > length || size > length - off) {
            throw new BadCode(file, String.format("%s at offset 0x%x, 0x%x bytes, runs past the end of the file (0x%x bytes)", what, off, size, length));
        }
    }

    private static String string(String file, byte[] bytes, long[] strtab, long off, String what) throws BadCode {
        if (off >= strtab[5]) throw new BadCode(file, what + " at string offset " + off + " is past its string table");
        int start = (int) (strtab[4] + off);
        int end = start;
        int limit = (int) (strtab[4] + strtab[5]);
        while (end < limit && bytes[end] != 0) end++;
        return new String(bytes, start, end - start, StandardCharsets.UTF_8);
    }

    public String file() {
        return file;
    }

    /** {@link #ET_REL}, {@link #ET_EXEC} or {@link #ET_DYN}. */
    public int type() {
        return type;
    }

    public boolean relocatable() {
        return type == ET_REL;
    }

    public List<Section> sections() {
        return sections;
    }

    public List<Symbol> symbols() {
        return symbols;
    }

    public List<Relocation> relocations() {
        return relocations;
    }

    public Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** The defined symbol {@code name} that has a section (a global one first), if any. */
    public Optional<Symbol> symbol(String name) {
        Symbol local = null;
        for (Symbol s : symbols) {
            if (!s.name().equals(name) || !s.defined() || s.type() == Symbol.STT_SECTION || s.type() == Symbol.STT_FILE) continue;
            if (s.binding() != Symbol.STB_LOCAL) return Optional.of(s);
            if (local == null) local = s;
        }
        return Optional.ofNullable(local);
    }

    /** Every absolute symbol ({@code .equ KIMAGE_START, 24} in GNU as), by name; a later one of the same name wins. */
    public java.util.Map<String, Long> absoluteSymbols() {
        java.util.Map<String, Long> m = new java.util.LinkedHashMap<>();
        for (Symbol s : symbols) {
            if (s.absolute() && s.type() != Symbol.STT_FILE && !s.name().isEmpty()) m.put(s.name(), s.value());
        }
        return m;
    }

    /** The bytes of a section, or a part of it ({@code from}, {@code length} relative to the section start). */
    public byte[] bytes(Section s, long from, long length) throws BadCode {
        if (!s.hasBytes()) throw new BadCode(file, "section " + s.name() + " has no bytes in the file (NOBITS)");
        if (from < 0 || length < 0 || from > s.size() || length > s.size() - from) {
            throw new BadCode(file, String.format("bytes 0x%x..0x%x are outside section %s (0x%x bytes)", from, from + length, s.name(), s.size()));
        }
        byte[] out = new byte[(int) length];
        System.arraycopy(bytes, (int) (s.offset() + from), out, 0, (int) length);
        return out;
    }

    /** Relocations that patch bytes in {@code [from, from + length)} of section {@code s} (offsets relative to the section). */
    public List<Relocation> relocationsIn(Section s, long from, long length) {
        List<Relocation> out = new ArrayList<>();
        for (Relocation r : relocations) {
            long off = relocatable() ? r.offset() : r.offset() - s.addr();
            if (r.section() == s.index() && off + r.width() > from && off < from + length) out.add(r);
        }
        return out;
    }
}
