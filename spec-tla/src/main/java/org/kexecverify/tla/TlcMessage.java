package org.kexecverify.tla;

/**
 * One message of TLC's {@code -tool} output:
 * {@code @!@!@STARTMSG code:severity @!@!@ body @!@!@ENDMSG code @!@!@}.
 *
 * @param code     the tlc2.output.EC code
 * @param severity TLC's message class (0 none, 1 error, 2 tlc bug, 3 warning, 4 state)
 * @param body     the text between the markers, trimmed
 */
public record TlcMessage(int code, int severity, String body) {
    public TlcCode.Kind kind() {
        return TlcCode.kindOf(code, severity);
    }
}
