package org.kexecverify.emulator.qemu;

/** The QEMU CPU model a batch runs on ({@code -cpu}). VHE (FEAT_VHE) needs {@link #MAX}. */
public enum Cpu {
    CORTEX_A57("cortex-a57"),
    MAX("max");

    private final String qemuName;

    Cpu(String qemuName) {
        this.qemuName = qemuName;
    }

    public String qemuName() {
        return qemuName;
    }
}
