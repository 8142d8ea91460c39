package org.kexecverify.model.plan;

/** A named physical range of the layout, for NO_CLOBBER and the memory map picture. */
public record PhysRegion(String name, Kind kind, long pa, long size) {
    public enum Kind { RAM, OLD_KERNEL, DESTINATION, SOURCE, INDIRECTION, CONTROL, TABLE, CODE, VECTORS, ARGUMENTS, KIMAGE }

    public long end() { return pa + size; }

    public boolean overlaps(long a, long len) {
        return Long.compareUnsigned(pa, a + len) < 0 && Long.compareUnsigned(a, pa + size) < 0;
    }
}
