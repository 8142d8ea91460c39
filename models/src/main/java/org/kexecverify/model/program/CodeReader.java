package org.kexecverify.model.program;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kexecverify.model.program.CodeResolver.BadCode;
import org.kexecverify.model.program.DesignCode.Blob;
import org.kexecverify.model.program.Elf64.Relocation;
import org.kexecverify.model.program.Elf64.Section;
import org.kexecverify.model.program.Elf64.Symbol;

/**
 * Cuts the bytes of the symbols a relocation needs out of ELF files or an Image with its symbol map, and checks
 * that they are usable as they stand. Pure Java: no processes, no network.
 *
 * <p>Extents: the entry symbol of an object is its whole section (Linux 6.1 puts relocate_kernel.S in
 * {@code .kexec_relocate.text}, which is what machine_kexec_post_load copies); in a linked vmlinux or Image the
 * copy is {@code __relocate_new_kernel_start..__relocate_new_kernel_end} when those bracket the entry, else the
 * symbol up to the next symbol. A vector table is {@link #VECTOR_TABLE_LEN} bytes, 2 KiB aligned.
 */
public final class CodeReader {
    /** ARM64_VECTOR_TABLE_LEN: 16 entries of 128 bytes. */
    public static final int VECTOR_TABLE_LEN = 2048;
    /** Larger extents are not relocation code (a symbol with nothing after it in the map). */
    public static final int MAX_CODE_BYTES = 64 << 10;
    public static final String COPY_START = "__relocate_new_kernel_start";
    public static final String COPY_END = "__relocate_new_kernel_end";

    private CodeReader() {}

    // ---- ELF objects and vmlinux ----------------------------------------------------------------------

    /**
     * The entry's and the vectors' bytes from {@code objects} (each symbol from the one file that defines it), plus
     * each of {@code extraVectors} that some file defines (e.g. {@code __hyp_stub_vectors} of hyp-stub.o).
     */
    public static Map<String, Blob> fromObjects(List<Elf64> objects, String entry, String vectors, List<String> extraVectors) throws BadCode {
        Map<String, Blob> out = new LinkedHashMap<>();
        out.put(entry, objectEntry(objects, entry));
        if (vectors != null) out.put(vectors, objectVectors(objects, vectors, true));
        for (String x : extraVectors) {
            if (out.containsKey(x)) continue;
            Blob b = objectVectors(objects, x, false);
            if (b != null) out.put(x, b);
        }
        return out;
    }

    private static Elf64 defining(List<Elf64> objects, String name, boolean required) throws BadCode {
        Elf64 found = null;
        for (Elf64 e : objects) {
            Optional<Symbol> s = e.symbol(name);
            if (s.isEmpty() || s.get().absolute()) continue;
            if (found != null) throw new BadCode(e.file(), name + ": also defined in " + found.file() + ": name one of them");
            found = e;
        }
        if (found == null && required) {
            String files = String.join(", ", objects.stream().map(Elf64::file).toList());
            throw new BadCode(files, name + ": no such symbol with a section in " + (objects.size() == 1 ? "this object" : "these objects")
                    + (objects.stream().anyMatch(e -> e.symbols().isEmpty()) ? " (a stripped file has no symbol table)" : ""));
        }
        return found;
    }

    private static Blob objectEntry(List<Elf64> objects, String entry) throws BadCode {
        Elf64 e = defining(objects, entry, true);
        Symbol s = e.symbol(entry).orElseThrow();
        Section sec = section(e, s);
        long from;
        long length;
        if (e.relocatable()) {
            from = 0;
            length = sec.size();
        } else {
            Optional<Symbol> a = e.symbol(COPY_START);
            Optional<Symbol> b = e.symbol(COPY_END);
            if (a.isPresent() && b.isPresent() && Long.compareUnsigned(a.get().value(), s.value()) <= 0
                    && Long.compareUnsigned(s.value(), b.get().value()) < 0) {
                from = a.get().value() - sec.addr();
                length = b.get().value() - a.get().value();
            } else {
                from = s.value() - sec.addr();
                length = s.size() > 0 ? s.size() : nextInSection(e, sec, s.value()) - s.value();
            }
        }
        long symOff = e.relocatable() ? s.value() : s.value() - sec.addr();
        checkExtent(e.file(), entry, sec, from, length, symOff);
        noRelocations(e, entry, sec, from, length, symOff);
        byte[] bytes = e.bytes(sec, from, length);
        return new Blob(entry, bytes, (int) (symOff - from), e.file(), sec.offset() + from);
    }

    private static Blob objectVectors(List<Elf64> objects, String name, boolean required) throws BadCode {
        Elf64 e = defining(objects, name, required);
        if (e == null) return null;
        Symbol s = e.symbol(name).orElseThrow();
        Section sec = section(e, s);
        long from = e.relocatable() ? s.value() : s.value() - sec.addr();
        long addr = s.value();
        if ((addr & (VECTOR_TABLE_LEN - 1)) != 0 || (e.relocatable() && sec.align() < VECTOR_TABLE_LEN)) {
            if (!required) return null;
            throw new BadCode(e.file(), String.format("%s: at 0x%x in %s (section alignment %d), not 2 KiB aligned: VBAR_ELx cannot point at it",
                    name, addr, sec.name(), sec.align()));
        }
        if (from + VECTOR_TABLE_LEN > sec.size()) {
            if (!required) return null;
            throw new BadCode(e.file(), String.format("%s: a vector table is 0x800 bytes, but %s ends 0x%x bytes after it", name, sec.name(), sec.size() - from));
        }
        if (!e.relocationsIn(sec, from, VECTOR_TABLE_LEN).isEmpty()) {
            if (!required) return null;
            noRelocations(e, name, sec, from, VECTOR_TABLE_LEN, from);
        }
        return new Blob(name, e.bytes(sec, from, VECTOR_TABLE_LEN), 0, e.file(), sec.offset() + from);
    }

    private static Section section(Elf64 e, Symbol s) throws BadCode {
        if (s.shndx() >= e.sections().size()) throw new BadCode(e.file(), s.name() + ": section index " + s.shndx() + " past the section table");
        Section sec = e.sections().get(s.shndx());
        if (!sec.hasBytes()) throw new BadCode(e.file(), s.name() + ": in " + sec.name() + ", which has no bytes in the file");
        if ((sec.flags() & Elf64.SHF_EXECINSTR) == 0) {
            throw new BadCode(e.file(), s.name() + ": in section " + sec.name() + ", which is not executable (no SHF_EXECINSTR)");
        }
        return sec;
    }

    private static long nextInSection(Elf64 e, Section sec, long value) {
        long best = sec.addr() + sec.size();
        for (Symbol x : e.symbols()) {
            if (x.shndx() == sec.index() && x.type() != Symbol.STT_SECTION && Long.compareUnsigned(x.value(), value) > 0
                    && Long.compareUnsigned(x.value(), best) < 0 && !x.name().startsWith("$")) best = x.value();
        }
        return best;
    }

    private static void checkExtent(String file, String name, Section sec, long from, long length, long symOff) throws BadCode {
        if (length <= 0) throw new BadCode(file, String.format("%s: empty extent (at offset 0x%x of %s)", name, symOff, sec.name()));
        if (length > MAX_CODE_BYTES) {
            throw new BadCode(file, String.format("%s: extent of 0x%x bytes at offset 0x%x of %s is past the %d KiB a relocation routine can be",
                    name, length, from, sec.name(), MAX_CODE_BYTES >> 10));
        }
        if ((length & 3) != 0 || (from & 3) != 0) {
            throw new BadCode(file, String.format("%s: extent 0x%x..0x%x of %s is not whole A64 words", name, from, from + length, sec.name()));
        }
    }

    private static void noRelocations(Elf64 e, String name, Section sec, long from, long length, long symOff) throws BadCode {
        List<Relocation> rs = e.relocationsIn(sec, from, length);
        if (rs.isEmpty()) return;
        Relocation r = rs.get(0);
        long off = e.relocatable() ? r.offset() : r.offset() - sec.addr();
        String rel = off >= symOff ? String.format("%s+0x%x", name, off - symOff) : String.format("%s-0x%x", name, symOff - off);
        throw new BadCode(e.file(), String.format("%s: %s against '%s' at offset 0x%x of %s (%s)%s: the bytes are not final until linked;"
                        + " give the linked vmlinux or Image + System.map", rel, r.typeName(), r.symbol(), off, sec.name(), name,
                rs.size() > 1 ? " and " + (rs.size() - 1) + " more" : ""));
    }

    /** Struct kimage offsets from the absolute symbols of objects ({@code .equ KIMAGE_START, 24} in a project .S). */
    public static KimageOffsets offsetsFromSymbols(List<Elf64> objects) throws BadCode {
        Map<String, Long> k = new LinkedHashMap<>();
        for (Elf64 e : objects) {
            e.absoluteSymbols().forEach((n, v) -> {
                if (n.startsWith("KIMAGE_")) k.put(n, v);
            });
        }
        String files = String.join(", ", objects.stream().map(Elf64::file).toList());
        if (k.isEmpty()) {
            throw new BadCode(files, "no absolute KIMAGE_* symbols (.equ KIMAGE_START, 24): state the offsets in the scenario (offsets: or asm_offsets:)");
        }
        return AsmOffsets.of(files, k);
    }

    // ---- Image with System.map / kallsyms --------------------------------------------------------------

    /**
     * The entry's and the vectors' bytes from an Image whose symbol addresses {@code map} gives. The map must fit
     * the Image: {@code _text} present, {@code _end - _text} equal to the header's image_size, the first branch of
     * the header landing on {@code primary_entry} (or {@code stext}) when the map names it, and every symbol inside the file.
     */
    public static Map<String, Blob> fromImage(ArmImage img, SymbolMap map, String entry, String vectors, List<String> extraVectors) throws BadCode {
        long text = map.address("_text").orElseThrow(() -> new BadCode(map.file(), "_text: no such symbol: not a kernel's System.map or kallsyms"));
        checkFits(img, map, text);
        Map<String, Blob> out = new LinkedHashMap<>();
        long e = map.address(entry).orElseThrow(() -> new BadCode(map.file(), entry + ": no such symbol in the map"));
        long from = e;
        long end;
        Optional<Long> a = map.address(COPY_START);
        Optional<Long> b = map.address(COPY_END);
        if (a.isPresent() && b.isPresent() && Long.compareUnsigned(a.get(), e) <= 0 && Long.compareUnsigned(e, b.get()) < 0) {
            from = a.get();
            end = b.get();
        } else {
            end = map.nextAddressAfter(e).orElseThrow(() -> new BadCode(map.file(), entry + ": no symbol follows it in the map, so its size is unknown"));
        }
        long off = fileOffset(img, map, entry, text, from, end - from);
        if (end - from > MAX_CODE_BYTES) {
            throw new BadCode(map.file(), String.format("%s: 0x%x bytes to the next symbol, past the %d KiB a relocation routine can be", entry,
                    end - from, MAX_CODE_BYTES >> 10));
        }
        if (((end - from) & 3) != 0 || (from & 3) != 0) throw new BadCode(map.file(), String.format("%s at 0x%x: not whole A64 words", entry, from));
        out.put(entry, new Blob(entry, img.bytes(off, (int) (end - from)), (int) (e - from), img.file(), off));
        if (vectors != null) out.put(vectors, imageVectors(img, map, text, vectors, true));
        for (String x : extraVectors) {
            if (out.containsKey(x)) continue;
            Blob v = imageVectors(img, map, text, x, false);
            if (v != null) out.put(x, v);
        }
        return out;
    }

    private static Blob imageVectors(ArmImage img, SymbolMap map, long text, String name, boolean required) throws BadCode {
        Optional<Long> v = map.address(name);
        if (v.isEmpty()) {
            if (required) throw new BadCode(map.file(), name + ": no such symbol in the map");
            return null;
        }
        if ((v.get() & (VECTOR_TABLE_LEN - 1)) != 0) {
            if (!required) return null;
            throw new BadCode(map.file(), String.format("%s at 0x%x: not 2 KiB aligned, VBAR_ELx cannot point at it", name, v.get()));
        }
        long off = fileOffset(img, map, name, text, v.get(), VECTOR_TABLE_LEN);
        return new Blob(name, img.bytes(off, VECTOR_TABLE_LEN), 0, img.file(), off);
    }

    private static long fileOffset(ArmImage img, SymbolMap map, String name, long text, long va, long length) throws BadCode {
        long off = va - text;
        if (Long.compareUnsigned(va, text) < 0 || off + length > img.length()) {
            throw new BadCode(img.file(), String.format("%s: at 0x%x (_text+0x%x in %s), %d bytes, outside the Image's 0x%x bytes: the map is not this Image's",
                    name, va, off, map.file(), length, img.length()));
        }
        return off;
    }

    private static void checkFits(ArmImage img, SymbolMap map, long text) throws BadCode {
        Optional<Long> end = map.address("_end");
        if (end.isPresent() && img.imageSize() != 0 && end.get() - text != img.imageSize()) {
            throw new BadCode(img.file(), String.format("image_size in the header is 0x%x but %s gives _end - _text = 0x%x: the map is not this Image's",
                    img.imageSize(), map.file(), end.get() - text));
        }
        for (String entry : List.of("primary_entry", "stext")) {
            Optional<Long> pe = map.address(entry);
            if (pe.isEmpty()) continue;
            long want = pe.get() - text;
            // offset 0: "b primary_entry"; with EFI stub, offset 0 is the "MZ" nop and offset 4 the branch
            boolean matched = false;
            String seen = "";
            for (int at : new int[] {0, 4}) {
                int w = img.word(at);
                if ((w & 0xfc000000) == 0x14000000) {
                    long target = at + ((long) (w << 6 >> 6) << 2);
                    matched |= target == want;
                    seen = String.format(" (the branch at offset %d goes to 0x%x)", at, target);
                }
            }
            if (!matched) {
                throw new BadCode(img.file(), String.format("the Image's first branch does not reach %s at _text+0x%x as %s says%s: the map is not this Image's",
                        entry, want, map.file(), seen));
            }
            return;
        }
    }
}
