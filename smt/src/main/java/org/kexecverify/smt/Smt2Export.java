package org.kexecverify.smt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kexecverify.model.verdict.Obligation;

/**
 * Writes every SMT obligation of an input as {@code <input>.<obligation>.smt2}: the same query the
 * engine checks, answerable by stock {@code z3 file.smt2} (sat = refuted, unsat = proved). Files
 * are written to a temporary name and moved into place, so a file is whole or absent.
 */
public final class Smt2Export {
    private Smt2Export() {}

    public static List<Path> write(SmtEngine engine, SmtInput in, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Obligation o : SmtEngine.DECIDES) {
            ObligationQuery q = engine.query(in, o);
            if (q == null) continue;
            Path target = dir.resolve(fileName(in, o));
            Path tmp = Files.createTempFile(dir, ".export-", ".smt2.tmp");
            try {
                Files.writeString(tmp, engine.smt2(in, q), StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            out.add(target);
        }
        return out;
    }

    public static String fileName(SmtInput in, Obligation o) {
        return in.name().replaceAll("[^A-Za-z0-9._-]", "_") + "." + o.name().toLowerCase(Locale.ROOT) + ".smt2";
    }
}
