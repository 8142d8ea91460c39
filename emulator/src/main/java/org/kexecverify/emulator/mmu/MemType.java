package org.kexecverify.emulator.mmu;

/** Memory type of a translated access, from the MAIR attribute the descriptor selects (or the MMU-off default). */
public enum MemType {
    DEVICE_NGNRNE(false, true),
    DEVICE_NGNRE(false, true),
    DEVICE_NGRE(false, true),
    DEVICE_GRE(false, true),
    NORMAL_NC(false, false),
    NORMAL_WT(true, false),
    NORMAL_WB(true, false);

    private final boolean cacheable;
    private final boolean device;

    MemType(boolean cacheable, boolean device) {
        this.cacheable = cacheable;
        this.device = device;
    }

    /** True if accesses of this type allocate in (and hit) the caches. */
    public boolean cacheable() {
        return cacheable;
    }

    public boolean device() {
        return device;
    }
}
