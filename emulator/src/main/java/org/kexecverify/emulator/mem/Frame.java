package org.kexecverify.emulator.mem;

/**
 * One 4 KB physical page with everything the machine keeps per page: the RAM contents (the models' {@code PhysicalMemory} page array itself), the D-cache's
 * copy of its 64 lines (state per line: invalid / clean / dirty, with their own data), the I-cache's copy of
 * its lines, and decoded-instruction arrays for the non-cacheable and the I-cache fetch paths.
 *
 * <p>Mutable state owned by {@link Ram}; the machine reads the arrays directly on its hot path and changes
 * them only through Ram's methods.
 */
public final class Frame {
    public static final int LINES = 64;
    public static final byte INVALID = 0;
    public static final byte CLEAN = 1;
    public static final byte DIRTY = 2;

    final long pfn;
    /** RAM contents (the point of coherency), little-endian, 512 doublewords. */
    public final long[] data;
    /** D-cache data for this page's lines, allocated on first cacheable access. */
    public long[] dData;
    /** D-cache line states. */
    public byte[] dState;
    /** Where each valid D-cache line sits: level index (0 = L1) times 32 plus its way. */
    public byte[] dWhere;
    /** I-cache instruction words for this page's lines, allocated on first cacheable fetch. */
    public int[] iWords;
    /** Bit i set: I-cache line i valid. */
    public long iValid;
    /** Decoded instructions fetched without the I-cache (from RAM); dropped on any RAM write to this page. */
    public Object[] ncDecoded;
    /** Decoded instructions fetched through the I-cache; entries dropped when their line is invalidated. */
    public Object[] icDecoded;
    /** Number of dirty D-cache lines. */
    public int dirtyLines;
    /** Number of valid (clean or dirty) D-cache lines. */
    public int validLines;

    /** Step of the first store the machine made to this page (0: never stored to by the running program). */
    public long storedAtStep;
    /** PC of that store. */
    public long storedByPc;
    /** The 64-byte lines of this page the running program has stored to (bit n = bytes [64n, 64n + 64)). */
    public long storedLines;

    Frame(long pfn, long[] data) {
        this.pfn = pfn;
        this.data = data;
    }

    public long pa() {
        return pfn << 12;
    }
}
