package org.kexecverify.model.capture;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The {@code captured:} section of a captured scenario: the machine as a real kernel left it at the first
 * instruction of its relocation code, read through QEMU's gdbstub ({@code kexec-verify capture}).
 *
 * @param header    what was captured, from which kernel, CPU, QEMU command line, when
 * @param pc        PC at the stop (kimage->arch.kern_reloc)
 * @param cpsr      PSTATE as CPSR (CurrentEL = bits [3:2])
 * @param sp        SP at the stop
 * @param x         x0..x30 at the stop
 * @param sysregs   every system register QEMU's gdbstub exposed, by QEMU's name ({@code SCTLR} is SCTLR_EL1)
 * @param kimage    struct kimage: where it is and the fields the relocation reads, as the kernel wrote them
 * @param code      the pages that hold kernel code, by reference (the bytes are read from the kernel build at load)
 * @param sources   the segments' source contents, by hash (one per destination run of the entry list)
 * @param pages     every captured page that is not all zero, by physical address
 * @param zeroPages captured pages that were all zero (elided)
 * @param notes     what each captured page is (informational, written as comments too)
 */
public record Capture(Header header, long pc, long cpsr, long sp, List<Long> x, Map<String, Long> sysregs, Kimage kimage,
                      List<CodeRef> code, List<SourceHash> sources, SortedMap<Long, long[]> pages, List<Long> zeroPages,
                      Map<Long, String> notes) {
    public Capture {
        x = List.copyOf(x);
        sysregs = Map.copyOf(sysregs);
        code = List.copyOf(code);
        sources = List.copyOf(sources);
        pages = new TreeMap<>(pages);
        zeroPages = List.copyOf(zeroPages);
        notes = Map.copyOf(notes);
    }

    public int currentEl() {
        return (int) ((cpsr >>> 2) & 3);
    }

    /**
     * @param what    one line: what state this is
     * @param suite   Debian suite of the kernel (bookworm), or "user" for a user-supplied Image
     * @param kernel  the kernel package (linux-image-6.1.0-57-arm64), or the Image's file name
     * @param version its version (6.1.192-3)
     * @param cpu     QEMU CPU model ({@code cortex-a57}, {@code max})
     * @param qemu    the QEMU command line, as run
     * @param date    when (ISO-8601, UTC)
     * @param tool    what captured it
     */
    public record Header(String what, String suite, String kernel, String version, String cpu, String qemu, String date, String tool) {
        /** "linux-image-6.1.0-57-arm64 6.1.192-3 on cortex-a57, captured 2026-12-.." */
        public String describe() {
            return kernel + " " + version + " on QEMU -cpu " + cpu + ", captured " + date;
        }
    }

    /**
     * The struct kimage fields relocation reads, as captured (the same values sit in the captured struct kimage
     * bytes at the code's offsets; the loader checks they agree when the code is resolved).
     *
     * @param va   x0: the struct's linear-map VA
     * @param pa   its physical address (va + phys_offset)
     * @param size bytes of the struct captured (its kmalloc slot); the rest of its page is not captured
     */
    public record Kimage(long va, long pa, int size, long head, long start, long dtbMem, long kernReloc, long el2Vectors, long ttbr0,
                         long ttbr1, long zeroPage, long physOffset, long t0sz) {
    }

    /**
     * A page that holds kernel code: {@code length} bytes of {@code symbol}'s bytes in the kernel build, from
     * {@code offset} (of the symbol's blob: its section for the entry), copied to {@code pa}.
     *
     * @param role {@code relocation code} or {@code EL2 vectors}
     */
    public record CodeRef(String role, long pa, String pkg, String version, String symbol, int offset, int length, String sha256) {
        public static final String CODE = "relocation code";
        public static final String VECTORS = "EL2 vectors";
    }

    /** The source pages of one destination run, hashed in list order (SHA-256 over their bytes). */
    public record SourceHash(long destination, long pages, String sha256) {
    }
}
