package org.kexecverify.emulator.mmu;

/**
 * A stage-1 walk. The machine calls it on every TLB miss, once per access type, so that a TLB entry
 * carries exactly the permissions the tables granted when it was filled.
 */
@FunctionalInterface
public interface Translator {
    Translation translate(WalkRegs regs, DescriptorReader mem, long va, Access access);
}
