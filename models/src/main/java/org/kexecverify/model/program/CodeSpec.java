package org.kexecverify.model.program;

import java.util.List;
import java.util.Map;

/**
 * What a scenario says about the code that runs ({@code code:} in the YAML): where the machine code comes from,
 * the entry symbol, the stub vector symbol, and where the struct kimage offsets come from. Resolved into
 * {@link DesignCode} by a {@link CodeResolver} before the plan is built; nothing here is fetched or read.
 *
 * @param source  where the bytes come from
 * @param entry   the symbol execution starts at ({@code arm64_relocate_new_kernel})
 * @param vectors the EL2 vector table copied for the relocation ({@code trans_pgd_stub_vectors}), or null
 * @param offsets where the struct kimage offsets come from
 * @param version the kernel version the code belongs to, as the scenario states it, or null (then the source says)
 */
public record CodeSpec(Source source, String entry, String vectors, Offsets offsets, String version) {

    /** Where the bytes come from. */
    public sealed interface Source permits DebianKernel, Objects, ImageWithSymbols, Assembly {}

    /** Linux's own objects for a Debian suite's kernel (bookworm: 6.1, trixie: 6.12), fetched and built on first use. */
    public record DebianKernel(String suite) implements Source {
        /** The suites known, with the kernel series each ships. */
        public static final java.util.Map<String, String> SUITES = java.util.Map.of("bookworm", "6.1", "trixie", "6.12");
    }

    /** ELF objects or a vmlinux with symbols (paths relative to the scenario file). */
    public record Objects(List<String> files) implements Source {
        public Objects {
            files = List.copyOf(files);
        }
    }

    /** A kernel Image plus symbol addresses: a System.map or a {@code /proc/kallsyms} dump of it booted with nokaslr. */
    public record ImageWithSymbols(String image, String symbols) implements Source {}

    /** Project {@code .S} files (the relocation routine, and its vectors in a second file if apart), each assembled with GNU as. */
    public record Assembly(List<String> files) implements Source {
        public Assembly {
            files = List.copyOf(files);
        }

        public Assembly(String file) {
            this(List.of(file));
        }
    }

    /** Where the struct kimage offsets come from. */
    public sealed interface Offsets permits Given, Header, FromCode {}

    /** Stated in the scenario ({@code KIMAGE_START: 24}). */
    public record Given(Map<String, Long> values) implements Offsets {
        public Given {
            values = Map.copyOf(values);
        }
    }

    /** A build's {@code include/generated/asm-offsets.h}. */
    public record Header(String file) implements Offsets {}

    /** From the code itself: the build's asm-offsets of a fetched kernel, or the {@code .equ KIMAGE_*} of a project .S. */
    public record FromCode() implements Offsets {}
}
