package org.kexecverify.smt;

/**
 * The Z3 encoding and the Java model disagree: a witness the Java walk does not confirm. Never a
 * verdict; always an internal error with both sides printed.
 */
public final class SmtEngineBug extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SmtEngineBug(String message) { super(message); }
}
