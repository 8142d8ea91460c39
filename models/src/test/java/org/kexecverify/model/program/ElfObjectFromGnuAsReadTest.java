package org.kexecverify.model.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.program.CodeResolver.BadCode;
import org.kexecverify.model.program.DesignCode.Blob;
import org.junit.jupiter.api.Assumptions;

/**
 * The ELF64 reader on objects GNU as makes at test time: the entry's bytes are its whole section (as
 * machine_kexec_post_load copies .kexec_relocate.text), vectors are 2 KiB, .equ KIMAGE_* become the offsets,
 * and a relocation inside the taken bytes is refused with the file, symbol and offset.
 */
class ElfObjectFromGnuAsReadTest {
    static final String RELOC = """
            	.equ	KIMAGE_HEAD, 0
            	.equ	KIMAGE_START, 24
            	.equ	KIMAGE_ARCH_DTB_MEM, 648
            	.equ	KIMAGE_ARCH_EL2_VECTORS, 664
            	.equ	KIMAGE_ARCH_TTBR1, 680
            	.equ	KIMAGE_ARCH_ZERO_PAGE, 688
            	.equ	KIMAGE_ARCH_PHYS_OFFSET, 696
            	.section ".kexec_relocate.text", "ax"
            	nop
            	.globl	arm64_relocate_new_kernel
            arm64_relocate_new_kernel:
            	ldr	x1, [x0, #KIMAGE_START]
            	ic	iallu
            	ret
            	.text
            	.balign	2048
            	.globl	stub_vectors
            stub_vectors:
            	.rept	512
            	b	.
            	.endr
            """;

    @TempDir
    static Path dir;
    static Elf64 elf;

    @BeforeAll
    static void assemble() throws Exception {
        Assumptions.assumeTrue(GnuAs.available(), "aarch64-linux-gnu-as is not installed");
        Path o = GnuAs.assemble(dir, "reloc", RELOC);
        elf = Elf64.parse(o.toString(), Files.readAllBytes(o));
    }

    @Test
    void entryIsTheWholeSectionThatHoldsIt() throws BadCode {
        Map<String, Blob> m = CodeReader.fromObjects(List.of(elf), "arm64_relocate_new_kernel", "stub_vectors", List.of());
        Blob e = m.get("arm64_relocate_new_kernel");
        assertEquals(16, e.size(), "nop + ldr + ic iallu + ret");
        assertEquals(4, e.entryOffset(), "the symbol sits after the nop");
        assertEquals(0xd503201f, e.word(0), "nop");
        assertEquals(0xf9400c01, e.word(4), "ldr x1, [x0, #24]");
        assertEquals(0xd508751f, e.word(8), "ic iallu");
        assertEquals(0xd65f03c0, e.word(12), "ret");
        Elf64.Section s = elf.section(".kexec_relocate.text").orElseThrow();
        assertEquals(s.offset(), e.fileOffset(), "file offset of the section");
        assertEquals(Elf64.ET_REL, elf.type());
    }

    @Test
    void vectorsAreTwoKibOfSelfBranches() throws BadCode {
        Blob v = CodeReader.fromObjects(List.of(elf), "arm64_relocate_new_kernel", "stub_vectors", List.of()).get("stub_vectors");
        assertEquals(2048, v.size());
        for (int off = 0; off < 2048; off += 4) assertEquals(0x14000000, v.word(off), "b . at " + off);
    }

    @Test
    void symbolTableKeepsValueSizeSectionTypeAndBinding() {
        Elf64.Symbol s = elf.symbol("arm64_relocate_new_kernel").orElseThrow();
        assertEquals(4, s.value());
        assertEquals(Elf64.Symbol.STB_GLOBAL, s.binding());
        assertEquals(".kexec_relocate.text", elf.sections().get(s.shndx()).name());
        Elf64.Symbol abs = elf.symbols().stream().filter(x -> x.name().equals("KIMAGE_START")).findFirst().orElseThrow();
        assertTrue(abs.absolute(), "a .equ is an SHN_ABS symbol: " + abs);
        assertEquals(24, abs.value());
    }

    @Test
    void equKimageSymbolsAreTheOffsets() throws BadCode {
        KimageOffsets k = CodeReader.offsetsFromSymbols(List.of(elf));
        assertEquals(0, k.head());
        assertEquals(24, k.start());
        assertEquals(648, k.dtbMem());
        assertEquals(664, k.el2Vectors());
        assertEquals(680, k.ttbr1());
        assertEquals(688, k.zeroPage());
        assertEquals(696, k.physOffset());
    }

    @Test
    void objectWithoutTheSymbolNamesFileAndSymbol() {
        BadCode e = assertThrows(BadCode.class, () -> CodeReader.fromObjects(List.of(elf), "arm64_relocate_new_kernal", null, List.of()));
        assertEquals(elf.file(), e.file());
        assertTrue(e.getMessage().startsWith("arm64_relocate_new_kernal: no such symbol"), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void relocationInsideTheCodeIsBadCodeNamingSymbolAndOffset() throws Exception {
        Path o = GnuAs.assemble(dir, "unlinked", """
                	.section ".kexec_relocate.text", "ax"
                	.globl	arm64_relocate_new_kernel
                arm64_relocate_new_kernel:
                	nop
                	nop
                	bl	somewhere_else
                	ret
                """);
        Elf64 u = Elf64.parse(o.toString(), Files.readAllBytes(o));
        BadCode e = assertThrows(BadCode.class, () -> CodeReader.fromObjects(List.of(u), "arm64_relocate_new_kernel", null, List.of()));
        assertEquals(o.toString(), e.file());
        assertTrue(e.getMessage().startsWith("arm64_relocate_new_kernel+0x8: R_AARCH64_CALL26 against 'somewhere_else' at offset 0x8"),
                e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }

    @Test
    void misalignedVectorsAreRefused() throws Exception {
        Path o = GnuAs.assemble(dir, "misaligned", """
                	.text
                	.globl	entry
                entry:	ret
                	.globl	vec
                vec:	.rept 512
                	b	.
                	.endr
                """);
        Elf64 u = Elf64.parse(o.toString(), Files.readAllBytes(o));
        BadCode e = assertThrows(BadCode.class, () -> CodeReader.fromObjects(List.of(u), "entry", "vec", List.of()));
        assertTrue(e.getMessage().startsWith("vec: at 0x4 in .text"), e.getMessage());
    }

    @Test
    void truncatedOrForeignFilesAreBadCode() throws Exception {
        byte[] b = Files.readAllBytes(Path.of(elf.file()));
        BadCode t = assertThrows(BadCode.class, () -> Elf64.parse("cut.o", java.util.Arrays.copyOf(b, 200)));
        assertTrue(t.getMessage().contains("runs past the end of the file"), t.getMessage());
        byte[] x86 = b.clone();
        x86[18] = 62;
        x86[19] = 0;
        BadCode m = assertThrows(BadCode.class, () -> Elf64.parse("x86.o", x86));
        assertEquals("e_machine 62 is not AArch64 (183)", m.getMessage());
    }
}
