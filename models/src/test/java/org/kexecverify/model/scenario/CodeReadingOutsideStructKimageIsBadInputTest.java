package org.kexecverify.model.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.ProgramCode;

/** Code that loads from struct kimage past the struct's size (the offsets do not belong to it) is one line of bad input. */
class CodeReadingOutsideStructKimageIsBadInputTest {
    static DesignCode code(int... words) {
        byte[] b = new byte[4 * words.length];
        for (int i = 0; i < words.length; i++) for (int k = 0; k < 4; k++) b[4 * i + k] = (byte) (words[i] >>> (8 * k));
        DesignCode.Blob blob = new DesignCode.Blob("arm64_relocate_new_kernel", b, 0, "reloc.o", 0);
        return new DesignCode("test", "test", "arm64_relocate_new_kernel", null,
                KimageOffsets.of(Map.of("KIMAGE_HEAD", 0L, "KIMAGE_START", 8L, "KIMAGE_SIZE", 1024L)), Map.of(blob.name(), blob));
    }

    @Test
    void aLoadAt2048OfA1024ByteStructNamesSymbolOffsetAndFile() throws Exception {
        Scenario s = ScenarioLoader.parse("t.yaml", ScenarioCodeSectionTest.base()).withCode(new ProgramCode.Resolved(code(
                0xf9400410,   // ldr x16, [x0, #8]     KIMAGE_START
                0xf9440001,   // ldr x1, [x0, #2048]   past the struct
                0xd61f0200))); // br x16
        ScenarioError e = assertThrows(ScenarioError.class, () -> ScenarioBuilders.build(s));
        assertEquals("code.entry", e.field(), e.oneLine());
        assertTrue(e.oneLine().contains("arm64_relocate_new_kernel+0x4 (reloc.o) reads struct kimage+2048, outside its 1024 bytes"), e.oneLine());
    }

    @Test
    void loadsInsideTheStructBuild() throws Exception {
        Scenario s = ScenarioLoader.parse("t.yaml", ScenarioCodeSectionTest.base()).withCode(new ProgramCode.Resolved(code(0xf9400410, 0xd61f0200)));
        ScenarioBuilders.build(s);
    }
}
