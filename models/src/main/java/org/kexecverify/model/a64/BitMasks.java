package org.kexecverify.model.a64;

/**
 * The A64 logical-immediate and bitfield mask machinery: {@code DecodeBitMasks} from the Arm ARM
 * pseudocode (shared functions, "DecodeBitMasks") and its inverse used by the assembler.
 */
public final class BitMasks {
    private BitMasks() {
    }

    /** Result of DecodeBitMasks; {@code valid} false means the encoding is reserved (UNDEFINED). */
    public record Masks(boolean valid, long wmask, long tmask) {
        static final Masks RESERVED = new Masks(false, 0, 0);
    }

    private static long ones(int n) {
        return n >= 64 ? -1L : (1L << n) - 1;
    }

    private static long ror(long x, int r, int esize) {
        if (r == 0) {
            return x;
        }
        long m = ones(esize);
        return ((x >>> r) | (x << (esize - r))) & m;
    }

    private static long replicate(long elem, int esize, int datasize) {
        long out = 0;
        for (int i = 0; i < datasize; i += esize) {
            out |= elem << i;
        }
        return datasize == 64 ? out : out & ones(datasize);
    }

    /**
     * DecodeBitMasks(immN, imms, immr, immediate) for a register of {@code datasize} (32 or 64) bits.
     */
    public static Masks decode(int n, int imms, int immr, boolean immediate, int datasize) {
        int combined = (n << 6) | (~imms & 0x3f);
        if (combined == 0) {
            return Masks.RESERVED;
        }
        int len = 31 - Integer.numberOfLeadingZeros(combined);
        if (len < 1) {
            return Masks.RESERVED;
        }
        int esize = 1 << len;
        if (esize > datasize) {
            return Masks.RESERVED;
        }
        int levels = (int) ones(len);
        if (immediate && (imms & levels) == levels) {
            return Masks.RESERVED;
        }
        int s = imms & levels;
        int r = immr & levels;
        int d = (s - r) & levels;
        long welem = ones(s + 1);
        long telem = ones(d + 1);
        long wmask = replicate(ror(welem, r, esize), esize, datasize);
        long tmask = replicate(telem, esize, datasize);
        return new Masks(true, wmask, tmask);
    }

    /**
     * Encodes {@code value} as a logical immediate for a {@code datasize}-bit operation.
     *
     * @return N:immr:imms packed as {@code N << 12 | immr << 6 | imms}, or -1 if not encodable
     */
    public static int encodeLogical(long value, int datasize) {
        long v = datasize == 64 ? value : value & ones(32);
        if (v == 0 || v == ones(datasize)) {
            return -1;
        }
        for (int esize = 2; esize <= datasize; esize <<= 1) {
            long elem = v & ones(esize);
            if (replicate(elem, esize, datasize) != v) {
                continue;
            }
            for (int r = 0; r < esize; r++) {
                long rolled = ror(elem, (esize - r) % esize, esize); // rotate left by r
                if (rolled != 0 && (rolled & (rolled + 1)) == 0) {
                    int s = Long.bitCount(rolled) - 1;
                    int nBit = esize == 64 ? 1 : 0;
                    int imms = ((~(2 * esize - 1)) & 0x3f) | s;
                    return (nBit << 12) | (r << 6) | imms;
                }
            }
            return -1;
        }
        return -1;
    }
}
