package org.kexecverify.emulator.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.model.scenario.KimageStruct;

/** The v5.16 program's asm-offsets (.equ KIMAGE_*) are the models' struct kimage layout, read from the symbol table. */
class KimageOffsetsMatchModelsTest {
    @Test
    void asmOffsetsEqualKimageStruct() {
        Assembly a = Program.UPSTREAM_V5_16.assemble(0);
        assertEquals(KimageStruct.HEAD, a.symbol("KIMAGE_HEAD"));
        assertEquals(KimageStruct.START, a.symbol("KIMAGE_START"));
        assertEquals(KimageStruct.ARCH_DTB_MEM, a.symbol("KIMAGE_ARCH_DTB_MEM"));
        assertEquals(KimageStruct.ARCH_EL2_VECTORS, a.symbol("KIMAGE_ARCH_EL2_VECTORS"));
        assertEquals(KimageStruct.ARCH_ZERO_PAGE, a.symbol("KIMAGE_ARCH_ZERO_PAGE"));
        assertEquals(KimageStruct.ARCH_TTBR1, a.symbol("KIMAGE_ARCH_TTBR1"));
        assertEquals(KimageStruct.ARCH_PHYS_OFFSET, a.symbol("KIMAGE_ARCH_PHYS_OFFSET"));
    }
}
