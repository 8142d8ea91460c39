package org.kexecverify.tla;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A TLA+ instance of KexecVerify ready for TLC: a directory with the root module, its safety and
 * liveness configurations and every module it extends.
 *
 * @param dir            the directory
 * @param module         root module name
 * @param safetyConfig   config whose constants the invariant checks use
 * @param livenessConfig config for {@code Termination} (may set ModelDataEnv = FALSE)
 * @param scenario       scenario name, for verdicts and counterexamples
 * @param destPages      the instance's destination pages: CoherentHandoff is checked one cached page at a time
 */
public record TlaInstance(Path dir, String module, String safetyConfig, String livenessConfig, String scenario,
                          List<Integer> destPages) {
    public TlaInstance {
        destPages = List.copyOf(destPages);
    }

    /** Exports {@code model} into {@code dir} (see {@link TlaExporter}). */
    public static TlaInstance export(PageModel model, Path dir, String scenario) throws IOException {
        TlaExporter.write(model, dir);
        return new TlaInstance(dir, model.name(), model.name() + ".cfg", model.name() + "Liveness.cfg", scenario,
                List.copyOf(model.destPages()));
    }
}
