package org.kexecverify.model.plan;

import org.kexecverify.model.walk.AccessType;

/**
 * A range the CPU accesses during a phase, at the VA the code uses.
 *
 * @param name       what it is ("relocation code", "source pages of initramfs")
 * @param va         first VA
 * @param pa         the PA it must reach (== va for an identity map)
 * @param size       bytes
 * @param access     fetch, read or write
 * @param mappedWith how the builder mapped it, in kernel terms ("PAGE_KERNEL_EXEC by RFC v2 7/8 trans_table"), or "not mapped"
 */
public record Region(String name, long va, long pa, long size, AccessType access, String mappedWith) {
    public boolean identity() { return va == pa; }

    public long pages() { return (size + 4095) >>> 12; }
}
