package org.kexecverify.tla;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/** The hand-written TLA+ modules shipped as resources under {@code tla/}. */
public final class TlaModules {
    /** Every module a design instance needs, in dependency order. */
    public static final List<String> ALL = List.of("Vmsa", "MmuEnable", "KexecRelocation", "KexecVerify");

    private TlaModules() {}

    public static String text(String module) throws IOException {
        try (InputStream in = TlaModules.class.getResourceAsStream("/tla/" + module + ".tla")) {
            if (in == null) throw new IOException("resource tla/" + module + ".tla missing from the class path");
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Copies every module into {@code dir} (next to an instance, where TLC looks for them). */
    public static void copyTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String m : ALL) {
            try (InputStream in = TlaModules.class.getResourceAsStream("/tla/" + m + ".tla")) {
                if (in == null) throw new IOException("resource tla/" + m + ".tla missing from the class path");
                Files.copy(in, dir.resolve(m + ".tla"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
