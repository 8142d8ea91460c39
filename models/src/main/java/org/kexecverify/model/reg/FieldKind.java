package org.kexecverify.model.reg;

/** What the architecture says a bit range is. */
public enum FieldKind {
    /** A field with a meaning. */
    VALUE,
    /** Reserved, should be zero: a set bit is a REGISTERS_VALID violation. */
    RES0,
    /** Reserved, should be one: a clear bit is a REGISTERS_VALID violation. */
    RES1
}
