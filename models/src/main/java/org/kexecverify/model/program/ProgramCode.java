package org.kexecverify.model.program;

import java.util.Optional;

/** The code of a scenario as far as it could be had: resolved machine code, or the reason there is none. */
public sealed interface ProgramCode permits ProgramCode.Resolved, ProgramCode.Missing {

    /** The machine code, resolved from the scenario's {@code code:} section. */
    record Resolved(DesignCode code) implements ProgramCode {}

    /** No code: not named, or not obtainable here; engines that need the program answer INCONCLUSIVE with this reason. */
    record Missing(String reason) implements ProgramCode {}

    static ProgramCode missing(String reason) {
        return new Missing(reason);
    }

    default Optional<DesignCode> get() {
        return this instanceof Resolved r ? Optional.of(r.code()) : Optional.empty();
    }

    /** Why there is no code ("" when there is). */
    default String reason() {
        return this instanceof Missing m ? m.reason() : "";
    }
}
