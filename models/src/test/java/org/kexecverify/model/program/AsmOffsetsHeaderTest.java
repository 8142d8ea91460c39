package org.kexecverify.model.program;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.program.CodeResolver.BadCode;

/** include/generated/asm-offsets.h in the form kbuild writes it. */
class AsmOffsetsHeaderTest {
    static final String HEADER = """
            #ifndef __ASM_OFFSETS_H__
            #define __ASM_OFFSETS_H__
            /*
             * DO NOT MODIFY.
             */

            #define TSK_ACTIVE_MM 1400 /* offsetof(struct task_struct, active_mm) */
            #define S_X0 0 /* offsetof(struct pt_regs, regs[0]) */
            #define KIMAGE_ARCH_DTB_MEM 648 /* offsetof(struct kimage, arch.dtb_mem) */
            #define KIMAGE_ARCH_EL2_VECTORS 664 /* offsetof(struct kimage, arch.el2_vectors) */
            #define KIMAGE_ARCH_ZERO_PAGE 688 /* offsetof(struct kimage, arch.zero_page) */
            #define KIMAGE_ARCH_PHYS_OFFSET 696 /* offsetof(struct kimage, arch.phys_offset) */
            #define KIMAGE_ARCH_TTBR1 680 /* offsetof(struct kimage, arch.ttbr1) */
            #define KIMAGE_HEAD 0 /* offsetof(struct kimage, head) */
            #define KIMAGE_START 24 /* offsetof(struct kimage, start) */
            #define PREEMPT_DISABLE_OFFSET -1 /* odd */
            #define VMA_VM_MM 0x40 /* offsetof */

            #endif
            """;

    @Test
    void kimageOffsetsOfLinux61() throws BadCode {
        KimageOffsets k = AsmOffsets.kimage("asm-offsets.h", HEADER);
        assertEquals(0, k.head());
        assertEquals(24, k.start());
        assertEquals(648, k.dtbMem());
        assertEquals(664, k.el2Vectors());
        assertEquals(680, k.ttbr1());
        assertEquals(688, k.zeroPage());
        assertEquals(696, k.physOffset());
    }

    @Test
    void everyNumericDefineIsRead() {
        var d = AsmOffsets.defines(HEADER);
        assertEquals(1400L, d.get("TSK_ACTIVE_MM"));
        assertEquals(-1L, d.get("PREEMPT_DISABLE_OFFSET"));
        assertEquals(0x40L, d.get("VMA_VM_MM"));
        assertTrue(!d.containsKey("__ASM_OFFSETS_H__"), "a define without a value is not a number");
    }

    @Test
    void headerWithoutAFieldNamesFileAndField() {
        BadCode e = assertThrows(BadCode.class, () -> AsmOffsets.kimage("build/asm-offsets.h", HEADER.replace("#define KIMAGE_ARCH_TTBR1 680", "")));
        assertEquals("build/asm-offsets.h", e.file());
        assertEquals("struct kimage offsets: no KIMAGE_ARCH_TTBR1", e.getMessage());
        BadCode none = assertThrows(BadCode.class, () -> AsmOffsets.kimage("x86/asm-offsets.h", "#define TSK_ACTIVE_MM 1400\n"));
        assertTrue(none.getMessage().startsWith("no #define KIMAGE_* lines"), none.getMessage());
    }
}
