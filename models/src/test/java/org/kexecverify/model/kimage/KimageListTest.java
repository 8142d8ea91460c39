package org.kexecverify.model.kimage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.desc.TableBuilder;
import org.kexecverify.model.mem.PhysicalMemory;

/** The entry list is written the way kimage_add_entry() does and parsed back with loop and length guards. */
class KimageListTest {
    static final long RAM = 0x4000_0000L;

    private static List<KimageList.Copy> copies(int n, long src, long dst) {
        List<KimageList.Copy> out = new ArrayList<>();
        for (int i = 0; i < n; i++) out.add(new KimageList.Copy(src + 4096L * i, dst + 4096L * i));
        return out;
    }

    @Test
    void writeThenParseRoundTripsAcrossSeveralIndirectionPages() {
        PhysicalMemory mem = PhysicalMemory.ofRam(RAM, 1L << 30);
        List<KimageList.Copy> cs = copies(1500, 0x5000_0000L, 0x4008_0000L);
        KimageList l = KimageList.write(mem, cs, TableBuilder.bump(0x6000_0000L, 1 << 20));
        assertEquals(KimageList.IND_INDIRECTION, l.head() & KimageList.IND_FLAGS);
        assertEquals(3, l.indirectionPages().size(), "1501 entries + DESTINATION need 3 pages of 511 usable slots");
        KimageList back = assertDoesNotThrowList(mem, l.head());
        assertEquals(cs, back.copies());
        assertEquals(l.indirectionPages(), back.indirectionPages());
    }

    private static KimageList assertDoesNotThrowList(PhysicalMemory mem, long head) {
        try {
            return KimageList.parse(mem, head);
        } catch (KimageList.ListError e) {
            throw new AssertionError("parse failed: " + e.getMessage());
        }
    }

    @Test
    void destinationEntryStartsEveryDiscontiguousRun() {
        PhysicalMemory mem = PhysicalMemory.ofRam(RAM, 1L << 30);
        List<KimageList.Copy> cs = new ArrayList<>(copies(2, 0x5000_0000L, 0x4008_0000L));
        cs.addAll(copies(2, 0x5001_0000L, 0x4800_0000L));
        KimageList l = KimageList.write(mem, cs, TableBuilder.bump(0x6000_0000L, 1 << 20));
        long page = l.indirectionPages().get(0);
        long[] expect = {0x4008_0000L | 1, 0x5000_0000L | 8, 0x5000_1000L | 8, 0x4800_0000L | 1, 0x5001_0000L | 8, 0x5001_1000L | 8, 4};
        for (int i = 0; i < expect.length; i++) assertEquals(expect[i], mem.read64(page + 8L * i), "entry " + i);
    }

    @Test
    void loopingListIsRejected() {
        PhysicalMemory mem = PhysicalMemory.ofRam(RAM, 1L << 30);
        long p = 0x6000_0000L;
        mem.write64(p, 0x4008_0000L | KimageList.IND_DESTINATION);
        mem.write64(p + 8, p | KimageList.IND_INDIRECTION);
        KimageList.ListError e = assertThrows(KimageList.ListError.class, () -> KimageList.parse(mem, p | KimageList.IND_INDIRECTION));
        assertTrue(e.getMessage().contains("loops"), e.getMessage());
    }

    @Test
    void unterminatedPageIsRejected() {
        PhysicalMemory mem = PhysicalMemory.ofRam(RAM, 1L << 30);
        long p = 0x6000_0000L;
        mem.write64(p, 0x4008_0000L | KimageList.IND_DESTINATION);
        for (int i = 1; i < 512; i++) mem.write64(p + 8L * i, (0x5000_0000L + 4096L * i) | KimageList.IND_SOURCE);
        KimageList.ListError e = assertThrows(KimageList.ListError.class, () -> KimageList.parse(mem, p | KimageList.IND_INDIRECTION));
        assertTrue(e.getMessage().contains("ends without"), e.getMessage());
    }

    @Test
    void indirectionOutsideRamIsRejected() {
        PhysicalMemory mem = PhysicalMemory.ofRam(RAM, 1L << 30);
        assertThrows(KimageList.ListError.class, () -> KimageList.parse(mem, 0x1000_0000L | KimageList.IND_INDIRECTION));
    }
}
