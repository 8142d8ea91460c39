package org.kexecverify.groundtruth.kernel;

/** The QEMU CPU models the real-kernel tier boots, and what each gives a kernel entered at EL2. */
public enum GuestCpu {
    /** Cortex-A57: ARMv8.0, EL2 without VHE: the kernel runs at EL1 and keeps the hyp stub at EL2. */
    CORTEX_A57("cortex-a57", false),
    /** QEMU's {@code max}: every feature QEMU 7.2 has, VHE among them: the kernel runs at EL2 (HCR_EL2.E2H = 1). */
    MAX("max", "", true),
    /**
     * {@code max} without FEAT_LPA2: a kernel built for 52-bit VAs with 4 KB pages (Debian's 6.12) then runs with
     * 48-bit VAs and four levels, as on cortex-a57. With LPA2, 6.12.118's kexec_load oopses in trans_pgd_create_copy.
     */
    MAX_WITHOUT_LPA2("max", ",lpa2=off", true);

    private final String qemuName;
    private final String properties;
    private final boolean vhe;

    GuestCpu(String qemuName, boolean vhe) {
        this(qemuName, "", vhe);
    }

    GuestCpu(String qemuName, String properties, boolean vhe) {
        this.qemuName = qemuName;
        this.properties = properties;
        this.vhe = vhe;
    }

    /** The QEMU model ({@code cortex-a57}, {@code max}). */
    public String qemuName() {
        return qemuName;
    }

    /** The {@code -cpu} argument: model and properties ({@code max,lpa2=off}). */
    public String qemuCpu() {
        return qemuName + properties;
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
            if (c.qemuCpu().equals(s) || c.name().equalsIgnoreCase(s) || c.name().replace('_', '-').equalsIgnoreCase(s)) return c;
        }
        throw new IllegalArgumentException("unknown CPU '" + s + "' (known: cortex-a57, max, max,lpa2=off)");
    }
}
