package org.kexecverify.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.kexecverify.kernels.debian.DebianArchive;
import org.kexecverify.model.program.ArmImage;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.scenario.Scenario;

/**
 * Shared by the real-kernel tier: resolves {@code kernel: <suite>} through {@link ResolvedScenarios} (fetching and
 * building on first use) and looks for the bytes in Debian's Image independently of the build's own check.
 * The tier fails when the code cannot be had, unless {@code KEXEC_VERIFY_OFFLINE=1} says this machine has no archive.
 */
final class DebianKernelTier {
    private DebianKernelTier() {}

    static DesignCode resolve(Path dir, String suite, String version) throws Exception {
        Path f = dir.resolve(suite + ".yaml");
        Files.writeString(f, withoutCode(Files.readString(Path.of("../scenarios/upstream-el2.yaml"))) + "\ncode:\n  kernel: " + suite
                + "\n  entry: arm64_relocate_new_kernel\n  vectors: trans_pgd_stub_vectors\n  version: \"" + version + "\"\n");
        Scenario s = ResolvedScenarios.load(f);
        if (s.code() instanceof ProgramCode.Missing m) {
            Assumptions.assumeFalse("1".equals(System.getenv("KEXEC_VERIFY_OFFLINE")), "offline: " + m.reason());
        }
        assertInstanceOf(ProgramCode.Resolved.class, s.code(), "kernel: " + suite + " not resolved: " + s.code().reason());
        return s.code().get().orElseThrow();
    }

    /** Debian's /boot/vmlinuz-* of the image package named in the kernel version, read from the cached .deb. */
    static ArmImage debianImage(DesignCode c, String suite, Path dir) throws Exception {
        Matcher m = Pattern.compile("\\((linux-image-\\S+)\\)").matcher(c.kernelVersion());
        assertTrue(m.find(), "no image package in " + c.kernelVersion());
        Path deb = new DebianArchive(DebianArchive.Suite.of(suite), "arm64").download(m.group(1));
        Path into = dir.resolve("image");
        DebianArchive.extract(deb, into, List.of("./boot/vmlinuz-*"));
        try (Stream<Path> s = Files.list(into.resolve("boot"))) {
            Path img = s.findFirst().orElseThrow();
            return ArmImage.parse(img.toString(), Files.readAllBytes(img));
        }
    }

    static void occursOnce(ArmImage img, DesignCode.Blob b) {
        List<Long> at = img.find(b.bytes());
        assertEquals(1, at.size(), b.name() + " (" + b.size() + " bytes, sha256 " + b.sha256() + ") occurs at " + at + " in " + img.file());
    }

    static int count(DesignCode.Blob b, int word, int mask) {
        int n = 0;
        for (int off = 0; off < b.size(); off += 4) {
            if ((b.word(off) & mask) == word) n++;
        }
        return n;
    }


    /** The bundled scenario's text without its own code: section (the test names the code). */
    static String withoutCode(String yaml) {
        int code = yaml.indexOf("\ncode:");
        return code < 0 ? yaml : yaml.substring(0, code + 1);
    }
}
