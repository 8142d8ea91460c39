package org.kexecverify.emulator.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The external tools the QEMU ground truth needs: GNU binutils for AArch64 (Debian package
 * {@code binutils-aarch64-linux-gnu}) and {@code qemu-system-aarch64} (package {@code qemu-system-arm}).
 * Found on {@code PATH}; absent tools make the QEMU-backed tests skip with a stated reason.
 */
public record Toolchain(Path as, Path ld, Path objcopy, Path nm, Path qemu) {

    /** The tools, or empty if any one is missing from {@code PATH}. */
    public static Optional<Toolchain> find() {
        Optional<Path> as = onPath("aarch64-linux-gnu-as");
        Optional<Path> ld = onPath("aarch64-linux-gnu-ld");
        Optional<Path> objcopy = onPath("aarch64-linux-gnu-objcopy");
        Optional<Path> nm = onPath("aarch64-linux-gnu-nm");
        Optional<Path> qemu = onPath("qemu-system-aarch64");
        if (as.isEmpty() || ld.isEmpty() || objcopy.isEmpty() || nm.isEmpty() || qemu.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Toolchain(as.get(), ld.get(), objcopy.get(), nm.get(), qemu.get()));
    }

    /** True when binutils-aarch64-linux-gnu and qemu-system-aarch64 are both installed. */
    public static boolean available() {
        return find().isPresent();
    }

    /** One line naming what is missing, for test skip messages. */
    public static String missingReason() {
        if (onPath("qemu-system-aarch64").isEmpty()) {
            return "qemu-system-aarch64 not installed (apt-get install qemu-system-arm)";
        }
        return "aarch64-linux-gnu binutils not installed (apt-get install binutils-aarch64-linux-gnu)";
    }

    private static Optional<Path> onPath(String tool) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
