package org.kexecverify.emulator.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.kexecverify.kernels.LinuxBuild;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.kexecverify.model.a64.Decoder;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;
import org.kexecverify.model.program.DesignCode;

/**
 * Every word of Linux's {@code arm64_relocate_new_kernel} (its whole {@code .kexec_relocate.text}) and of
 * {@code trans_pgd_stub_vectors} decodes to an operation the emulator executes: nothing of the kernel's code is an
 * UNDEF the emulator would have to guess about. 6.1: 72 instructions, 6.12: 74 (phys_to_ttbr's orr/and pair for
 * 52-bit PAs, twice).
 */
class KernelRelocationCodeIsFullyImplementedTest {
    @ParameterizedTest
    @CsvSource({"6.1, 72", "6.12, 74"})
    void everyInstructionOfTheRelocationCodeAndStubVectorsDecodes(String version, int instructions) {
        DesignCode code = LinuxBuild.code(version);
        DesignCode.Blob e = code.entry();
        assertEquals(instructions * 4, e.size(), code.describe());
        List<String> missing = new ArrayList<>();
        for (int off = 0; off < e.size(); off += 4) {
            Insn i = Decoder.decode(e.word(off));
            if (i.op == Op.UNDEF) missing.add(String.format("%s+0x%x: 0x%08x", e.name(), off - e.entryOffset(), e.word(off)));
        }
        DesignCode.Blob v = code.vectors().orElseThrow();
        assertEquals(0x800, v.size() - v.entryOffset(), "the vector table is 2 KiB");
        int spins = 0;
        for (int off = v.entryOffset(); off < v.entryOffset() + 0x800; off += 4) {
            Insn i = Decoder.decode(v.word(off));
            if (i.op == Op.UNDEF) missing.add(String.format("%s+0x%x: 0x%08x", v.name(), off, v.word(off)));
            if (i.op == Op.B && i.imm < 0) spins++;
        }
        assertTrue(missing.isEmpty(), "not implemented: " + missing);
        // 15 invalid entries branch back into the padding before them; only the first is a b .
        assertEquals(14, spins, "backward branches of the invalid entries");
        assertNotEquals(0x14000000, v.word(v.entryOffset() + 0x200), "EL2h sync is not a b .");
    }
}
