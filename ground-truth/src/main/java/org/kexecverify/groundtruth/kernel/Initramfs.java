package org.kexecverify.groundtruth.kernel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The two initramfs archives of a run, built from a {@link GuestPackages}:
 *
 * <pre>
 *   stage1.cpio   /init (below)  /bin/busybox (+ sh; the other applets linked by "busybox --install" at boot)
 *                 /sbin/kexec  /lib/ld-linux-aarch64.so.1  /lib/aarch64-linux-gnu/*.so.*   (kexec's DT_NEEDED closure)
 *                 /Image (the same kernel)  /stage2.cpio  /append2 (the second kernel's command line)
 *   stage2.cpio   /init  /bin/busybox (+ sh)
 * </pre>
 *
 * Every line the harness reads starts with {@code KV1:} (first kernel's userspace) or {@code KV2:} (second's);
 * {@code SECOND KERNEL UP} is the last line of a good run. Stage 1 prints the kallsyms lines of {@link #SYMBOLS}
 * (addresses are real: {@code nokaslr}) and kexec-tools' placement ({@code kexec -d}) before {@code kexec -e}.
 * While stage 1's userspace works (a grep of /proc/kallsyms or {@code kexec -l} can take minutes under TCG on a busy
 * host) it prints {@link #ALIVE} every few guest seconds, so that "no console output" means a guest that stopped, not
 * a slow one; the heartbeat is stopped before {@code kexec -e}.
 */
public final class Initramfs {
    /** Symbols stage 1 prints from /proc/kallsyms (as {@code KV1: KSYM <addr> <type> <name>}). */
    public static final List<String> SYMBOLS = List.of("machine_kexec", "arm64_relocate_new_kernel", "__relocate_new_kernel_start",
            "__relocate_new_kernel_end", "trans_pgd_stub_vectors", "__hyp_stub_vectors", "cpu_soft_restart", "_text", "_stext");

    /** The heartbeat line of stage 1's userspace. */
    public static final String ALIVE = "KV1: ALIVE";

    /** Kernel log lines that say at which EL a kernel started and whether it runs with VHE. */
    static final String EL_LINES = "started at EL|VHE|Virtualization Host|Hyp mode|nVHE|Linux version|Machine model";

    private Initramfs() {
    }

    static String stage1Init() {
        String syms = String.join("|", SYMBOLS);
        return """
                #!/bin/sh
                /bin/busybox mount -t proc proc /proc
                /bin/busybox --install -s /bin
                mount -t sysfs sysfs /sys
                mount -t devtmpfs devtmpfs /dev 2>/dev/null
                echo "KV1: USERSPACE"
                ( while :; do sleep 5; echo "%s"; done ) &
                beat=$!
                dmesg | grep -E '%s' | sed 's/^/KV1: DMESG /'
                grep -E ' (%s)$|relocate_new_kernel|kexec_relocate' /proc/kallsyms | head -n 40 | sed 's/^/KV1: KSYM /'
                echo "KV1: LOAD"
                LD_LIBRARY_PATH=/lib/aarch64-linux-gnu /sbin/kexec -d -l /Image --initrd=/stage2.cpio --append="$(cat /append2)" >/kexec.log 2>&1
                rc=$?
                grep -E 'segment|entry|sym:|kernel:|initrd:|dtb:|purgatory|_offset|memsz' /kexec.log | head -n 40 | sed 's/^/KV1: KEXEC /'
                if [ $rc -ne 0 ] || [ "$(cat /sys/kernel/kexec_loaded)" != 1 ]; then
                  tail -n 6 /kexec.log | sed 's/^/KV1: LOAD_FAILED /'
                  dmesg | tail -n 6 | sed 's/^/KV1: LOAD_FAILED dmesg: /'
                  echo "KV1: LOAD_FAILED rc=$rc"
                  poweroff -f
                fi
                kill $beat
                wait $beat 2>/dev/null
                echo "KV1: KEXEC_E"
                kexec -e
                echo "KV1: KEXEC_E_RETURNED rc=$?"
                poweroff -f
                """.formatted(ALIVE, EL_LINES, syms);
    }

    static String stage2Init() {
        return """
                #!/bin/sh
                /bin/busybox mount -t proc proc /proc
                /bin/busybox --install -s /bin
                echo "KV2: USERSPACE"
                dmesg | grep -E '%s' | sed 's/^/KV2: DMESG /'
                echo "SECOND KERNEL UP"
                poweroff -f
                """.formatted(EL_LINES);
    }

    /** Writes {@code stage1.cpio} (which holds stage 2) into {@code dir}; returns its path. */
    public static Path build(GuestPackages g, String secondCmdline, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path stage2 = dir.resolve("stage2.cpio");
        Cpio s2 = base(g);
        s2.text("init", stage2Init(), 0755);
        s2.writeTo(stage2);

        Cpio s1 = base(g);
        s1.text("init", stage1Init(), 0755);
        s1.file("sbin/kexec", g.kexec(), 0755);
        for (Map.Entry<String, Path> l : new java.util.TreeMap<>(g.libraries()).entrySet()) {
            s1.file(l.getKey(), l.getValue(), 0755);
        }
        s1.file("Image", g.image(), 0644);
        s1.file("stage2.cpio", stage2, 0644);
        s1.text("append2", secondCmdline + "\n", 0644);
        Path stage1 = dir.resolve("stage1.cpio");
        s1.writeTo(stage1);
        return stage1;
    }

    private static Cpio base(GuestPackages g) {
        Cpio c = new Cpio();
        for (String d : List.of("bin", "sbin", "usr/bin", "usr/sbin", "proc", "sys", "dev", "tmp", "lib", "root")) c.dir(d);
        c.file("bin/busybox", g.busybox(), 0755);
        c.symlink("bin/sh", "busybox");
        c.charDevice("dev/console", 5, 1);
        return c;
    }
}
