package org.kexecverify.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Test access to the CLI from other packages. */
public final class CliRunForReport {
    private CliRunForReport() {}

    public static int run(String... args) {
        return Main.run(args, new PrintWriter(new StringWriter(), true), new PrintWriter(new StringWriter(), true));
    }
}
