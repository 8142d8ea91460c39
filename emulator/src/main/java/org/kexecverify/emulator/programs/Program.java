package org.kexecverify.emulator.programs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.kexecverify.emulator.asm.Assembler;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The A64 programs shipped with the emulator ({@code designs/*.S}, GNU as syntax, so the same
 * file assembles with binutils for QEMU), each in the shape of the kernel code of one design.
 */
public enum Program {
    /** 2019 RFC v2: EL2 MMU enable with the transitional table, then the identity-address copy loop. */
    RFC_V2_EL2("relocate_kernel_rfc_v2_el2.S", "arm64_relocate_new_kernel"),
    /** Before 2019: MMU-off loop with dc ivac before each uncached page copy. */
    MMU_OFF_2018("relocate_kernel_mmu_off_2018.S", "arm64_relocate_new_kernel"),
    /** v5.16 and later: EL1 loop, TTBR1 break-before-make, linear-map copy, dc civac, HVC_SOFT_RESTART. */
    UPSTREAM_V5_16("relocate_kernel_v5_16.S", "arm64_relocate_new_kernel"),
    /**
     * The same design before eb3d8ea3e1f0 ("arm64: kexec: load from kimage prior to clobbering", 2022): the
     * entry point, EL2 vectors and dtb address are loaded from struct kimage after the copy loop.
     */
    UPSTREAM_V5_16_KIMAGE_AFTER_COPY("relocate_kernel_v5_16_kimage_after_copy.S", "arm64_relocate_new_kernel"),
    /** The v13 (2021) ThunderX2 hang: DC IVAC instead of DC CIVAC after the cacheable copy (scenario code: asm: designs/relocate_kernel_v5_16_dc_ivac.S). */
    UPSTREAM_V5_16_DC_IVAC("relocate_kernel_v5_16_dc_ivac.S", "arm64_relocate_new_kernel"),
    /** trans_pgd_stub_vectors: all invalid (spinning through the previous entry's padding) except the 64-bit EL1 synchronous entry. */
    STUB_VECTORS("trans_pgd_stub_vectors.S", "trans_pgd_stub_vectors");

    private final String file;
    private final String entry;

    Program(String file, String entry) {
        this.file = file;
        this.entry = entry;
    }

    public String file() {
        return file;
    }

    /** The symbol execution starts at (or the table base). */
    public String entry() {
        return entry;
    }

    /** The program's source text. */
    public String source() {
        try (InputStream in = Program.class.getResourceAsStream("/asm/" + file)) {
            if (in == null) {
                throw new IllegalStateException("program source /asm/" + file + " missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * This project .S as {@link DesignCode}: assembled by the in-project assembler at 0, the entry symbol's Blob the
     * whole file, the struct kimage offsets its {@code .equ KIMAGE_*} constants, and {@link #STUB_VECTORS} as the EL2
     * vector table. (Scenarios name the same files in their {@code code:} section, assembled by GNU as.)
     *
     * @throws IllegalStateException for a program that takes no struct (MMU_OFF_2018 passes head, start and dtb in
     *                               registers) or for the vector table itself
     */
    public DesignCode designCode() {
        if (this == STUB_VECTORS) throw new IllegalStateException(file + " is a vector table, not relocation code");
        Assembly a = assemble(0);
        Map<String, Long> offsets = new HashMap<>();
        for (Map.Entry<String, Long> e : a.symbols().entrySet()) {
            if (e.getKey().startsWith("KIMAGE_")) offsets.put(e.getKey(), e.getValue());
        }
        KimageOffsets off;
        try {
            off = KimageOffsets.of(offsets);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " states no struct offsets (" + e.getMessage() + ")", e);
        }
        Assembly v = STUB_VECTORS.assemble(0);
        String origin = "project " + file + " (in-project assembler)";
        return new DesignCode(origin, "project", entry, STUB_VECTORS.entry, off, Map.of(
                entry, new DesignCode.Blob(entry, a.code(), (int) a.symbol(entry), "designs/" + file, 0),
                STUB_VECTORS.entry, new DesignCode.Blob(STUB_VECTORS.entry, v.code(), (int) v.symbol(STUB_VECTORS.entry),
                        "designs/" + STUB_VECTORS.file, 0)));
    }

    /** Assembles the program so that it starts at {@code base}. */
    public Assembly assemble(long base) {
        return Assembler.assemble(file, source(), base);
    }
}
