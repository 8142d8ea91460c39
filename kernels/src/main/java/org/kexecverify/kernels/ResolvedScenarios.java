package org.kexecverify.kernels;

import java.nio.file.Path;
import org.kexecverify.model.program.CodeResolver;
import org.kexecverify.model.program.CodeResolver.BadCode;
import org.kexecverify.model.program.CodeResolver.CodeUnavailable;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.scenario.ScenarioLoader;

/**
 * The one way the checker and the tests load a scenario with its code: {@link ScenarioLoader#load} (pure), then the
 * {@code code:} section resolved. Code that cannot be had here (no network, no toolchain) becomes
 * {@link ProgramCode.Missing} with the reason, so that engines answer INCONCLUSIVE; code that is given but wrong
 * is a {@link ScenarioError} (exit 2), one line naming the scenario, the file, the symbol and the offset.
 */
public final class ResolvedScenarios {
    private static final CodeResolver RESOLVER = new KernelCodeResolver();

    private ResolvedScenarios() {}

    public static Scenario load(Path file) throws ScenarioError {
        return resolve(ScenarioLoader.load(file), file.toAbsolutePath().getParent());
    }

    /** Resolves the code of an already loaded scenario, reading relative paths from {@code dir}. */
    public static Scenario resolve(Scenario s, Path dir) throws ScenarioError {
        CodeSpec spec = s.codeSpec();
        if (spec == null) return s;
        try {
            return s.withCode(new ProgramCode.Resolved(RESOLVER.resolve(spec, dir)));
        } catch (CodeUnavailable e) {
            return s.withCode(ProgramCode.missing(e.getMessage()));
        } catch (BadCode e) {
            String field = e.file().startsWith("code.") ? e.file() : "code";
            String msg = e.file().startsWith("code.") ? e.getMessage() : e.file() + ": " + e.getMessage();
            throw new ScenarioError(s.file(), field, msg);
        }
    }
}
