package org.kexecverify.model.desc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.kexecverify.model.mem.PhysicalMemory;

/**
 * Writes a 4 KB-granule stage-1 table tree into physical memory, the way trans_pgd.c does: table
 * entries are plain {@code PMD_TYPE_TABLE} (no APTable/XNTable), new table pages come from an
 * allocator (kexec control pages, in the kernel), leaves carry the caller's attribute bits.
 */
public final class TableBuilder {
    private final PhysicalMemory mem;
    private final LongSupplier allocator;
    private final long root;
    private final int startLevel;
    private final int inputBits;
    private final List<Long> tablePages = new ArrayList<>();

    /**
     * @param t0sz the TxSZ the tables will be walked with (decides the start level)
     */
    public TableBuilder(PhysicalMemory mem, LongSupplier allocator, int t0sz) {
        this.mem = mem;
        this.allocator = allocator;
        this.inputBits = 64 - t0sz;
        this.startLevel = org.kexecverify.model.walk.Granule.startLevel(t0sz);
        this.root = newTable();
    }

    private long newTable() {
        long pa = allocator.getAsLong();
        if ((pa & (PhysicalMemory.PAGE_SIZE - 1)) != 0) throw new IllegalArgumentException("table page 0x" + Long.toHexString(pa) + " not page aligned");
        for (long off = 0; off < PhysicalMemory.PAGE_SIZE; off += 8) mem.write64(pa + off, 0);
        tablePages.add(pa);
        return pa;
    }

    public long root() { return root; }

    public int startLevel() { return startLevel; }

    /** Every table page written so far, root first. */
    public List<Long> tablePages() { return List.copyOf(tablePages); }

    /** A table descriptor (PMD_TYPE_TABLE) pointing at {@code next}. */
    public static long tableDescriptor(long next) {
        long d = DescriptorBits.VALID.set(0, 1);
        d = DescriptorBits.TYPE.set(d, 1);
        return DescriptorBits.ADDRESS.set(d, next >>> 12);
    }

    private long entryAddress(long table, int level, long va) {
        return table + 8L * org.kexecverify.model.walk.Granule.index(va, level, 64 - inputBits);
    }

    /** Walks down to {@code leafLevel}, creating tables, and returns the leaf entry's address. */
    public long entryFor(long va, int leafLevel) {
        long table = root;
        for (int level = startLevel; level < leafLevel; level++) {
            long ea = entryAddress(table, level, va);
            long d = mem.read64(ea);
            if (DescriptorBits.VALID.get(d) == 0) {
                long next = newTable();
                mem.write64(ea, tableDescriptor(next));
                table = next;
            } else if (DescriptorBits.TYPE.get(d) == 1) {
                table = DescriptorBits.ADDRESS.get(d) << 12;
            } else {
                throw new IllegalStateException("VA 0x" + Long.toHexString(va) + " already covered by a block at level " + level);
            }
        }
        return entryAddress(table, leafLevel, va);
    }

    /** Maps one 4 KB page: leaf = {@code pa | attrs}. */
    public TableBuilder mapPage(long va, long pa, long attrs) {
        mem.write64(entryFor(va, 3), DescriptorBits.ADDRESS.set(attrs, pa >>> 12));
        return this;
    }

    /** Maps [va, va+size) page by page to [pa, ...) with {@code attrs}. */
    public TableBuilder mapRange(long va, long pa, long size, long attrs) {
        for (long off = 0; Long.compareUnsigned(off, size) < 0; off += PhysicalMemory.PAGE_SIZE) mapPage(va + off, pa + off, attrs);
        return this;
    }

    /** Maps a 2 MB (level 2) or 1 GB (level 1) block; attrs must have TYPE clear. */
    public TableBuilder mapBlock(long va, long pa, int level, long attrs) {
        long leaf = DescriptorBits.TYPE.set(attrs, 0);
        mem.write64(entryFor(va, level), DescriptorBits.ADDRESS.set(leaf, pa >>> 12));
        return this;
    }

    /** Overwrites one entry (to craft faults in tests). */
    public void writeEntry(long va, int level, long descriptor) {
        mem.write64(entryFor(va, level), descriptor);
    }

    /** A bump allocator over [base, base+size), page by page. */
    public static LongSupplier bump(long base, long size) {
        long[] next = {base};
        return () -> {
            if (Long.compareUnsigned(next[0] - base, size) >= 0) throw new IllegalStateException("page allocator exhausted at 0x" + Long.toHexString(next[0]));
            long p = next[0];
            next[0] += PhysicalMemory.PAGE_SIZE;
            return p;
        };
    }
}
