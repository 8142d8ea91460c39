package org.kexecverify.model.mem;

/** A RAM range [base, base+size) in physical address space. */
public record RamRange(long base, long size) {
    public RamRange {
        if (size <= 0) throw new IllegalArgumentException("RAM size must be positive");
        if (Long.compareUnsigned(base + size - 1, base) < 0) throw new IllegalArgumentException("RAM range wraps past 2^64");
    }

    public long end() { return base + size; }

    public boolean contains(long pa) {
        return Long.compareUnsigned(pa, base) >= 0 && Long.compareUnsigned(pa - base, size) < 0;
    }

    public boolean containsRange(long pa, long len) {
        return contains(pa) && (len == 0 || contains(pa + len - 1)) && Long.compareUnsigned(pa + len - 1, pa) >= 0;
    }
}
