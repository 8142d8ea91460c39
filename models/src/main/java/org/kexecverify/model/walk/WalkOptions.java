package org.kexecverify.model.walk;

/**
 * Choices the architecture leaves to the implementation.
 *
 * @param deviceFetch        instruction fetch from Device memory not marked XN is CONSTRAINED
 *                           UNPREDICTABLE: behave as Normal Non-cacheable (Cortex-A cores, QEMU) or
 *                           take a Permission fault
 * @param hardwareAccessFlag FEAT_HAFDBS implemented: with TCR_ELx.HA=1 an AF=0 entry does not fault
 */
public record WalkOptions(DeviceFetch deviceFetch, boolean hardwareAccessFlag) {

    public enum DeviceFetch { AS_NORMAL_NON_CACHEABLE, PERMISSION_FAULT }

    /** What QEMU and Cortex-A cores do: Device fetches as Normal NC; no hardware AF. */
    public static final WalkOptions DEFAULT = new WalkOptions(DeviceFetch.AS_NORMAL_NON_CACHEABLE, false);
}
