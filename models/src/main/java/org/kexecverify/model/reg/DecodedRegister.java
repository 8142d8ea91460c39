package org.kexecverify.model.reg;

import java.util.List;
import org.kexecverify.model.regime.Regime;

/** A register value read through one layout: every field, then what validation found. */
public record DecodedRegister(SysReg register, Regime regime, String layoutName, long value,
                              List<DecodedField> fields, List<Finding> findings) {
    public DecodedRegister {
        fields = List.copyOf(fields);
        findings = List.copyOf(findings);
    }

    public DecodedField field(String name) {
        return fields.stream().filter(f -> f.field().name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(register + " has no field " + name + " in " + layoutName));
    }
}
