package org.kexecverify.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.kexecverify.groundtruth.kernel.CaptureAtRelocation;
import org.kexecverify.groundtruth.kernel.GuestCpu;
import org.kexecverify.groundtruth.kernel.RealKernelRun;
import org.kexecverify.groundtruth.kernel.RelocationState;
import org.kexecverify.groundtruth.kernel.StopAtRelocation;
import org.kexecverify.kernels.KernelCodeResolver;
import org.kexecverify.kernels.debian.DebianArchive.Suite;
import org.kexecverify.model.capture.Capture;
import org.kexecverify.model.capture.CapturedFormat;
import org.kexecverify.model.capture.CapturedPlan;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.program.CodeResolver;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.reg.SysReg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code capture}: boots a real kernel at EL2 in QEMU, runs {@code kexec -l} + {@code kexec -e}, stops at the first
 * instruction of the relocation code and writes what the kernel set up there as a captured scenario (README.md,
 * "Captured scenarios").
 *
 * <pre>
 *   code: section's build (KernelCodeResolver) --+
 *   RealKernelRun + StopAtRelocation + CaptureAtRelocation (gdbstub) --> registers, pages, list, hashes
 *        --> code pages checked against the build, kept by reference --> CapturedFormat.write --> FILE
 * </pre>
 */
@Command(name = "capture", description = "Boot a kernel at EL2 in QEMU, kexec, stop at the relocation entry and write the state as a captured "
        + "scenario (exit 0 written, 2 bad usage, 3 the run did not reach the relocation code).")
public final class CaptureCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--suite", defaultValue = "bookworm", description = "Debian suite of the kernel: bookworm (6.1) or trixie (6.12) (default: ${DEFAULT-VALUE})")
    String suite;

    @Option(names = "--cpu", defaultValue = "cortex-a57", description = "QEMU CPU: cortex-a57 (no VHE), max (VHE), max,lpa2=off (default: ${DEFAULT-VALUE})")
    String cpu;

    @Option(names = "--out", required = true, description = "the scenario file to write")
    Path out;

    @Option(names = "--name", description = "scenario name (default: captured-SUITE-CPU)")
    String name;

    @Option(names = "--with-sources", description = "keep the source pages by value too (large: the whole kernel and initramfs)")
    boolean withSources;

    @Override
    public Integer call() throws IOException {
        PrintWriter w = spec.commandLine().getOut();
        Suite s;
        try {
            s = Suite.valueOf(suite.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadInput("--suite: unknown suite '" + suite + "' (known: bookworm, trixie)");
        }
        GuestCpu c;
        try {
            c = GuestCpu.of(cpu);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--cpu: " + e.getMessage());
        }
        CodeSpec codeSpec = new CodeSpec(new CodeSpec.DebianKernel(s.codename()), "arm64_relocate_new_kernel", "trans_pgd_stub_vectors",
                new CodeSpec.FromCode(), null);
        DesignCode code;
        try {
            code = new KernelCodeResolver().resolve(codeSpec, Path.of("."));
        } catch (CodeResolver.CodeUnavailable | CodeResolver.BadCode e) {
            w.println("capture: INCONCLUSIVE: the code the capture must be checked against cannot be had: " + e.getMessage());
            return ExitCode.INCONCLUSIVE;
        }
        CaptureAtRelocation cap = new CaptureAtRelocation(withSources, false);
        StopAtRelocation.Result r = StopAtRelocation.run(s, c, RealKernelRun.Options.defaults(), cap);
        if (r.state() == null || cap.captured() == null) {
            w.println("capture: INCONCLUSIVE: " + (r.state() == null ? "the run did not reach the relocation code: "
                    : "the capture at the relocation code failed: " + cap.failure() + "\n") + r.describe());
            return ExitCode.INCONCLUSIVE;
        }
        String text;
        try {
            text = write(cap.captured(), r, code, s, c, name == null ? "captured-" + s.codename() + "-" + c.qemuCpu().replace(',', '-') : name,
                    withSources);
        } catch (IllegalStateException e) {
            w.println("capture: INCONCLUSIVE: " + e.getMessage());
            return ExitCode.INCONCLUSIVE;
        }
        Path tmp = out.toAbsolutePath().resolveSibling(out.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        w.printf("capture: %s written (%,d bytes, %d pages) in %s; run: %s%n", out, text.length(), cap.captured().pages().size(),
                r.run().wall(), r.run().outcome());
        return ExitCode.PROVED;
    }

    /** image_size of the Image header (+16) of the suite's kernel package (the header in memory may be gone after boot). */
    static long imageSize(Suite s) {
        try {
            byte[] h = new byte[64];
            try (java.io.InputStream in = Files.newInputStream(org.kexecverify.groundtruth.kernel.GuestPackages.fetch(s).image())) {
                if (in.readNBytes(h, 0, 64) != 64) throw new IllegalStateException("the kernel Image is shorter than its header");
            }
            java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(h).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            if (b.getInt(56) != 0x644d5241) throw new IllegalStateException("the kernel package's Image has no arm64 header");
            return b.getLong(16);
        } catch (IOException | org.kexecverify.kernels.debian.DebianArchive.Unavailable e) {
            throw new IllegalStateException("the kernel Image's header: " + e.getMessage());
        }
    }

    /** The scenario text of a capture: the code pages checked against {@code code} and kept by reference. */
    public static String write(CaptureAtRelocation.Captured cd, StopAtRelocation.Result r, DesignCode code, Suite s, GuestCpu c, String name,
                               boolean sourcesByValue) {
        long imageSize = cd.imageSize() != 0 ? cd.imageSize() : imageSize(s);
        RelocationState st = cd.state();
        Map<String, Long> arch = st.arch();
        String pkg = r.run().kernel().name();
        String version = r.run().kernel().version();
        List<Capture.CodeRef> refs = new ArrayList<>();
        DesignCode.Blob entry = code.entry();
        long kernReloc = arch.get("kern_reloc");
        int at = (int) (kernReloc & 0xfff) - entry.entryOffset();
        if (at < 0 || !Arrays.equals(Arrays.copyOfRange(cd.codePage(), at, at + entry.size()), entry.bytes())) {
            throw new IllegalStateException(String.format("the control page at 0x%x does not hold %s of %s: kernel code is never kept by value",
                    kernReloc & ~0xfffL, entry.name(), code.kernelVersion()));
        }
        refs.add(new Capture.CodeRef(Capture.CodeRef.CODE, kernReloc & ~0xfffL, pkg, version, entry.name(), 0, entry.size(),
                CapturedPlan.sha256(entry.bytes())));
        long el2v = arch.get("el2_vectors");
        if (el2v != 0) {
            DesignCode.Blob v = code.vectors().orElseThrow(() -> new IllegalStateException("the build names no trans_pgd_stub_vectors"));
            byte[] want = Arrays.copyOfRange(v.bytes(), v.entryOffset(), v.entryOffset() + 0x800);
            int vat = (int) (el2v & 0xfff);
            if (!Arrays.equals(Arrays.copyOfRange(cd.vectorPage(), vat, vat + 0x800), want)) {
                throw new IllegalStateException(String.format("the EL2 vector page at 0x%x does not hold %s of %s", el2v, v.name(), code.kernelVersion()));
            }
            refs.add(new Capture.CodeRef(Capture.CodeRef.VECTORS, el2v & ~0xfffL, pkg, version, v.name(), v.entryOffset(), 0x800, CapturedPlan.sha256(want)));
        }
        TreeMap<Long, long[]> pages = new TreeMap<>();
        List<Long> zero = new ArrayList<>();
        Map<Long, String> notes = new LinkedHashMap<>(cd.notes());
        Map<Long, long[]> all = new TreeMap<>(cd.pages());
        for (Map.Entry<Long, long[]> e : sourcesByValue ? cd.sources().entrySet() : Map.<Long, long[]>of().entrySet()) {
            all.putIfAbsent(e.getKey(), e.getValue());
            notes.putIfAbsent(e.getKey(), "source page (--with-sources)");
        }
        for (Map.Entry<Long, long[]> e : all.entrySet()) {
            if (refs.stream().anyMatch(x -> x.pa() == e.getKey())) continue;
            if (Arrays.stream(e.getValue()).allMatch(v -> v == 0)) zero.add(e.getKey());
            else pages.put(e.getKey(), e.getValue());
        }
        long[] slot = org.kexecverify.groundtruth.kernel.CaptureAtRelocation.wordsOf(cd.kimageSlot());
        Capture.Kimage k = new Capture.Kimage(st.kimage(), cd.kimagePa(), CaptureAtRelocation.KIMAGE_SLOT, cd.head(), slot[3], arch.get("dtb_mem"),
                kernReloc, el2v, arch.get("ttbr0"), arch.get("ttbr1"), arch.get("zero_page"), arch.get("phys_offset"), arch.get("t0sz"));
        Capture.Header h = new Capture.Header("the machine at the first instruction of the relocation code (kimage->arch.kern_reloc) after kexec -e",
                s.codename(), pkg, version, c.qemuCpu(), r.run().qemuCommand(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                "kexec-verify capture (StopAtRelocation + CaptureAtRelocation through QEMU's gdbstub)");
        Capture capture = new Capture(h, st.pc(), st.cpsr(), st.sp(), st.x(), st.sysregs(), k, refs, cd.sourceHashes(), pages, zero, notes);

        Map<String, Long> regs = new LinkedHashMap<>();
        Map<String, String> qemuName = new LinkedHashMap<>();
        for (SysReg sr : SysReg.values()) qemuName.put(sr.name(), sr.name());
        qemuName.put("SCTLR_EL1", "SCTLR");
        qemuName.put("VBAR_EL1", "VBAR");
        for (String m : List.of("SCTLR_EL1", "TCR_EL1", "MAIR_EL1", "TTBR0_EL1", "TTBR1_EL1", "VBAR_EL1", "SCTLR_EL2", "TCR_EL2", "MAIR_EL2",
                "TTBR0_EL2", "TTBR1_EL2", "VBAR_EL2", "HCR_EL2", "ID_AA64MMFR0_EL1", "CTR_EL0")) {
            Long v = st.sysreg(qemuName.get(m));
            if (v != null) regs.put(m, v);
        }
        regs.put("CURRENTEL", st.cpsr() & 0xc);
        boolean e2h = ((st.sysregs().getOrDefault("HCR_EL2", 0L) >>> 34) & 1) != 0;
        List<long[]> runs = new ArrayList<>();
        for (Capture.SourceHash sh : cd.sourceHashes()) runs.add(new long[] {sh.destination(), sh.pages() * 4096});
        long lowest = Long.MAX_VALUE;
        for (KimageList.Copy cp : cd.copies()) lowest = Math.min(lowest, cp.source());
        for (long p : cd.indirection()) lowest = Math.min(lowest, p);
        String vecSym = c.vhe() ? "VBAR_EL2" : "VBAR";
        CapturedFormat.Head head = new CapturedFormat.Head(name,
                String.format("Captured from %s %s booted at EL2 on QEMU -cpu %s (%s): the state at kimage->arch.kern_reloc", pkg, version, c.qemuCpu(),
                        e2h ? "VHE, relocation at EL2" : "no VHE, relocation at EL1"),
                e2h ? "el2h" : "el2", regs, List.of(new RamRange(CaptureAtRelocation.RAM_BASE, CaptureAtRelocation.RAM_SIZE)), runs,
                kernReloc & ~0xfffL, lowest, cd.kimagePa(), cd.textPa(), (imageSize + 0xfff) & ~0xfffL, cd.hypStubPa(), st.sysreg(vecSym),
                List.of("kernel: " + s.codename() + "            # the build the code pages are checked against (SHA-256) and read from",
                        "entry: arm64_relocate_new_kernel", "vectors: trans_pgd_stub_vectors"));
        return CapturedFormat.write(head, capture);
    }
}
