package org.kexecverify.smt;

import org.kexecverify.model.walk.AccessType;

/**
 * A VA range the relocation code touches and how.
 *
 * @param name       kernel-terms name ({@code relocate_kernel code page}, {@code kimage entry list})
 * @param start      first VA
 * @param end        one past the last VA (exclusive)
 * @param access     FETCH for code (IDMAP_COVERS_CODE), READ or WRITE for data (DATA_ACCESSIBLE)
 * @param identity   PA must equal VA (code and data the MMU-off tail also touches)
 * @param accessSize bytes per access: VAs are quantified over multiples of it (1 for code)
 */
public record Region(String name, long start, long end, AccessType access, boolean identity, int accessSize) {
    public Region {
        if (Long.compareUnsigned(end, start) <= 0) throw new IllegalArgumentException("region " + name + ": end must be above start");
        if (Integer.bitCount(accessSize) != 1) throw new IllegalArgumentException("region " + name + ": access size must be a power of two");
    }

    public static Region code(String name, long start, long end) { return new Region(name, start, end, AccessType.FETCH, true, 1); }

    public static Region data(String name, long start, long end, AccessType access, boolean identity) {
        return new Region(name, start, end, access, identity, 8);
    }

    public long size() { return end - start; }
}
