package org.kexecverify.emulator.mem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.kexecverify.model.mem.DescriptorSource;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;

/**
 * Sparse, page-granular physical memory with explicit RAM ranges, plus the cache model that sits in front
 * of it:
 *
 * <pre>
 *   cacheable load/store --> D-cache line (invalid | clean | dirty, own data) --write-back--> RAM
 *   non-cacheable access ------------------------------------------------------------------> RAM
 *   cacheable fetch ------> I-cache line (filled from RAM, stale until IC IALLU/IVAU)
 *   non-cacheable fetch --------------------------------------------------------------------> RAM
 * </pre>
 *
 * The D-cache has the sets and ways of a {@link CacheGeometry} (default {@link CacheGeometry#DEFAULT}: L1 + L2). A
 * line sits at one level at a time: it is allocated into L1, a capacity eviction moves it to the next level, and the
 * last level writes a dirty victim back to RAM. Nothing is evicted except by capacity (the adversarial choice: a
 * dirty line stays dirty until cleaned or pushed out). Maintenance by VA (DC CIVAC, CVAC, IVAC) acts on the line at
 * whatever level it sits, to the PoC; maintenance by set/way ({@link #setWay}) acts on one slot of one level, and
 * cleaning a level that is not the last only moves the dirty data one level out. The PoU is the PoC here: DC CVAU
 * behaves as CVAC. Accesses outside the RAM ranges raise {@link NoRam}.
 *
 * <p>RAM is the models' {@link PhysicalMemory}: each frame's data array is the memory's own page array, so
 * the models' walk and anyone reading the memory after a run see exactly what reached RAM (not what sits
 * dirty in the D-cache). Nobody may replace pages of that memory (e.g. {@code copyPage}) while a machine runs.
 */
public final class Ram {
    private final PhysicalMemory pm;
    private final Map<Long, Frame> frames = new HashMap<>();
    private long dirtyTotal;
    private final List<Frame> icacheFrames = new ArrayList<>();
    private Frame last;
    private long lastPfn = -1;
    private Frame prev;
    private long prevPfn = -1;
    /** Incremented on every RAM write that lands on a page with decoded instructions. */
    private long codeWrites;
    private final CacheGeometry geometry;
    /** Per data level: the PA of the line in each slot (set * ways + way), or -1. */
    private final long[][] slots;
    /** Per data level and set: the next victim way (round robin). */
    private final int[][] victim;

    public Ram(PhysicalMemory pm) {
        this(pm, CacheGeometry.DEFAULT);
    }

    public Ram(PhysicalMemory pm, CacheGeometry geometry) {
        this.pm = pm;
        this.geometry = geometry;
        int n = geometry.levels();
        slots = new long[n][];
        victim = new int[n][];
        for (int i = 0; i < n; i++) {
            CacheGeometry.Level l = geometry.data().get(i);
            slots[i] = new long[l.lines()];
            Arrays.fill(slots[i], -1L);
            victim[i] = new int[l.sets()];
        }
    }

    public CacheGeometry geometry() {
        return geometry;
    }

    /** RAM of {@code size} bytes at {@code base}, in a fresh physical memory. */
    public static Ram of(long base, long size) {
        return new Ram(new PhysicalMemory(List.of(new RamRange(base, size))));
    }

    /** The physical memory this RAM is (the point of coherency). */
    public PhysicalMemory physical() {
        return pm;
    }

    /** True if any D-cache line is dirty. */
    public boolean anyDirtyLines() {
        return dirtyTotal != 0;
    }

    /** A physical address with no RAM behind it. */
    public static final class NoRam extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final long pa;

        public NoRam(long pa) {
            super(String.format("no RAM at PA 0x%x", pa), null, false, false);
            this.pa = pa;
        }

        public long pa() {
            return pa;
        }
    }

    public boolean isRam(long pa) {
        return pm.isRam(pa);
    }

    /** The frame holding {@code pa}, created on first touch; throws {@link NoRam} outside RAM. */
    public Frame frame(long pa) {
        long pfn = pa >>> 12;
        if (pfn == lastPfn) {
            return last;
        }
        if (pfn == prevPfn) {
            Frame t = prev;
            prev = last;
            prevPfn = lastPfn;
            last = t;
            lastPfn = pfn;
            return t;
        }
        Frame f = frames.get(pfn);
        if (f == null) {
            if (!isRam(pa)) {
                throw new NoRam(pa);
            }
            f = new Frame(pfn, pm.pageForWrite(pfn));
            frames.put(pfn, f);
        }
        prev = last;
        prevPfn = lastPfn;
        last = f;
        lastPfn = pfn;
        return f;
    }

    /** The frame holding {@code pa} if it was touched already, else null (creates nothing). */
    public Frame peek(long pa) {
        return frames.get(pa >>> 12);
    }

    /** Frames touched so far (for reports and whole-cache operations). */
    public Iterable<Frame> frames() {
        return frames.values();
    }

    public long codeWrites() {
        return codeWrites;
    }

    // ------------------------------------------------------------------ RAM (point of coherency)

    public long read64(long pa) {
        if ((pa & 7) == 0) {
            return frame(pa).data[(int) (pa & 0xfff) >>> 3];
        }
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | read8(pa + i);
        }
        return v;
    }

    public int read8(long pa) {
        Frame f = frame(pa);
        int off = (int) (pa & 0xfff);
        return (int) (f.data[off >>> 3] >>> ((off & 7) * 8)) & 0xff;
    }

    public int read32(long pa) {
        if ((pa & 3) == 0) {
            Frame f = frame(pa);
            int off = (int) (pa & 0xfff);
            return (int) (f.data[off >>> 3] >>> ((off & 4) * 8));
        }
        return (int) (read64Unaligned(pa, 4));
    }

    private long read64Unaligned(long pa, int n) {
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = (v << 8) | read8(pa + i);
        }
        return v;
    }

    public void write64(long pa, long v) {
        if ((pa & 7) == 0) {
            Frame f = frame(pa);
            f.data[(int) (pa & 0xfff) >>> 3] = v;
            touchedCode(f);
            return;
        }
        for (int i = 0; i < 8; i++) {
            write8(pa + i, (int) (v >>> (8 * i)));
        }
    }

    public void write32(long pa, int v) {
        for (int i = 0; i < 4; i++) {
            write8(pa + i, v >>> (8 * i));
        }
    }

    public void write8(long pa, int v) {
        Frame f = frame(pa);
        int off = (int) (pa & 0xfff);
        int sh = (off & 7) * 8;
        int idx = off >>> 3;
        f.data[idx] = (f.data[idx] & ~(0xffL << sh)) | ((long) (v & 0xff) << sh);
        touchedCode(f);
    }

    /** Copies {@code bytes} into RAM at {@code pa} (loading programs and images; bypasses the caches). */
    public void load(long pa, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            write8(pa + i, bytes[i]);
        }
    }

    /** Called after a RAM write to {@code f}: decoded non-cacheable instructions of that page are stale. */
    public void touchedCode(Frame f) {
        if (f.ncDecoded != null) {
            f.ncDecoded = null;
            codeWrites++;
        }
    }

    // ------------------------------------------------------------------ D-cache

    /** Makes line {@code line} of {@code f} valid in the D-cache (filling it from RAM if it was invalid). */
    public void dFill(Frame f, int line) {
        if (f.dState == null) {
            allocateLines(f);
        }
        if (f.dState[line] == Frame.INVALID) {
            place(0, f, line, true);
            System.arraycopy(f.data, line * 8, f.dData, line * 8, 8);
            f.dState[line] = Frame.CLEAN;
            f.validLines++;
        }
    }

    private static void allocateLines(Frame f) {
        f.dState = new byte[Frame.LINES];
        f.dData = new long[512];
        f.dWhere = new byte[Frame.LINES];
    }

    /**
     * Puts line {@code line} of {@code f} into a way of its set at {@code level}; a full set gives up its round-robin
     * victim (moved one level out, or written back from the last level) when {@code evict}, else nothing is placed.
     */
    private boolean place(int level, Frame f, int line, boolean evict) {
        CacheGeometry.Level g = geometry.data().get(level);
        long pa = f.pa() + ((long) line << CacheGeometry.LINE_SHIFT);
        int set = g.set(pa);
        long[] s = slots[level];
        int base = set * g.ways();
        for (int w = 0; w < g.ways(); w++) {
            if (s[base + w] == -1L) {
                s[base + w] = pa;
                f.dWhere[line] = (byte) (level << 5 | w);
                return true;
            }
        }
        if (!evict) return false;
        int w = victim[level][set];
        victim[level][set] = (w + 1) % g.ways();
        long out = s[base + w];
        s[base + w] = pa;
        f.dWhere[line] = (byte) (level << 5 | w);
        Frame vf = frames.get(out >>> 12);
        int vl = (int) (out & 0xfff) >>> CacheGeometry.LINE_SHIFT;
        if (level + 1 < geometry.levels()) {
            place(level + 1, vf, vl, true);
        } else {
            writeBack(vf, vl);
            drop(vf, vl);
        }
        return true;
    }

    private void writeBack(Frame f, int line) {
        if (f.dState[line] == Frame.DIRTY) {
            System.arraycopy(f.dData, line * 8, f.data, line * 8, 8);
            f.dState[line] = Frame.CLEAN;
            f.dirtyLines--;
            dirtyTotal--;
            touchedCode(f);
        }
    }

    /** Marks a line invalid (its slot must already be free or reused). */
    private void drop(Frame f, int line) {
        if (f.dState[line] == Frame.DIRTY) {
            f.dirtyLines--;
            dirtyTotal--;
        }
        f.dState[line] = Frame.INVALID;
        f.validLines--;
    }

    private void freeSlot(Frame f, int line) {
        int where = f.dWhere[line];
        int level = where >>> 5;
        CacheGeometry.Level g = geometry.data().get(level);
        int set = g.set(f.pa() + ((long) line << CacheGeometry.LINE_SHIFT));
        slots[level][set * g.ways() + (where & 31)] = -1L;
    }

    /** The level (1 = L1) at which the line holding {@code pa} sits, or 0 if it is not in the D-cache. */
    public int levelOf(long pa) {
        Frame f = frames.get(pa >>> 12);
        int line = (int) (pa & 0xfff) >>> CacheGeometry.LINE_SHIFT;
        if (f == null || f.dState == null || f.dState[line] == Frame.INVALID) return 0;
        return (f.dWhere[line] >>> 5) + 1;
    }

    /**
     * DC CISW / CSW / ISW on one slot: {@code level} 0 = L1. Cleaning a dirty line at a level below the last moves it
     * (still dirty) one level out; at the last level it is written back to RAM. Invalidating without cleaning loses a
     * dirty line's data. A level or slot the geometry does not have is ignored.
     */
    public void setWay(int level, int set, int way, boolean clean, boolean invalidate) {
        if (level < 0 || level >= geometry.levels()) return;
        CacheGeometry.Level g = geometry.data().get(level);
        if (set >= g.sets() || way >= g.ways()) return;
        int idx = set * g.ways() + way;
        long pa = slots[level][idx];
        if (pa == -1L) return;
        Frame f = frames.get(pa >>> 12);
        int line = (int) (pa & 0xfff) >>> CacheGeometry.LINE_SHIFT;
        boolean last = level + 1 == geometry.levels();
        boolean dirty = f.dState[line] == Frame.DIRTY;
        if (clean && dirty && !last) {
            slots[level][idx] = -1L;
            place(level + 1, f, line, true);
            return;
        }
        if (clean) writeBack(f, line);
        if (invalidate) {
            slots[level][idx] = -1L;
            drop(f, line);
        }
    }

    /**
     * DC CISW / CSW / ISW with operand {@code xt}: Level in [3:1], the set at bit 6 (log2 of the 64-byte line), the
     * way in the top ceil(log2(ways)) bits of [31:0] (Arm ARM, "DC CISW").
     */
    public void setWayOp(long xt, boolean clean, boolean invalidate) {
        int level = (int) (xt >>> 1) & 7;
        if (level >= geometry.levels()) return;
        CacheGeometry.Level g = geometry.data().get(level);
        int a = 32 - Integer.numberOfLeadingZeros(g.ways() - 1);
        int way = a == 0 ? 0 : (int) ((xt >>> (32 - a)) & ((1L << a) - 1));
        int set = (int) (xt >>> CacheGeometry.LINE_SHIFT) & (g.sets() - 1);
        setWay(level, set, way, clean, invalidate);
    }

    /**
     * Initial state: the line holding {@code pa} is dirty in the D-cache with {@code words} (8 doublewords) while RAM
     * keeps what it has. Placed at the first level with a free way in its set, evicting nothing; false if every
     * level's set is full.
     */
    public boolean seedDirtyLine(long pa, long[] words) {
        Frame f = frame(pa);
        if (f.dState == null) allocateLines(f);
        int line = (int) (pa & 0xfff) >>> CacheGeometry.LINE_SHIFT;
        if (f.dState[line] != Frame.INVALID) return false;
        boolean placed = false;
        for (int level = 0; level < geometry.levels() && !placed; level++) placed = place(level, f, line, false);
        if (!placed) return false;
        System.arraycopy(words, 0, f.dData, line * 8, 8);
        f.dState[line] = Frame.DIRTY;
        f.validLines++;
        f.dirtyLines++;
        dirtyTotal++;
        return true;
    }

    /** Dirty lines at each level (index 0 = L1). */
    public int[] dirtyLinesPerLevel() {
        int[] n = new int[geometry.levels()];
        for (Frame f : frames.values()) {
            if (f.dirtyLines > 0) {
                for (int i = 0; i < Frame.LINES; i++) if (f.dState[i] == Frame.DIRTY) n[f.dWhere[i] >>> 5]++;
            }
        }
        return n;
    }

    /** Cacheable 64-bit aligned load through the D-cache. */
    public long dRead64(Frame f, int off) {
        int line = off >>> 6;
        if (f.dState == null || f.dState[line] == Frame.INVALID) {
            dFill(f, line);
        }
        return f.dData[off >>> 3];
    }

    /** Cacheable 64-bit aligned store into the D-cache (write-allocate, line becomes dirty). */
    public void dWrite64(Frame f, int off, long v) {
        int line = off >>> 6;
        if (f.dState == null || f.dState[line] == Frame.INVALID) {
            dFill(f, line);
        }
        if (f.dState[line] != Frame.DIRTY) {
            f.dState[line] = Frame.DIRTY;
            f.dirtyLines++;
            dirtyTotal++;
        }
        f.dData[off >>> 3] = v;
    }

    /**
     * What a cacheable table walker reads: the D-cache's line where one is valid (so a descriptor written
     * with a cacheable store and not yet cleaned is seen, and so is a clean line that a non-cacheable write
     * went around), RAM elsewhere. Reading allocates nothing: no frame, no cache line.
     */
    public DescriptorSource cacheableWalks() {
        return cacheableWalks;
    }

    private final DescriptorSource cacheableWalks = new DescriptorSource() {
        @Override
        public boolean isRam(long pa, long len) {
            return pm.isRam(pa, len);
        }

        @Override
        public long read64(long pa) {
            if ((pa & 7) == 0) {
                Frame f = frames.get(pa >>> 12);
                if (f != null && f.dState != null && f.dState[(int) (pa & 0xfff) >>> 6] != Frame.INVALID) {
                    return f.dData[(int) (pa & 0xfff) >>> 3];
                }
            }
            return pm.read64(pa);
        }
    };

    /** What a non-cacheable table walker reads: RAM (the point of coherency) only. */
    public DescriptorSource nonCacheableWalks() {
        return pm;
    }

    /** What a cache-coherent observer (a cacheable walk, a cacheable load) sees at {@code pa}. */
    public long coherentRead64(long pa) {
        Frame f = frame(pa);
        int off = (int) (pa & 0xfff);
        if ((off & 7) != 0) {
            throw new IllegalArgumentException("misaligned descriptor read");
        }
        if (f.dState != null && f.dState[off >>> 6] != Frame.INVALID) {
            return f.dData[off >>> 3];
        }
        return f.data[off >>> 3];
    }

    /** DC CVAC / CVAU: writes a dirty line back to RAM; the line stays valid and clean. */
    public void dClean(long pa) {
        Frame f = frame(pa);
        int line = (int) (pa & 0xfff) >>> 6;
        if (f.dState != null) {
            writeBack(f, line);
        }
    }

    /** DC CIVAC: write-back if dirty, then invalidate. */
    public void dCleanInvalidate(long pa) {
        dClean(pa);
        dInvalidate(pa);
    }

    /** DC IVAC: drops the line; a dirty line's data is lost (the data never reaches RAM). */
    public void dInvalidate(long pa) {
        Frame f = frame(pa);
        int line = (int) (pa & 0xfff) >>> 6;
        if (f.dState != null && f.dState[line] != Frame.INVALID) {
            freeSlot(f, line);
            drop(f, line);
        }
    }

    /** Dirty lines (PA of each line) currently in the D-cache, in ascending order. */
    public long[] dirtyLines() {
        List<Long> out = new ArrayList<>();
        for (Frame f : frames.values()) {
            if (f.dirtyLines > 0) {
                for (int i = 0; i < Frame.LINES; i++) {
                    if (f.dState[i] == Frame.DIRTY) {
                        out.add(f.pa() + 64L * i);
                    }
                }
            }
        }
        long[] a = out.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }

    /** The D-cache's view of the line holding {@code pa} differs from RAM (dirty line with other data). */
    public boolean lineDiffersFromRam(long pa) {
        Frame f = frame(pa);
        int line = (int) (pa & 0xfff) >>> 6;
        if (f.dState == null || f.dState[line] == Frame.INVALID) {
            return false;
        }
        for (int i = line * 8; i < line * 8 + 8; i++) {
            if (f.dData[i] != f.data[i]) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ I-cache

    /** Returns the instruction word at {@code off} of {@code f} through the I-cache, filling the line from RAM on a miss. */
    public int iFetch(Frame f, int off) {
        int line = off >>> 6;
        if (f.iWords == null) {
            f.iWords = new int[1024];
            icacheFrames.add(f);
        }
        if ((f.iValid & (1L << line)) == 0) {
            for (int i = 0; i < 8; i++) {
                long d = f.data[line * 8 + i];
                f.iWords[line * 16 + 2 * i] = (int) d;
                f.iWords[line * 16 + 2 * i + 1] = (int) (d >>> 32);
            }
            f.iValid |= 1L << line;
        }
        return f.iWords[off >>> 2];
    }

    /**
     * Initial state: every I-cache line of the page holding {@code pa} is valid with what RAM holds now (code an
     * earlier program executed there); once the page is rewritten those lines are stale until IC IALLU / IVAU.
     */
    public void seedInstructionLines(long pa) {
        Frame f = frame(pa);
        if (f.iWords == null) {
            f.iWords = new int[1024];
            icacheFrames.add(f);
        }
        for (int i = 0; i < 512; i++) {
            f.iWords[2 * i] = (int) f.data[i];
            f.iWords[2 * i + 1] = (int) (f.data[i] >>> 32);
        }
        f.iValid = -1L;
        f.icDecoded = null;
    }

    /** IC IALLU: invalidates every I-cache line (and the decoded copies of them). */
    public void iInvalidateAll() {
        for (Frame f : icacheFrames) {
            f.iValid = 0;
            f.icDecoded = null;
        }
    }

    /** IC IVAU: invalidates the I-cache line holding {@code pa}. */
    public void iInvalidate(long pa) {
        Frame f = frames.get(pa >>> 12);
        if (f == null || f.iWords == null) {
            return;
        }
        int line = (int) (pa & 0xfff) >>> 6;
        f.iValid &= ~(1L << line);
        if (f.icDecoded != null) {
            Arrays.fill(f.icDecoded, line * 16, line * 16 + 16, null);
        }
    }

    /** The I-cache holds a line for {@code pa} whose words differ from RAM (a stale instruction line). */
    public boolean iLineStale(long pa) {
        Frame f = frames.get(pa >>> 12);
        if (f == null || f.iWords == null) {
            return false;
        }
        int line = (int) (pa & 0xfff) >>> 6;
        if ((f.iValid & (1L << line)) == 0) {
            return false;
        }
        for (int i = 0; i < 8; i++) {
            long d = f.data[line * 8 + i];
            if (f.iWords[line * 16 + 2 * i] != (int) d || f.iWords[line * 16 + 2 * i + 1] != (int) (d >>> 32)) {
                return true;
            }
        }
        return false;
    }

    /** Number of valid I-cache lines whose words differ from RAM. */
    public int staleInstructionLines() {
        int n = 0;
        for (Frame f : icacheFrames) {
            for (int line = 0; line < Frame.LINES; line++) {
                if ((f.iValid & (1L << line)) != 0 && iLineStale(f.pa() + 64L * line)) {
                    n++;
                }
            }
        }
        return n;
    }
}
