package org.kexecverify.kernels;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

import org.kexecverify.kernels.KernelCodeResolver;
import org.kexecverify.model.program.CodeResolver;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.DesignCode;

/**
 * Linux's own relocation code for a test, through the project's resolver: Debian bookworm's 6.1 or trixie's 6.12
 * ({@code code: {kernel: debian-bookworm}}), fetched and built on first use, cached under the user's cache directory,
 * never committed. Where it cannot be had here (no network, no cross compiler) the test is skipped with the
 * resolver's reason.
 */
public final class LinuxBuild {
    private LinuxBuild() {}

    public static final String ENTRY = "arm64_relocate_new_kernel";
    public static final String VECTORS = "trans_pgd_stub_vectors";

    /** The code of Debian's {@code version} kernel ("6.1": bookworm, "6.12": trixie), or the test is skipped. */
    public static DesignCode code(String version) {
        String suite = switch (version) {
            case "6.1" -> "bookworm";
            case "6.12" -> "trixie";
            default -> throw new IllegalArgumentException("no Debian suite ships Linux " + version);
        };
        CodeSpec spec = new CodeSpec(new CodeSpec.DebianKernel(suite), ENTRY, VECTORS, new CodeSpec.FromCode(), null);
        try {
            DesignCode c = new KernelCodeResolver().resolve(spec, Path.of("."));
            assumeTrue(c.kernelVersion().startsWith(version + "."), "Debian " + suite + " resolved to Linux " + c.kernelVersion());
            return c;
        } catch (CodeResolver.CodeUnavailable e) {
            assumeTrue(false, "Linux " + version + " relocation code cannot be had here: " + e.getMessage());
            throw new AssertionError();
        } catch (CodeResolver.BadCode e) {
            throw new AssertionError(e.file() + ": " + e.getMessage(), e);
        }
    }
}
