package org.kexecverify.emulator.mmu;

/** Where a walk reads its descriptors from (the machine passes a cache-coherent view of RAM). */
@FunctionalInterface
public interface DescriptorReader {
    /** Reads the 64-bit little-endian descriptor at {@code pa}; throws {@link OutsideRam} if no RAM backs it. */
    long read64(long pa);

    /** A descriptor address outside RAM: the walk ends in a synchronous external abort on the walk. */
    final class OutsideRam extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public OutsideRam(long pa) {
            super(String.format("no RAM at PA 0x%x", pa), null, false, false);
        }
    }
}
