package org.kexecverify.emulator.mem;

import java.util.List;

/**
 * The cache hierarchy the machine models on the data side, level by level up to the point of coherency, and the
 * level-1 instruction cache, as CLIDR_EL1 and CCSIDR_EL1 describe them. Lines are 64 bytes at every level
 * (CTR_EL0.DminLine = IminLine = 4 words); sets are physically indexed ({@code set = PA[6 + log2(sets) - 1 : 6]}).
 *
 * <pre>
 *   cacheable access --> L1 D (sets x ways) --evict--> L2 (sets x ways) --evict--> RAM (PoC)
 *   DC CISW/CSW level 1: a dirty L1 line moves to L2 (cleaned to the next level, not to the PoC)
 *   DC CISW/CSW at the last level, DC C*VAC anywhere: written back to RAM
 * </pre>
 *
 * {@link #DEFAULT} is a Cortex-A57/A72-like hierarchy (the cores of the machines the 2019-2021 series was measured
 * on): L1 D 32 KiB 2-way (256 sets), L2 unified 1 MiB 16-way (1024 sets), LoC = 2. With it, set/way cleaning of level
 * 1 alone leaves dirty lines in L2, above the PoC: exactly the gap Mark Rutland pointed at in RFC v2 8/8. {@link #L1_ONLY}
 * (LoC = 1) is the hierarchy in which level-1 set/way cleaning does reach the PoC.
 *
 * @param name        for reports
 * @param data        the data (or unified) levels, L1 first, up to the PoC
 * @param instruction the L1 instruction cache's geometry (reported in CCSIDR_EL1 only; the I-cache model itself
 *                    holds any number of lines, which is the adversarial reading for stale lines)
 */
public record CacheGeometry(String name, List<Level> data, Level instruction) {
    public static final int LINE_BYTES = 64;
    public static final int LINE_SHIFT = 6;

    /** One level: a power-of-two number of sets, any number of ways up to 32. */
    public record Level(int sets, int ways) {
        public Level {
            if (sets <= 0 || Integer.bitCount(sets) != 1 || ways <= 0 || ways > 32) {
                throw new IllegalArgumentException("a cache level needs a power-of-two number of sets and 1..32 ways, not " + sets + " x " + ways);
            }
        }

        public int lines() {
            return sets * ways;
        }

        public long bytes() {
            return (long) lines() * LINE_BYTES;
        }

        int set(long pa) {
            return (int) (pa >>> LINE_SHIFT) & (sets - 1);
        }

        /** CCSIDR_EL1 (pre-FEAT_CCIDX layout): WB|RA|WA, NumSets - 1, Associativity - 1, LineSize = log2(64) - 4. */
        long ccsidr() {
            return 0x7L << 28 | (long) (sets - 1) << 13 | (long) (ways - 1) << 3 | (LINE_SHIFT - 4);
        }

        @Override
        public String toString() {
            return String.format("%d KiB %d-way (%d sets)", bytes() / 1024, ways, sets);
        }
    }

    public CacheGeometry {
        data = List.copyOf(data);
        if (data.isEmpty() || data.size() > 7) throw new IllegalArgumentException("1..7 data cache levels");
    }

    public static final CacheGeometry DEFAULT = new CacheGeometry("Cortex-A57/A72-like, L1 D 32 KiB 2-way + L2 1 MiB 16-way, LoC 2",
            List.of(new Level(256, 2), new Level(1024, 16)), new Level(256, 3));

    public static final CacheGeometry L1_ONLY = new CacheGeometry("L1 D 32 KiB 2-way only, LoC 1",
            List.of(new Level(256, 2)), new Level(256, 3));

    public int levels() {
        return data.size();
    }

    /** CLIDR_EL1: Ctype1 = separate I and D, Ctype2.. = unified, LoUIS = LoUU = 1, LoC = number of data levels. */
    public long clidr() {
        long v = 0b011;
        for (int i = 1; i < data.size(); i++) v |= 0b100L << (3 * i);
        return v | 1L << 21 | (long) data.size() << 24 | 1L << 27;
    }

    /** CCSIDR_EL1 for the cache CSSELR_EL1 selects (Level [3:1], InD [0]); 0 for a level that does not exist. */
    public long ccsidr(long csselr) {
        int level = (int) (csselr >>> 1) & 7;
        boolean ind = (csselr & 1) != 0;
        if (ind) return level == 0 ? instruction.ccsidr() : 0;
        return level < data.size() ? data.get(level).ccsidr() : 0;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(name).append(": ");
        for (int i = 0; i < data.size(); i++) b.append(i == 0 ? "" : ", ").append("L").append(i + 1).append(' ').append(data.get(i));
        return b.append(", 64-byte lines").toString();
    }
}
