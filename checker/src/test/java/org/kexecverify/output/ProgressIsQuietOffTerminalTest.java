package org.kexecverify.output;

import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.kexecverify.model.progress.Progress;

/** Progress lines appear only on a terminal and never with --quiet (tests run without a console). */
class ProgressIsQuietOffTerminalTest {
    @Test
    void quietOrNoConsoleMeansNoProgress() {
        assertSame(Progress.NONE, TerminalProgress.forCli(true));
        if (System.console() == null) assertSame(Progress.NONE, TerminalProgress.forCli(false));
    }
}
