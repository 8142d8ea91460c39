package org.kexecverify.cli;

/** Bad input or usage: reported as one line, exit code 2, never a stack trace. */
public final class BadInput extends RuntimeException {
    public BadInput(String message) {
        super(message, null, false, false);
    }
}
