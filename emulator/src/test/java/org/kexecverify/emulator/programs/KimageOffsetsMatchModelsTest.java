package org.kexecverify.emulator.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.model.scenario.KimageStruct;

/** The v5.16 programs' asm-offsets (.equ KIMAGE_*) are the models' struct kimage layout, read from the symbol table. */
class KimageOffsetsMatchModelsTest {
    @ParameterizedTest
    @EnumSource(value = Program.class, names = {"UPSTREAM_V5_16", "UPSTREAM_V5_16_KIMAGE_AFTER_COPY"})
    void asmOffsetsEqualKimageStruct(Program p) {
        Assembly a = p.assemble(0);
        assertEquals(KimageStruct.HEAD, a.symbol("KIMAGE_HEAD"));
        assertEquals(KimageStruct.START, a.symbol("KIMAGE_START"));
        assertEquals(KimageStruct.ARCH_DTB_MEM, a.symbol("KIMAGE_ARCH_DTB_MEM"));
        assertEquals(KimageStruct.ARCH_EL2_VECTORS, a.symbol("KIMAGE_ARCH_EL2_VECTORS"));
        assertEquals(KimageStruct.ARCH_ZERO_PAGE, a.symbol("KIMAGE_ARCH_ZERO_PAGE"));
        assertEquals(KimageStruct.ARCH_TTBR1, a.symbol("KIMAGE_ARCH_TTBR1"));
        assertEquals(KimageStruct.ARCH_PHYS_OFFSET, a.symbol("KIMAGE_ARCH_PHYS_OFFSET"));
    }
}
