package org.kexecverify.emulator.qemu;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.programs.Program;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;

/**
 * Times a scenario's v5.16 relocation ({@code relocate_kernel_v5_16.S}: EL1, MMU on through the TTBR0 idmap and
 * the TTBR1 linear-map copy, {@code dc civac} per destination page, HVC_SOFT_RESTART into the new image at EL2)
 * inside {@code qemu-system-aarch64 -M virt,virtualization=on}, on the same plan memory and registers the
 * emulator's {@link ScenarioRun} prepares, so the two figures compare one program on one layout.
 *
 * <pre>
 *   ScenarioRun.prepare(plan)  -- plan memory: tables, entry list, struct kimage, control pages with the
 *        |                        relocation code and trans_pgd_stub_vectors, sources with the per-word pattern
 *        +--> one raw file per contiguous run of touched pages, -device loader,file=..,addr=PA
 *        +--> relocation_bench.S + params (the machine's EL1/EL2 registers, entry, x0) + verify list
 *             linked at the top of the scenario's RAM, -kernel wrapper.elf
 *   qemu: "B cntfrq"  CNTVCT, eret -> relocation at EL1 -> hvc -> kimage->start (trampoline) -> CNTVCT
 *         "T before after CurrentEL"   "V pages bad firstbad"   "D"
 * </pre>
 *
 * QEMU's virt board puts RAM at 0x40000000, as the bundled scenarios do; the scenario's RAM must start there and be
 * one range ({@code -m} is its size). Under TCG without {@code -icount} CNTVCT_EL0 follows the host's monotonic
 * clock, so the tick delta is the guest's relocation time in host seconds (translation included); the host-side
 * gap between the "B" and "T" lines is printed beside it as a cross-check. QEMU models no caches: the per-page
 * {@code dc civac} costs it an address check, not a write-back. After the QEMU runs the same plan is run as many
 * times on the emulator ({@link ScenarioRun}) and its instruction count and best wall time are printed beside.
 *
 * <pre>
 *   java -cp checker/target/kexec-verify.jar org.kexecverify.emulator.qemu.QemuRelocationBench [scenario.yaml] [runs]
 * </pre>
 */
public final class QemuRelocationBench {

    /** The timing wrapper (code, params, verify list) is linked this far below the end of the scenario's RAM. */
    private static final long WRAPPER_ROOM = 16L << 20;
    private static final Duration RUN_LIMIT = Duration.ofSeconds(180);

    private QemuRelocationBench() {
    }

    /**
     * One QEMU run: guest tick counts and host wall times.
     *
     * @param cntfrq        CNTFRQ_EL0 (Hz)
     * @param ticks         CNTVCT_EL0 after the hand-off minus before the eret into the relocation code
     * @param returnEl      CurrentEL (raw) at the trampoline: 8 = EL2
     * @param pagesChecked  destination pages compared with their sources after the run
     * @param badPages      destination pages that differ from their sources
     * @param firstBad      PA of the first differing destination word, 0 if none
     * @param bootNanos     host: QEMU start to the wrapper's first line (process start, loading the plan, boot)
     * @param relocationLineNanos host: between the wrapper's "B" and "T" lines (relocation plus UART latency)
     * @param totalNanos    host: QEMU start to exit
     */
    public record Measurement(long cntfrq, long ticks, long returnEl, long pagesChecked, long badPages, long firstBad,
                              long bootNanos, long relocationLineNanos, long totalNanos) {

        /** Guest relocation time from CNTVCT_EL0 / CNTFRQ_EL0. */
        public double relocationSeconds() {
            return (double) ticks / cntfrq;
        }

        /** Every checked destination page equals its source and the new image was entered at EL2. */
        public boolean ok() {
            return badPages == 0 && pagesChecked > 0 && returnEl == 8;
        }

        public String summary() {
            return String.format(Locale.ROOT, "relocation %.3f s (CNTVCT %,d ticks at %,d Hz), host B->T %.3f s, boot %.3f s, "
                            + "QEMU total %.3f s wall; returned at EL%d; verify %s: %d pages, %d differ%s",
                    relocationSeconds(), ticks, cntfrq, relocationLineNanos / 1e9, bootNanos / 1e9, totalNanos / 1e9,
                    returnEl >>> 2, badPages == 0 ? "OK" : "FAIL", pagesChecked, badPages,
                    badPages == 0 ? "" : String.format(" (first at 0x%x)", firstBad));
        }
    }

    /**
     * Loads a scenario file and builds its plan; a scenario that names no code runs the project's v5.16 program
     * (what this bench has always timed).
     */
    public static RelocationPlan plan(Path scenario) throws Exception {
        org.kexecverify.model.scenario.Scenario s = ScenarioLoader.load(scenario);
        if (s.code().get().isEmpty()) {
            s = s.withCode(new org.kexecverify.model.program.ProgramCode.Resolved(Program.UPSTREAM_V5_16.designCode()));
        }
        return ScenarioBuilders.build(s);
    }

    /**
     * Relocates {@code plan} once in QEMU (a fresh plan each call: the run's preparation writes into its memory).
     *
     * @throws ScenarioRun.Unsupported if the plan's code is not entered at EL1
     */
    public static Measurement run(Toolchain tools, RelocationPlan plan, Path workDir) throws ScenarioRun.Unsupported {
        return run(tools, plan, workDir, java.util.function.UnaryOperator.identity());
    }

    /** As {@link #run(Toolchain, RelocationPlan, Path)}, comparing the (destination, source) pairs {@code verify} returns. */
    static Measurement run(Toolchain tools, RelocationPlan plan, Path workDir,
                           java.util.function.UnaryOperator<List<KimageList.Copy>> verify) throws ScenarioRun.Unsupported {
        ScenarioRun run = ScenarioRun.prepare(plan, ScenarioRun.Options.DEFAULT.withCaches(ScenarioRun.InitialCaches.EMPTY));
        Machine m = run.machine();
        if (m.el() != 1) {
            throw new ScenarioRun.Unsupported("the QEMU relocation bench enters the relocation code at EL1; this plan starts at EL" + m.el());
        }
        PhysicalMemory pm = m.ram().physical();
        List<RamRange> ram = pm.ram();
        if (ram.size() != 1 || ram.get(0).base() != 0x4000_0000L) {
            throw new ScenarioRun.Unsupported("QEMU's virt board has one RAM range at 0x40000000; the scenario has " + ram);
        }
        long ramEnd = ram.get(0).base() + ram.get(0).size();
        long wrapperPa = ramEnd - WRAPPER_ROOM;
        List<Long> pfns = pm.touchedPages();
        Collections.sort(pfns);
        for (long pfn : pfns) {
            if ((pfn << 12) >= wrapperPa) {
                throw new ScenarioRun.Unsupported(String.format("plan page 0x%x lies in the last 16 MiB of RAM, where the timing wrapper goes", pfn << 12));
            }
        }
        long start = run.entry();
        long trampolinePa = -1;
        for (KimageList.Copy c : plan.list().copies()) {
            if (c.destination() == (start & KimageList.PAGE_MASK)) {
                trampolinePa = c.source() + (start & ~KimageList.PAGE_MASK);
            }
        }
        if (trampolinePa < 0) {
            throw new ScenarioRun.Unsupported(String.format("kimage->start 0x%x is in no destination page", start));
        }
        long[] params = {
            m.sysReg(SysRegId.HCR_EL2), m.sysReg(SysRegId.SCTLR_EL2), m.sysReg(SysRegId.TCR_EL2), m.sysReg(SysRegId.MAIR_EL2),
            m.sysReg(SysRegId.TTBR0_EL2), m.sysReg(SysRegId.VBAR_EL2),
            m.sysReg(SysRegId.SCTLR_EL1), m.sysReg(SysRegId.TCR_EL1), m.sysReg(SysRegId.MAIR_EL1),
            m.sysReg(SysRegId.TTBR0_EL1), m.sysReg(SysRegId.TTBR1_EL1), m.sysReg(SysRegId.VBAR_EL1),
            m.pc(), m.x(0), trampolinePa,
        };
        try {
            Path dir = Files.createTempDirectory(Files.createDirectories(workDir), "qbench");
            try {
                Path elf = buildWrapper(tools, dir, wrapperPa, params, verify.apply(plan.list().copies()));
                List<String> cmd = new ArrayList<>(List.of(tools.qemu().toString(),
                        "-M", "virt,virtualization=on", "-cpu", Cpu.CORTEX_A57.qemuName(), "-smp", "1",
                        "-m", (ram.get(0).size() >> 20) + "M", "-nographic", "-monitor", "none", "-nic", "none", "-kernel", elf.toString()));
                int runs = 0;
                for (int i = 0; i < pfns.size(); ) {
                    int j = i + 1;
                    while (j < pfns.size() && pfns.get(j) == pfns.get(j - 1) + 1) {
                        j++;
                    }
                    Path f = dir.resolve("pages" + runs++ + ".bin");
                    writePages(pm, pfns.subList(i, j), f);
                    cmd.add("-device");
                    cmd.add(String.format("loader,file=%s,addr=0x%x,force-raw=on", f, pfns.get(i) << 12));
                    i = j;
                }
                return boot(cmd);
            } finally {
                deleteTree(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("running the QEMU relocation bench", e);
        }
    }

    private static Path buildWrapper(Toolchain tools, Path dir, long pa, long[] params, List<KimageList.Copy> copies) throws IOException {
        StringBuilder src = new StringBuilder();
        try (InputStream in = QemuRelocationBench.class.getResourceAsStream("relocation_bench.S")) {
            if (in == null) {
                throw new IOException("missing resource relocation_bench.S");
            }
            src.append(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        }
        src.append("\n        .balign 8\nparams:\n");
        for (long p : params) {
            src.append(String.format("        .quad 0x%x%n", p));
        }
        src.append("verify_list:\n");
        for (KimageList.Copy c : copies) {
            src.append(String.format("        .quad 0x%x, 0x%x%n", c.destination(), c.source()));
        }
        src.append("verify_end:\n");
        Path s = dir.resolve("relocation_bench.S");
        Files.writeString(s, src, StandardCharsets.US_ASCII);
        Path obj = dir.resolve("relocation_bench.o");
        Path elf = dir.resolve("relocation_bench.elf");
        exec(List.of(tools.as().toString(), "-march=armv8-a", "-o", obj.toString(), s.toString()));
        exec(List.of(tools.ld().toString(), "--no-warn-rwx-segments", "-e", "_start", String.format("-Ttext=0x%x", pa),
                "-o", elf.toString(), obj.toString()));
        Map<String, Long> syms = new HashMap<>();
        for (String line : exec(List.of(tools.nm().toString(), elf.toString())).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                syms.put(f[2], Long.parseUnsignedLong(f[0], 16));
            }
        }
        Long end = syms.get("verify_end");
        if (end == null || end - pa > WRAPPER_ROOM) {
            throw new IllegalStateException("the timing wrapper does not fit in the last 16 MiB of RAM (ends at " + end + ")");
        }
        return elf;
    }

    private static void writePages(PhysicalMemory pm, List<Long> pfns, Path file) throws IOException {
        ByteBuffer page = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
            for (long pfn : pfns) {
                long[] words = pm.pageOrNull(pfn);
                page.clear();
                for (int i = 0; i < 512; i++) {
                    page.putLong(8 * i, words == null ? 0 : words[i]);
                }
                out.write(page.array());
            }
        }
    }

    private static Measurement boot(List<String> cmd) throws IOException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        BlockingQueue<long[]> stamps = new LinkedBlockingQueue<>();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII))) {
                for (String l; (l = r.readLine()) != null; ) {
                    lines.add(l);
                    stamps.add(new long[] {System.nanoTime(), lines.size() - 1});
                }
            } catch (IOException ignored) {
                // process killed
            }
        }, "qemu-bench-uart");
        reader.setDaemon(true);
        reader.start();
        try {
            long tBoot = -1;
            long tTime = -1;
            String b = null;
            String t = null;
            String v = null;
            long deadline = t0 + RUN_LIMIT.toNanos();
            while (true) {
                long[] st = stamps.poll(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
                if (st == null) {
                    if (!p.isAlive() || System.nanoTime() >= deadline) {
                        throw new IllegalStateException("QEMU " + (p.isAlive() ? "silent for " + RUN_LIMIT.toSeconds() + " s" : "exited")
                                + " before the wrapper finished; output: " + lines + "\n  " + String.join(" ", cmd.subList(0, Math.min(cmd.size(), 16))));
                    }
                    continue;
                }
                String l = lines.get((int) st[1]).trim();
                if (l.startsWith("B ")) {
                    tBoot = st[0];
                    b = l;
                } else if (l.startsWith("T ")) {
                    tTime = st[0];
                    t = l;
                } else if (l.startsWith("V ")) {
                    v = l;
                } else if (l.equals("D")) {
                    break;
                }
            }
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("QEMU did not power off after the wrapper's PSCI SYSTEM_OFF");
            }
            long tEnd = System.nanoTime();
            if (b == null || t == null || v == null) {
                throw new IllegalStateException("wrapper output incomplete: " + lines);
            }
            String[] tf = t.split(" ");
            String[] vf = v.split(" ");
            long before = hex(tf[1]);
            long after = hex(tf[2]);
            return new Measurement(hex(b.split(" ")[1]), after - before, hex(tf[3]), hex(vf[1]), hex(vf[2]), hex(vf[3]),
                    tBoot - t0, tTime - tBoot, tEnd - t0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while QEMU ran", e);
        } finally {
            p.destroyForcibly();
        }
    }

    private static long hex(String s) {
        return Long.parseUnsignedLong(s, 16);
    }

    private static String exec(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", cmd));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", cmd), e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd.get(0) + " failed (exit " + p.exitValue() + "): " + text);
        }
        return text;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Path scenario = Path.of(args.length > 0 ? args[0] : "scenarios/upstream-el2.yaml");
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        var tools = Toolchain.find();
        if (tools.isEmpty()) {
            System.out.println("SKIPPED: " + Toolchain.missingReason());
            System.exit(3);
            return;
        }
        Path work = Path.of(System.getProperty("java.io.tmpdir"), "kexec-verify-qbench");
        Measurement best = null;
        long bestTotal = Long.MAX_VALUE;
        long bestBoot = Long.MAX_VALUE;
        for (int i = 1; i <= runs; i++) {
            RelocationPlan plan = plan(scenario);
            if (i == 1) {
                System.out.printf(Locale.ROOT, "scenario %s: %d pages relocated (%.1f MiB), QEMU %s -M virt,virtualization=on -cpu %s, TCG%n",
                        scenario, plan.list().copies().size(), plan.list().copies().size() / 256.0, tools.get().qemu(), Cpu.CORTEX_A57.qemuName());
            }
            Measurement r = run(tools.get(), plan, work);
            System.out.println("run " + i + ": " + r.summary());
            if (!r.ok()) {
                System.out.println("FAILED: the relocation in QEMU did not produce the sources at their destinations");
                System.exit(1);
                return;
            }
            if (best == null || r.ticks() < best.ticks()) {
                best = r;
            }
            bestTotal = Math.min(bestTotal, r.totalNanos());
            bestBoot = Math.min(bestBoot, r.bootNanos());
        }
        System.out.printf(Locale.ROOT, "best: relocation %.3f s (CNTVCT; host B->T %.3f s in that run), QEMU total %.3f s wall, boot %.3f s%n",
                best.relocationSeconds(), best.relocationLineNanos() / 1e9, bestTotal / 1e9, bestBoot / 1e9);
        emulatorBeside(scenario, runs);
    }

    /** The same plan on the emulator (ScenarioRun), for the figure beside QEMU's. */
    private static void emulatorBeside(Path scenario, int runs) throws Exception {
        long bestNanos = Long.MAX_VALUE;
        long retired = 0;
        for (int i = 1; i <= runs; i++) {
            ScenarioRun run = ScenarioRun.prepare(plan(scenario));
            long t0 = System.nanoTime();
            ScenarioRun.Outcome o = run.run(10_000_000_000L);
            long t = System.nanoTime() - t0;
            if (!o.clean() || !(o.result() instanceof org.kexecverify.emulator.cpu.RunResult.Completed c)) {
                System.out.println("emulator FAILED: " + o.summary());
                System.exit(1);
                return;
            }
            retired = c.retired();
            bestNanos = Math.min(bestNanos, t);
        }
        System.out.printf(Locale.ROOT, "emulator, same plan: %,d instructions, best %.3f s wall of %d runs (%.1f M instructions/s)%n",
                retired, bestNanos / 1e9, runs, retired / (bestNanos / 1e9) / 1e6);
    }
}
