package org.kexecverify.model.walk;

/**
 * The 4 KB translation granule (without FEAT_LPA2): 4 KB pages, 512 eight-byte entries a table,
 * 9 VA bits a level, TxSZ 16..39. The one place the walk geometry is written down.
 */
public final class Granule {
    private Granule() {}

    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    public static final int LEVEL_BITS = 9;
    public static final int MIN_TXSZ = 16;
    public static final int MAX_TXSZ = 39;
    /** TCR_ELx.TG0 and TG1 encodings of the 4 KB granule. */
    public static final long TG0_4K = 0b00;
    public static final long TG1_4K = 0b10;

    public static boolean txszInRange(long txsz) {
        return txsz >= MIN_TXSZ && txsz <= MAX_TXSZ;
    }

    /** Input VA size in bits for a TxSZ. */
    public static int inputBits(long txsz) {
        return 64 - (int) txsz;
    }

    /** Start level: 4 - ceil((inputBits - 12) / 9); TxSZ 16..24 -> 0, 25..33 -> 1, 34..39 -> 2. */
    public static int startLevel(long txsz) {
        int in = inputBits(txsz);
        return 4 - (in - PAGE_SHIFT + LEVEL_BITS - 1) / LEVEL_BITS;
    }

    /** Lowest VA bit a level indexes: 39, 30, 21, 12. */
    public static int levelShift(int level) {
        return PAGE_SHIFT + LEVEL_BITS * (3 - level);
    }

    /** VA bits the level indexes: 9, or fewer at the start level. */
    public static int indexBits(int level, long txsz) {
        return level == startLevel(txsz) ? inputBits(txsz) - levelShift(level) : LEVEL_BITS;
    }

    /** Entry index of {@code va} at {@code level}. */
    public static int index(long va, int level, long txsz) {
        return (int) ((va >>> levelShift(level)) & ((1L << indexBits(level, txsz)) - 1));
    }

    /** Bytes of the start-level table (its required TTBR alignment). */
    public static long startTableBytes(long txsz) {
        return 8L << indexBits(startLevel(txsz), txsz);
    }
}
