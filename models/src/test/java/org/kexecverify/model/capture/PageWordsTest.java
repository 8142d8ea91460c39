package org.kexecverify.model.capture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The text form of a captured page: runs folded, every page read back word for word, bad tokens named. */
class PageWordsTest {
    @Test
    void levelThreeTableOfConsecutivePagesIsOneToken() throws PageWords.Malformed {
        long[] w = new long[512];
        for (int i = 0; i < 512; i++) w[i] = 0x0068_0000_4000_0707L + 0x1000L * i;
        String t = PageWords.encode(w);
        assertEquals("0x68000040000707*512+0x1000", t.strip(), t);
        assertArrayEquals(w, PageWords.decode(t));
    }

    @Test
    void arbitraryWordsDescendingRunsAndZerosReadBackExactly() throws PageWords.Malformed {
        Random r = new Random(13);
        long[] w = new long[512];
        for (int i = 0; i < 100; i++) w[i] = r.nextLong();
        for (int i = 100; i < 200; i++) w[i] = 0x4300_0008L - 0x1000L * (i - 100);
        w[300] = -1L;
        w[511] = 4;
        String t = PageWords.encode(w);
        assertArrayEquals(w, PageWords.decode(t), t);
        assertTrue(t.contains("*100-0x1000"), "a descending run is folded: " + t);
    }

    @Test
    void aPageOfTheWrongLengthOrABadTokenIsNamed() {
        PageWords.Malformed shortPage = assertThrows(PageWords.Malformed.class, () -> PageWords.decode("0*511"));
        assertTrue(shortPage.getMessage().contains("511 words"), shortPage.getMessage());
        PageWords.Malformed past = assertThrows(PageWords.Malformed.class, () -> PageWords.decode("0*500 0x1*13"));
        assertTrue(past.getMessage().startsWith("token 2 '0x1*13' runs past"), past.getMessage());
        PageWords.Malformed bad = assertThrows(PageWords.Malformed.class, () -> PageWords.decode("0*511 0xzz"));
        assertTrue(bad.getMessage().startsWith("token 2 '0xzz' is not"), bad.getMessage());
        PageWords.Malformed decimal = assertThrows(PageWords.Malformed.class, () -> PageWords.decode("0*511 17"));
        assertTrue(decimal.getMessage().contains("'17'"), "values are hex (0x...): " + decimal.getMessage());
    }
}
