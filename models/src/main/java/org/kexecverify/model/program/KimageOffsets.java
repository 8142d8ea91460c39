package org.kexecverify.model.program;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Byte offsets of the struct kimage fields that relocation code reads, as the kernel's
 * {@code asm-offsets.c} exports them ({@code KIMAGE_HEAD}, {@code KIMAGE_START}, {@code KIMAGE_ARCH_*}),
 * and {@code sizeof(struct kimage)}. They belong to one kernel build: Linux 6.1 defconfig has
 * KIMAGE_START 24 and KIMAGE_ARCH_EL2_VECTORS 664; a project {@code .S} states its own with {@code .equ}.
 *
 * <p>{@code kernReloc}, {@code ttbr0} and {@code t0sz} are not read by relocate_kernel.S (machine_kexec reads
 * them); a value of -1 means the source did not say, and the builder then places them after the fields it knows.
 */
public record KimageOffsets(int head, int start, int dtbMem, int kernReloc, int el2Vectors, int ttbr0, int ttbr1,
                            int zeroPage, int physOffset, int t0sz, int size) {

    /** The asm-offsets names, in the order of the record components. */
    public static final String[] NAMES = {"KIMAGE_HEAD", "KIMAGE_START", "KIMAGE_ARCH_DTB_MEM", "KIMAGE_ARCH_KERN_RELOC",
        "KIMAGE_ARCH_EL2_VECTORS", "KIMAGE_ARCH_TTBR0", "KIMAGE_ARCH_TTBR1", "KIMAGE_ARCH_ZERO_PAGE", "KIMAGE_ARCH_PHYS_OFFSET",
        "KIMAGE_ARCH_T0SZ", "KIMAGE_SIZE"};

    /**
     * The names every relocation routine needs (the entry list and the new kernel's entry); the others are
     * optional: RFC v2 (2019) passed a {@code struct kern_reloc_arg} {head, entry_addr, kern_arg0, trans_table}
     * instead of struct kimage, which its .S names KIMAGE_HEAD, KIMAGE_START, KIMAGE_ARCH_DTB_MEM and
     * KIMAGE_ARCH_TTBR0.
     */
    public static final String[] REQUIRED = {"KIMAGE_HEAD", "KIMAGE_START"};

    /** What a kernel build's asm-offsets.h must define for relocate_kernel.S (v5.16 and later). */
    public static final String[] KERNEL_FIELDS = {"KIMAGE_HEAD", "KIMAGE_START", "KIMAGE_ARCH_DTB_MEM", "KIMAGE_ARCH_EL2_VECTORS",
        "KIMAGE_ARCH_TTBR1", "KIMAGE_ARCH_ZERO_PAGE", "KIMAGE_ARCH_PHYS_OFFSET"};

    /** From named values ({@code KIMAGE_START -> 24}); missing optional fields become -1, a missing size 0x400. */
    public static KimageOffsets of(Map<String, Long> v) {
        for (String r : REQUIRED) {
            if (!v.containsKey(r)) throw new IllegalArgumentException("no " + r);
        }
        int[] o = new int[NAMES.length];
        for (int i = 0; i < NAMES.length; i++) {
            Long x = v.get(NAMES[i]);
            if (x != null && (x < 0 || x > 0x10000 || (i < NAMES.length - 1 && (x & 7) != 0))) {
                throw new IllegalArgumentException(NAMES[i] + " = " + x + " is not an 8-byte aligned offset below 64 KiB");
            }
            o[i] = x == null ? -1 : x.intValue();
        }
        int size = o[10] > 0 ? o[10] : 0x400;
        int max = 0;
        for (int i = 0; i < NAMES.length - 1; i++) max = Math.max(max, o[i] + 8);
        if (o[10] > 0 && max > size) throw new IllegalArgumentException("a field ends at " + max + ", past KIMAGE_SIZE " + size);
        size = Math.max(size, max);
        // fields the relocation code does not read: after everything known, 8 bytes apart
        int next = max;
        for (int i = 0; i < NAMES.length - 1; i++) {
            if (o[i] < 0) {
                o[i] = next;
                next += 8;
            }
        }
        size = Math.max(size, next);
        return new KimageOffsets(o[0], o[1], o[2], o[3], o[4], o[5], o[6], o[7], o[8], o[9], size);
    }

    /** Name -> offset, for reports and verdict notes. */
    public Map<String, Integer> asMap() {
        int[] o = {head, start, dtbMem, kernReloc, el2Vectors, ttbr0, ttbr1, zeroPage, physOffset, t0sz, size};
        Map<String, Integer> m = new LinkedHashMap<>();
        for (int i = 0; i < NAMES.length; i++) m.put(NAMES[i], o[i]);
        return m;
    }

    /** The field that covers byte {@code off} of the struct, or null. */
    public String fieldAt(long off) {
        for (Map.Entry<String, Integer> e : asMap().entrySet()) {
            if (!e.getKey().equals("KIMAGE_SIZE") && off >= e.getValue() && off < e.getValue() + 8) return e.getKey();
        }
        return null;
    }
}
