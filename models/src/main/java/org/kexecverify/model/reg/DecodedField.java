package org.kexecverify.model.reg;

/** A field with its value and its meaning in words. */
public record DecodedField(Field field, long value, String meaning) {
    /** {@code PS [18:16] = 0b100 -> 44-bit PA, 16 TB} */
    public String render() {
        String m = meaning.isEmpty() ? "" : " -> " + meaning;
        return field.name() + " [" + field.bits() + "] = " + field.format(value) + m;
    }
}
