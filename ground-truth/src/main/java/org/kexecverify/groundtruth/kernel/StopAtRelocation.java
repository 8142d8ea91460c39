package org.kexecverify.groundtruth.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * Stops a real kexec at the first instruction of the relocation code and reads the machine there.
 *
 * <pre>
 *   first kernel /init prints kallsyms ("KV1: KSYM ...", nokaslr: the addresses it runs at), then "KV1: LOAD"
 *     -> connect to the gdbstub (machine stops), Z1 machine_kexec, continue
 *   kexec -e -> machine_kexec(kimage): stop; x0 = struct kimage (VA)
 *     -> read struct kimage; arch.kern_reloc = the field holding the PA of a copy of arm64_relocate_new_kernel
 *     -> z1 machine_kexec, Z1 kern_reloc, continue
 *   machine_kexec: cpu_install_ttbr0(arch.ttbr0) (the relocation page, identity mapped), kern_reloc(kimage): stop
 *     -> registers, CPSR (CurrentEL), system registers, the control page (physical)
 *     -> the caller's {@link AtRelocation} (fault injection: later), then detach: the run goes on to its outcome
 * </pre>
 *
 * 6.1 and 6.12 do not go through {@code cpu_soft_restart} here (that is only for an image already in place,
 * head & IND_DONE); without VHE the code runs at EL1 (EL2 holds the copied {@code trans_pgd_stub_vectors}), with
 * VHE at EL2 (HCR_EL2.E2H = TGE = 1), the MMU on in both.
 */
public final class StopAtRelocation {
    /** What to do at the stop, before the machine goes on (fault injection). */
    @FunctionalInterface
    public interface AtRelocation {
        void at(RelocationState state, GdbRemote gdb) throws IOException;
    }

    /**
     * @param run     the whole run, to its outcome
     * @param state   the machine at kern_reloc, or null when it was not reached
     * @param failure why the stop was not reached (empty when it was)
     */
    public record Result(RunResult run, RelocationState state, String failure) {
        public String describe() {
            return (state == null ? "no stop at kern_reloc: " + failure + "\n" : state.toString()) + run.describe();
        }
    }

    /** The struct kimage offset of arch.kern_reloc in Linux 6.1 (asm-offsets); other kernels are searched. */
    static final int KERN_RELOC_6_1 = 656;

    private StopAtRelocation() {
    }

    public static Result run(Suite suite, GuestCpu cpu) {
        return run(suite, cpu, RealKernelRun.Options.defaults(), (s, g) -> { });
    }

    public static Result run(Suite suite, GuestCpu cpu, RealKernelRun.Options options, AtRelocation at) {
        RelocationState[] state = {null};
        String[] failure = {"the first kernel never printed its symbols"};
        RunResult run = RealKernelRun.run(suite, cpu, options, session -> {
            try {
                state[0] = stop(session, at);
                failure[0] = "";
            } catch (IOException | RuntimeException e) {
                failure[0] = e.getMessage();
                throw e;
            }
        });
        return new Result(run, state[0], failure[0]);
    }

    private static boolean plausibleKernReloc(long v) {
        return v != 0 && (v & 0xfff) == 0 && v >>> 48 == 0;
    }

    /** The struct kimage field whose value is a physical address holding {@code code}, or -1. */
    private static int findKernReloc(GdbRemote gdb, ByteBuffer kb, byte[] code) throws IOException {
        List<Integer> offsets = new ArrayList<>(List.of(KERN_RELOC_6_1));
        for (int o = 8; o + 6 * 8 < kb.limit(); o += 8) if (o != KERN_RELOC_6_1) offsets.add(o);
        gdb.physicalMemory(true);
        try {
            for (int o : offsets) {
                long v = kb.getLong(o);
                if (!plausibleKernReloc(v)) continue;
                try {
                    if (Arrays.equals(gdb.readMemory(v, 16), Arrays.copyOf(code, 16))) return o;
                } catch (IOException notRam) {
                    // not a RAM address: not the field
                }
            }
            return -1;
        } finally {
            gdb.physicalMemory(false);
        }
    }

    /**
     * Where the control page's code sits in the kernel Image (6.1's kallsyms does not name
     * arm64_relocate_new_kernel): the longest prefix of the page found there (4-byte aligned, at least 64 bytes);
     * empty when the page's first 64 bytes are not in the Image.
     */
    static byte[] inImage(Path image, byte[] page) throws IOException {
        byte[] img = Files.readAllBytes(image);
        byte[] head = Arrays.copyOf(page, 64);
        for (int i = 0; i + 64 <= img.length; i += 4) {
            if (img[i] != head[0] || !Arrays.equals(img, i, i + 64, head, 0, 64)) continue;
            int n = 64;
            while (n < page.length && i + n < img.length && img[i + n] == page[n]) n++;
            return Arrays.copyOfRange(img, i, i + (n & ~3));
        }
        return new byte[0];
    }

    private static RelocationState stop(RealKernelRun.Session s, AtRelocation at) throws IOException {
        Map<String, Long> sym = s.symbols();
        Long mk = sym.get("machine_kexec");
        Long reloc = sym.get("arm64_relocate_new_kernel");
        Long relocEnd = sym.get("__relocate_new_kernel_end");
        if (mk == null) throw new IOException("kallsyms did not give machine_kexec: " + sym);
        s.hold(true);
        try (GdbRemote gdb = GdbRemote.connect(s.gdbSocket(), Duration.ofSeconds(20))) {
            // the kernel's own relocation code, when kallsyms names it (6.12 does, 6.1 does not)
            byte[] code = reloc == null ? null
                    : gdb.readMemory(reloc, relocEnd != null && relocEnd > reloc && relocEnd - reloc < 4096 ? (int) (relocEnd - reloc) : 256);
            gdb.insertHardwareBreakpoint(mk);
            s.progress("gdbstub: breakpoint on machine_kexec 0x" + Long.toHexString(mk));
            s.hold(false);
            String stop = gdb.resume(Duration.ofMinutes(15));
            s.hold(true);
            long pc = gdb.readRegister("pc");
            if (pc != mk) throw new IOException("stopped at 0x" + Long.toHexString(pc) + " (" + stop + "), not machine_kexec");
            gdb.removeHardwareBreakpoint(mk);
            long kimage = gdb.readRegister("x0");
            byte[] k = gdb.readMemory(kimage, 1024);
            ByteBuffer kb = ByteBuffer.wrap(k).order(ByteOrder.LITTLE_ENDIAN);
            int off = code == null ? KERN_RELOC_6_1 : findKernReloc(gdb, kb, code);
            if (off < 0 || !plausibleKernReloc(kb.getLong(off))) {
                throw new IOException("no field of struct kimage at 0x" + Long.toHexString(kimage) + " points at a copy of the relocation code"
                        + (code == null ? " (+" + KERN_RELOC_6_1 + " holds 0x" + Long.toHexString(kb.getLong(KERN_RELOC_6_1)) + ")" : ""));
            }
            Map<String, Long> arch = new LinkedHashMap<>();
            for (int i = 0; i < RelocationState.ARCH_FIELDS.size(); i++) {
                arch.put(RelocationState.ARCH_FIELDS.get(i), kb.getLong(off - 8 + 8 * i));
            }
            long kernReloc = arch.get("kern_reloc");
            gdb.physicalMemory(false);
            gdb.insertHardwareBreakpoint(kernReloc);
            s.progress(String.format("gdbstub: machine_kexec(kimage 0x%x); kern_reloc (struct kimage +%d) = 0x%x: breakpoint there", kimage, off,
                    kernReloc));
            s.hold(false);
            stop = gdb.resume(Duration.ofMinutes(2));
            s.hold(true);
            pc = gdb.readRegister("pc");
            gdb.removeHardwareBreakpoint(kernReloc);
            List<Long> x = new ArrayList<>();
            for (int i = 0; i <= 30; i++) x.add(gdb.readRegister("x" + i));
            long cpsr = gdb.readRegister("cpsr");
            long sp = gdb.readRegister("sp");
            Map<String, Long> sysregs = new LinkedHashMap<>();
            for (GdbRemote.Register r : gdb.registers().values()) {
                if (r.bits() > 64 || r.feature().contains("core") || r.feature().contains("fpu") || r.feature().contains("sve")) continue;
                try {
                    sysregs.put(r.name(), gdb.readRegister(r.name()));
                } catch (IOException unreadable) {
                    // listed but not readable in this state
                }
            }
            gdb.physicalMemory(true);
            byte[] page = gdb.readMemory(kernReloc, 4096);
            gdb.physicalMemory(false);
            if (code == null) code = inImage(s.image(), page);
            byte[] placed = Arrays.copyOf(page, code.length);
            RelocationState st = new RelocationState(s.suite(), s.cpu(), s.kernel(), mk, kimage, off, arch, pc, cpsr, sp, x, sysregs,
                    code.length > 0 && Arrays.equals(placed, code), placed, sym);
            s.progress(String.format("gdbstub: stopped at 0x%x (%s), CurrentEL %d, x0 0x%x; %d system registers read", pc, stop, st.currentEl(),
                    x.get(0), sysregs.size()));
            at.at(st, gdb);
            gdb.detach();
            return st;
        } finally {
            s.hold(false);
        }
    }
}
