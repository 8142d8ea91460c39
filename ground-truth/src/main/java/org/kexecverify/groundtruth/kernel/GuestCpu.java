package org.kexecverify.groundtruth.kernel;

/** The QEMU CPU models the real-kernel tier boots, and what each gives a kernel entered at EL2. */
public enum GuestCpu {
    /** Cortex-A57: ARMv8.0, EL2 without VHE: the kernel runs at EL1 and keeps the hyp stub at EL2. */
    CORTEX_A57("cortex-a57", false),
    /** QEMU's {@code max}: every feature QEMU 7.2 has, VHE among them: the kernel runs at EL2 (HCR_EL2.E2H = 1). */
    MAX("max", true);

    private final String qemuName;
    private final boolean vhe;

    GuestCpu(String qemuName, boolean vhe) {
        this.qemuName = qemuName;
        this.vhe = vhe;
    }

    public String qemuName() {
        return qemuName;
    }

    /** Whether the CPU implements FEAT_VHE (a kernel entered at EL2 then stays at EL2). */
    public boolean vhe() {
        return vhe;
    }

    /** The EL the booted kernel runs at when the machine enters it at EL2. */
    public int kernelEl() {
        return vhe ? 2 : 1;
    }

    public static GuestCpu of(String s) {
        for (GuestCpu c : values()) {
            if (c.qemuName.equals(s) || c.name().equalsIgnoreCase(s)) return c;
        }
        throw new IllegalArgumentException("unknown CPU '" + s + "' (known: cortex-a57, max)");
    }
}
