package org.kexecverify.emulator.mmu;

/** One descriptor read of a walk (mirrors {@code org.kexecverify.model.walk.WalkStep}). */
public record WalkStep(int level, long tableAddress, int index, long descriptorAddress, long descriptor) {
    @Override
    public String toString() {
        return String.format("L%d table 0x%x [%d] @0x%x = 0x%016x", level, tableAddress, index, descriptorAddress, descriptor);
    }
}
