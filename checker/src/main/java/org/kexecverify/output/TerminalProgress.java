package org.kexecverify.output;

import java.io.PrintStream;
import org.kexecverify.model.progress.Progress;

/** Progress on one rewritten stderr line, at most ten updates a second; only on a terminal and without --quiet. */
public final class TerminalProgress implements Progress {
    private final PrintStream err;
    private long lastNanos;
    private boolean dirty;

    private TerminalProgress(PrintStream err) {
        this.err = err;
    }

    public static Progress forCli(boolean quiet) {
        return quiet || System.console() == null ? Progress.NONE : new TerminalProgress(System.err);
    }

    @Override
    public synchronized void update(String task, long done, long total, String unit) {
        long now = System.nanoTime();
        if (now - lastNanos < 100_000_000L && (total < 0 || done < total)) return;
        lastNanos = now;
        String line = total > 0 ? String.format("%s: %,d/%,d %s (%d%%)", task, done, total, unit, done * 100 / total)
                : String.format("%s: %,d %s", task, done, unit);
        err.print("\r\033[K" + line);
        err.flush();
        dirty = true;
    }

    @Override
    public synchronized void done() {
        if (dirty) {
            err.print("\r\033[K");
            err.flush();
            dirty = false;
        }
    }
}
