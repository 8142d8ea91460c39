package org.kexecverify.model.mem;

/**
 * What a table walk reads: 64-bit words and whether an address is RAM. {@link PhysicalMemory}
 * is one; the emulator passes a view that sees dirty D-cache lines, as a cacheable walker does.
 */
public interface DescriptorSource {
    boolean isRam(long pa, long len);

    long read64(long pa);
}
