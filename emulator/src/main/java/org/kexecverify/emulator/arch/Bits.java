package org.kexecverify.emulator.arch;

/** A named bit field [msb:lsb] of a register or descriptor. */
public record Bits(String register, String name, int msb, int lsb) {
    public long mask() {
        int w = msb - lsb + 1;
        return (w == 64 ? -1L : (1L << w) - 1) << lsb;
    }

    public long get(long value) {
        return (value & mask()) >>> lsb;
    }

    public boolean isSet(long value) {
        return (value & mask()) != 0;
    }

    public long set(long value, long field) {
        return (value & ~mask()) | ((field << lsb) & mask());
    }

    @Override
    public String toString() {
        return register + "." + name + (msb == lsb ? "[" + msb + "]" : "[" + msb + ":" + lsb + "]");
    }
}
