package org.kexecverify.tla;

import java.util.Map;

/**
 * One state of a TLC trace.
 *
 * @param action   the TLA+ action that led here ({@code Init} for the first state)
 * @param location where TLC says the action is defined ({@code line 35, col 25 ... of module KexecVerify}), or empty
 * @param vars     the variables, as ITF-shaped Java values (see {@link TlaValueParser})
 */
public record TlcState(String action, String location, Map<String, Object> vars) {
    public TlcState {
        vars = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(vars));
    }

    /** The kernel step recorded by the specification in {@code lastStep}, or {@code UNKNOWN}. */
    public String kernelStep() {
        Object s = vars.get("lastStep");
        return s instanceof String str ? str : "UNKNOWN";
    }
}
