package org.kexecverify.model.reg;

/** Renders a field value in words, e.g. {@code 44-bit PA, 16 TB}. */
@FunctionalInterface
public interface Meaning {
    String describe(long value);

    Meaning NONE = v -> "";

    static Meaning flag(String whenSet, String whenClear) {
        return v -> v != 0 ? whenSet : whenClear;
    }

    static Meaning table(String... byValue) {
        return v -> v >= 0 && v < byValue.length && byValue[(int) v] != null ? byValue[(int) v] : "reserved encoding";
    }
}
