package org.kexecverify.model.mem;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sparse, page-granular physical memory over a 64-bit address space. Only pages that were written
 * cost memory; unwritten RAM reads as zero. Values are stored little-endian, as table walks with
 * SCTLR_ELx.EE=0 read them. Accesses outside every RAM range are reported by {@link #isRam}; the
 * memory itself does not fault (callers decide what an access outside RAM means).
 */
public final class PhysicalMemory implements DescriptorSource {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    private static final int WORDS = (int) (PAGE_SIZE / 8);

    private final List<RamRange> ram;
    private final Map<Long, long[]> pages;

    public PhysicalMemory(List<RamRange> ram) {
        this.ram = List.copyOf(ram);
        this.pages = new HashMap<>();
    }

    private PhysicalMemory(List<RamRange> ram, Map<Long, long[]> pages) {
        this.ram = ram;
        this.pages = pages;
    }

    public static PhysicalMemory ofRam(long base, long size) {
        return new PhysicalMemory(List.of(new RamRange(base, size)));
    }

    public List<RamRange> ram() { return ram; }

    public boolean isRam(long pa) {
        for (RamRange r : ram) if (r.contains(pa)) return true;
        return false;
    }

    @Override
    public boolean isRam(long pa, long len) {
        for (RamRange r : ram) if (r.containsRange(pa, len)) return true;
        return false;
    }

    /** Number of pages that hold data: the memory this layout costs. */
    public int pagesTouched() { return pages.size(); }

    /** Deep copy (pages are copied lazily-free: each page array is cloned). */
    public PhysicalMemory copyOf() {
        Map<Long, long[]> m = new HashMap<>(pages.size() * 2);
        pages.forEach((k, v) -> m.put(k, v.clone()));
        return new PhysicalMemory(ram, m);
    }

    /**
     * The page's words, or null if never written (reads as zero). The array of a page is stable for
     * the life of this memory once allocated (writes and {@link #copyPage} update it in place), so fast
     * paths such as the emulator may keep it.
     */
    public long[] pageOrNull(long pfn) { return pages.get(pfn); }

    /** The page's words, allocated on first use. For fast paths. */
    public long[] pageForWrite(long pfn) {
        return pages.computeIfAbsent(pfn, k -> new long[WORDS]);
    }

    @Override
    public long read64(long pa) {
        if ((pa & 7) == 0) {
            long[] p = pages.get(pa >>> PAGE_SHIFT);
            return p == null ? 0 : p[(int) ((pa & (PAGE_SIZE - 1)) >>> 3)];
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | read8(pa + i);
        return v;
    }

    public void write64(long pa, long v) {
        if ((pa & 7) == 0) {
            pageForWrite(pa >>> PAGE_SHIFT)[(int) ((pa & (PAGE_SIZE - 1)) >>> 3)] = v;
            return;
        }
        for (int i = 0; i < 8; i++) write8(pa + i, (int) (v >>> (8 * i)));
    }

    public int read8(long pa) {
        long[] p = pages.get(pa >>> PAGE_SHIFT);
        if (p == null) return 0;
        long w = p[(int) ((pa & (PAGE_SIZE - 1)) >>> 3)];
        return (int) (w >>> (8 * (pa & 7))) & 0xff;
    }

    public void write8(long pa, int v) {
        long[] p = pageForWrite(pa >>> PAGE_SHIFT);
        int idx = (int) ((pa & (PAGE_SIZE - 1)) >>> 3);
        int sh = (int) (8 * (pa & 7));
        p[idx] = (p[idx] & ~(0xffL << sh)) | ((long) (v & 0xff) << sh);
    }

    public int read32(long pa) {
        if ((pa & 3) == 0) {
            long w = read64(pa & ~7L);
            return (int) (w >>> (8 * (pa & 4)));
        }
        int v = 0;
        for (int i = 3; i >= 0; i--) v = (v << 8) | read8(pa + i);
        return v;
    }

    public void write32(long pa, int v) {
        for (int i = 0; i < 4; i++) write8(pa + i, v >>> (8 * i));
    }

    /** Copies one page's contents (used by the relocation models). */
    public void copyPage(long dstPa, long srcPa) {
        long[] src = pages.get(srcPa >>> PAGE_SHIFT);
        long[] dst = pages.get(dstPa >>> PAGE_SHIFT);
        if (src == null) {
            if (dst != null) java.util.Arrays.fill(dst, 0);
        } else {
            System.arraycopy(src, 0, pageForWrite(dstPa >>> PAGE_SHIFT), 0, WORDS);
        }
    }

    public void writeBytes(long pa, byte[] data) {
        for (int i = 0; i < data.length; i++) write8(pa + i, data[i]);
    }

    /** Page numbers that hold data, in no particular order. */
    public List<Long> touchedPages() { return new ArrayList<>(pages.keySet()); }
}
