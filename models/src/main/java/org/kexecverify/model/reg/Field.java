package org.kexecverify.model.reg;

import java.util.Set;

/**
 * One bit range of a register or descriptor: the single definition that decode, encode,
 * validation, the walk, the Z3 encoding and the TLA+ export all read.
 *
 * @param name       architectural name ({@code PS}, {@code T0SZ}, {@code UXN})
 * @param msb        most significant bit, inclusive
 * @param lsb        least significant bit, inclusive
 * @param kind       VALUE, RES0 or RES1
 * @param summary    one-line description of what the field controls
 * @param meaning    renders a value in words
 * @param reserved   encodings the architecture reserves (a REGISTERS_VALID violation)
 */
public record Field(String name, int msb, int lsb, FieldKind kind, String summary, Meaning meaning, Set<Long> reserved) {

    public Field {
        if (msb < lsb || lsb < 0 || msb > 63) {
            throw new IllegalArgumentException("bad field " + name + " [" + msb + ":" + lsb + "]");
        }
        reserved = Set.copyOf(reserved);
    }

    public static Field value(String name, int msb, int lsb, String summary, Meaning meaning) {
        return new Field(name, msb, lsb, FieldKind.VALUE, summary, meaning, Set.of());
    }

    public static Field bit(String name, int bit, String summary, Meaning meaning) {
        return value(name, bit, bit, summary, meaning);
    }

    public static Field bit(String name, int bit, String summary) {
        return value(name, bit, bit, summary, Meaning.flag("set", "clear"));
    }

    public static Field res0(int msb, int lsb) {
        return new Field("RES0", msb, lsb, FieldKind.RES0, "reserved, should be zero", Meaning.NONE, Set.of());
    }

    public static Field res1(int bit) {
        return new Field("RES1", bit, bit, FieldKind.RES1, "reserved, should be one", Meaning.NONE, Set.of());
    }

    public static Field res1(String name, int bit, String summary) {
        return new Field(name, bit, bit, FieldKind.RES1, summary, Meaning.NONE, Set.of());
    }

    public Field withReserved(Long... codes) {
        return new Field(name, msb, lsb, kind, summary, meaning, Set.of(codes));
    }

    public int width() { return msb - lsb + 1; }

    /** The field's bits in place. */
    public long mask() {
        return width() == 64 ? -1L : ((1L << width()) - 1) << lsb;
    }

    /** The field's value, shifted down. */
    public long get(long reg) {
        return (reg & mask()) >>> lsb;
    }

    public boolean isSet(long reg) {
        return (reg & mask()) != 0;
    }

    /** {@code reg} with this field replaced by {@code v}; {@code v} must fit. */
    public long set(long reg, long v) {
        long max = width() == 64 ? -1L : (1L << width()) - 1;
        if (width() < 64 && (v & ~max) != 0) {
            throw new IllegalArgumentException(name + " [" + bits() + "] cannot hold " + Long.toUnsignedString(v, 16));
        }
        return (reg & ~mask()) | (v << lsb);
    }

    /** Bit range as the Arm ARM writes it: {@code 18:16} or {@code 54}. */
    public String bits() {
        return msb == lsb ? Integer.toString(msb) : msb + ":" + lsb;
    }

    /** Value in the notation that suits its width: {@code 0b100}, {@code 1}, {@code 0x10}. */
    public String format(long v) {
        if (width() == 1) return Long.toString(v);
        if (width() <= 4) {
            String b = Long.toBinaryString(v);
            return "0b" + "0".repeat(Math.max(0, width() - b.length())) + b;
        }
        return "0x" + Long.toHexString(v);
    }

    public boolean isReserved(long v) {
        return reserved.contains(v);
    }
}
