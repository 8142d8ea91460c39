package org.kexecverify.model.program;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Test helper: assembles A64 source with GNU as (aarch64-linux-gnu-as) into an object file. */
final class GnuAs {
    static final String AS = "aarch64-linux-gnu-as";

    private GnuAs() {}

    static boolean available() {
        try {
            Process p = new ProcessBuilder(AS, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Writes {@code source} to {@code dir/name.S}, assembles it to {@code dir/name.o} and returns the object's path. */
    static Path assemble(Path dir, String name, String source) throws IOException, InterruptedException {
        Path s = dir.resolve(name + ".S");
        Path o = dir.resolve(name + ".o");
        Files.writeString(s, source);
        Process p = new ProcessBuilder(AS, "-o", o.toString(), s.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException(AS + " failed: " + out);
        return o;
    }
}
