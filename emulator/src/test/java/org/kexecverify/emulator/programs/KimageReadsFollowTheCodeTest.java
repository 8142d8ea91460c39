package org.kexecverify.emulator.programs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.KimageReads;

/**
 * The struct kimage reads are found in the machine code, not taken from a scenario option: the v5.16 program reads
 * every field before its first store, the shape before Linux eb3d8ea3e1f0 (2022) reads kimage->start, el2_vectors and
 * dtb_mem after the copy loop.
 */
class KimageReadsFollowTheCodeTest {
    static DesignCode code(Program p) {
        Assembly a = p.assemble(0x8000_0000L);
        Map<String, Long> off = new HashMap<>();
        for (String n : KimageOffsets.NAMES) if (a.symbols().containsKey(n)) off.put(n, a.symbol(n));
        DesignCode.Blob b = new DesignCode.Blob(p.entry(), a.code(), (int) (a.symbol(p.entry()) - a.base()), p.file(), 0);
        return new DesignCode("project " + p.file(), "project", p.entry(), null, KimageOffsets.of(off), Map.of(p.entry(), b));
    }

    @Test
    void v516ReadsEveryFieldBeforeItsFirstStore() {
        List<KimageReads.Read> r = KimageReads.of(code(Program.UPSTREAM_V5_16));
        assertEquals(List.of("KIMAGE_START", "KIMAGE_ARCH_EL2_VECTORS", "KIMAGE_ARCH_DTB_MEM", "KIMAGE_ARCH_ZERO_PAGE", "KIMAGE_ARCH_TTBR1",
                "KIMAGE_HEAD", "KIMAGE_ARCH_PHYS_OFFSET"), r.stream().map(KimageReads.Read::field).toList(), r.toString());
        assertFalse(KimageReads.readAfterStore(code(Program.UPSTREAM_V5_16)), r.toString());
    }

    @Test
    void beforeEb3d8ea3e1f0TheEntryIsReadAfterTheCopyLoop() {
        List<KimageReads.Read> r = KimageReads.of(code(Program.UPSTREAM_V5_16_KIMAGE_AFTER_COPY));
        assertTrue(r.stream().anyMatch(x -> x.afterStore() && x.field().equals("KIMAGE_START")), r.toString());
        assertTrue(r.stream().anyMatch(x -> !x.afterStore() && x.field().equals("KIMAGE_HEAD")), r.toString());
    }
}
