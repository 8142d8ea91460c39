package org.kexecverify.model.reg;

/**
 * One validation result: a stable diagnostic code, the field it concerns and a one-line message in
 * kernel terms.
 */
public record Finding(Diagnostic code, String register, String field, String message) {
    @Override
    public String toString() {
        return code.severity() + " " + code.name() + "(" + code.number() + ") " + register
                + (field.isEmpty() ? "" : "." + field) + ": " + message;
    }

    public boolean isError() {
        return code.severity() == Diagnostic.Severity.ERROR;
    }
}
