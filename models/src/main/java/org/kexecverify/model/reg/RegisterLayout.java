package org.kexecverify.model.reg;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import org.kexecverify.model.regime.Regime;

/**
 * The field table of one register as one regime reads it. Fields cover bits [63:0] exactly once;
 * decode, encode and validation are driven by this table and nothing else.
 */
public final class RegisterLayout {

    /** A cross-field rule of one register (e.g. T0SZ range for the granule in TG0). */
    @FunctionalInterface
    public interface Check {
        List<Finding> check(RegisterLayout layout, long value);
    }

    private final SysReg register;
    private final String layoutName;
    private final List<Field> fields;
    private final List<Check> checks;
    private final LongFunction<List<Field>> detail;
    private final java.util.Map<String, Field> byName = new java.util.HashMap<>();

    private RegisterLayout(SysReg register, String layoutName, List<Field> fields, List<Check> checks,
                           LongFunction<List<Field>> detail) {
        this.register = register;
        this.layoutName = layoutName;
        List<Field> sorted = new ArrayList<>(fields);
        sorted.sort(Comparator.comparingInt(Field::lsb));
        long covered = 0;
        for (Field f : sorted) {
            if ((covered & f.mask()) != 0) {
                throw new IllegalStateException(layoutName + ": field " + f.name() + " overlaps another field");
            }
            covered |= f.mask();
        }
        if (covered != -1L) {
            throw new IllegalStateException(layoutName + ": bits not described: 0x" + Long.toHexString(~covered));
        }
        this.fields = List.copyOf(sorted);
        for (Field f : sorted) byName.putIfAbsent(f.name(), f);
        this.checks = List.copyOf(checks);
        this.detail = detail;
    }

    public static Builder builder(SysReg register, String layoutName) {
        return new Builder(register, layoutName);
    }

    public SysReg register() { return register; }

    /** e.g. {@code TCR_EL2 (E2H=0)} or {@code TCR_EL2 (E2H=1, TCR_EL1 layout)}. */
    public String layoutName() { return layoutName; }

    /** All fields, least significant first. */
    public List<Field> fields() { return fields; }

    public Optional<Field> find(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Field field(String name) {
        Field f = byName.get(name);
        if (f == null) throw new IllegalArgumentException(layoutName + " has no field " + name);
        return f;
    }

    /** Long value of the named field in {@code value}. */
    public long get(String name, long value) {
        return field(name).get(value);
    }

    public DecodedRegister decode(long value, Regime regime) {
        List<DecodedField> out = new ArrayList<>();
        for (Field f : fields) {
            long v = f.get(value);
            String m = f.kind() == FieldKind.VALUE ? (f.isReserved(v) ? "reserved encoding" : f.meaning().describe(v)) : "";
            out.add(new DecodedField(f, v, m));
            if (detail != null && f.name().equals("ISS")) {
                for (Field sub : detail.apply(value)) {
                    long sv = sub.get(value);
                    out.add(new DecodedField(sub, sv, sub.kind() == FieldKind.VALUE ? sub.meaning().describe(sv) : ""));
                }
            }
        }
        return new DecodedRegister(register, regime, layoutName, value, out, validate(value));
    }

    /** RES0/RES1, reserved encodings, then the register's own cross-field rules. */
    public List<Finding> validate(long value) {
        List<Finding> out = new ArrayList<>();
        for (Field f : fields) {
            long v = f.get(value);
            switch (f.kind()) {
                case RES0 -> {
                    if (v != 0) out.add(new Finding(Diagnostic.RES0_SET, register.name(), f.name() + "[" + f.bits() + "]",
                            "RES0 bits " + f.bits() + " hold " + f.format(v) + " in " + layoutName));
                }
                case RES1 -> {
                    if (v != (f.mask() >>> f.lsb())) out.add(new Finding(Diagnostic.RES1_CLEAR, register.name(),
                            f.name() + "[" + f.bits() + "]", "RES1 bit " + f.bits() + " is clear in " + layoutName));
                }
                case VALUE -> {
                    if (f.isReserved(v)) out.add(new Finding(Diagnostic.RESERVED_ENCODING, register.name(), f.name(),
                            f.name() + " [" + f.bits() + "] = " + f.format(v) + " is a reserved encoding"));
                }
            }
        }
        for (Check c : checks) out.addAll(c.check(this, value));
        return out;
    }

    /** Builds a value from named field values; RES1 fields are set, everything else is zero. */
    public long encode(Map<String, Long> values) {
        long r = 0;
        for (Field f : fields) {
            if (f.kind() == FieldKind.RES1) r = f.set(r, f.mask() >>> f.lsb());
        }
        for (Map.Entry<String, Long> e : values.entrySet()) {
            r = field(e.getKey()).set(r, e.getValue());
        }
        return r;
    }

    /** Encodes the fields of a decoding back into a value: the inverse of {@link #decode}. */
    public long encode(DecodedRegister d) {
        long r = 0;
        for (DecodedField df : d.fields()) {
            if (fields.contains(df.field())) r = df.field().set(r, df.value());
        }
        return r;
    }

    /** The RES1 bits of this layout, e.g. {@code 0x30c50830} for SCTLR_EL2 (E2H=0). */
    public long res1Mask() {
        return fields.stream().filter(f -> f.kind() == FieldKind.RES1).mapToLong(Field::mask).reduce(0, (a, b) -> a | b);
    }

    public long res0Mask() {
        return fields.stream().filter(f -> f.kind() == FieldKind.RES0).mapToLong(Field::mask).reduce(0, (a, b) -> a | b);
    }

    @Override
    public String toString() { return layoutName; }

    public static final class Builder {
        private final SysReg register;
        private final String layoutName;
        private final List<Field> fields = new ArrayList<>();
        private final List<Check> checks = new ArrayList<>();
        private LongFunction<List<Field>> detail;

        private Builder(SysReg register, String layoutName) {
            this.register = register;
            this.layoutName = layoutName;
        }

        public Builder add(Field f) { fields.add(f); return this; }

        public Builder addAll(List<Field> fs) { fields.addAll(fs); return this; }

        public Builder check(Check c) { checks.add(c); return this; }

        /** Sub-fields decoded from another field's value (the ISS of ESR_ELx by EC). */
        public Builder detail(LongFunction<List<Field>> d) { this.detail = d; return this; }

        /** Marks every bit not yet described as RES0 (for registers whose remaining bits are RES0). */
        public Builder res0Rest() {
            long covered = fields.stream().mapToLong(Field::mask).reduce(0, (a, b) -> a | b);
            int bit = 0;
            while (bit < 64) {
                if ((covered & (1L << bit)) == 0) {
                    int start = bit;
                    while (bit < 64 && (covered & (1L << bit)) == 0) bit++;
                    fields.add(Field.res0(bit - 1, start));
                } else {
                    bit++;
                }
            }
            return this;
        }

        public RegisterLayout build() {
            return new RegisterLayout(register, layoutName, fields, checks, detail);
        }
    }
}
