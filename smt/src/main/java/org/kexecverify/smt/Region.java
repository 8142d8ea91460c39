package org.kexecverify.smt;

import org.kexecverify.model.walk.AccessType;

/**
 * A VA range the relocation code touches and how.
 *
 * @param name       kernel-terms name ({@code relocate_kernel code page}, {@code kimage entry list})
 * @param start      first VA
 * @param end        one past the last VA (exclusive)
 * @param access     FETCH for code (IDMAP_COVERS_CODE), READ or WRITE for data (DATA_ACCESSIBLE)
 * @param checkPa    PA must equal VA + paDelta (identity maps: delta 0; the linear map: PHYS_OFFSET - PAGE_OFFSET)
 * @param accessSize bytes per access: VAs are quantified over multiples of it (1 for code)
 * @param paDelta    expected PA minus VA
 */
public record Region(String name, long start, long end, AccessType access, boolean checkPa, int accessSize, long paDelta) {
    public Region {
        if (Long.compareUnsigned(end, start) <= 0) throw new IllegalArgumentException("region " + name + ": end must be above start");
        if (Integer.bitCount(accessSize) != 1) throw new IllegalArgumentException("region " + name + ": access size must be a power of two");
    }

    public static Region code(String name, long start, long end) { return new Region(name, start, end, AccessType.FETCH, true, 1, 0); }

    public static Region data(String name, long start, long end, AccessType access, boolean identity) {
        return new Region(name, start, end, access, identity, 8, 0);
    }

    /** The region must reach {@code pa}, as the model engine's plan regions say. */
    public static Region at(String name, long va, long pa, long size, AccessType access) {
        return new Region(name, va, va + size, access, true, access == AccessType.FETCH ? 1 : 8, pa - va);
    }

    public long size() { return end - start; }
}
