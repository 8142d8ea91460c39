package org.kexecverify.model.program;

import java.nio.file.Path;

/** Turns a scenario's {@link CodeSpec} into {@link DesignCode}: reads objects, an Image, assembles a .S, or fetches a kernel. */
public interface CodeResolver {
    /**
     * @param spec        the scenario's code section
     * @param scenarioDir the directory relative paths are read from
     * @throws CodeUnavailable when the code cannot be had here (no network, no toolchain): engines then answer
     *                         INCONCLUSIVE with the reason
     * @throws BadCode         when a file is given but is wrong (no such symbol, map does not match the Image, ...)
     */
    DesignCode resolve(CodeSpec spec, Path scenarioDir) throws CodeUnavailable, BadCode;

    /** The code cannot be obtained on this machine; the reason says what was tried. */
    final class CodeUnavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public CodeUnavailable(String reason) {
            super(reason, null, false, false);
        }
    }

    /** The user's code input is wrong: one line naming the file, symbol and offset. */
    final class BadCode extends Exception {
        private static final long serialVersionUID = 1L;
        private final String file;

        public BadCode(String file, String message) {
            super(message, null, false, false);
            this.file = file;
        }

        public String file() {
            return file;
        }
    }
}
