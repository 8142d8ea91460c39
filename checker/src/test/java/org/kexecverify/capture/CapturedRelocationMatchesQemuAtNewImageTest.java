package org.kexecverify.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.kexecverify.cli.CaptureCommand;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.groundtruth.kernel.CaptureAtRelocation;
import org.kexecverify.groundtruth.kernel.GuestCpu;
import org.kexecverify.groundtruth.kernel.RealKernelRun;
import org.kexecverify.groundtruth.kernel.StopAtRelocation;
import org.kexecverify.kernels.KernelCodeResolver;
import org.kexecverify.kernels.ResolvedScenarios;
import org.kexecverify.kernels.debian.DebianArchive.Suite;
import org.kexecverify.model.capture.CapturedPlan;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;

/**
 * The emulator, run from a state captured in QEMU (Debian 6.1 stopped at kern_reloc, sources read by value for this test
 * only), writes the same destination pages that QEMU holds when the same run reaches kimage->start (the new image's first
 * instruction, a breakpoint there): page by page, by SHA-256. Real-kernel tier: {@code -Dkexec-verify.skipRealKernel=true}
 * skips it (and says so).
 */
class CapturedRelocationMatchesQemuAtNewImageTest {
    @ParameterizedTest
    @EnumSource(value = GuestCpu.class, names = {"CORTEX_A57", "MAX"})
    void emulatorDestinationPagesEqualQemusAtKimageStart(GuestCpu cpu) throws Exception {
        if (Boolean.getBoolean("kexec-verify.skipRealKernel")) {
            String msg = "SKIPPED real-kernel tier: captured relocation vs QEMU on " + cpu.qemuCpu() + " (-Dkexec-verify.skipRealKernel=true)";
            System.err.println(msg);
            Assumptions.abort(msg);
        }
        DesignCode code = new KernelCodeResolver().resolve(new CodeSpec(new CodeSpec.DebianKernel("bookworm"), "arm64_relocate_new_kernel",
                "trans_pgd_stub_vectors", new CodeSpec.FromCode(), null), Path.of("."));
        CaptureAtRelocation cap = new CaptureAtRelocation(true, true);
        StopAtRelocation.Result r = StopAtRelocation.run(Suite.BOOKWORM, cpu, RealKernelRun.Options.defaults(), cap);
        CaptureAtRelocation.Captured c = cap.captured();
        assertNotNull(c, "no capture: " + cap.failure() + "\n" + r.describe());
        assertTrue(r.run().upAtEl2(), "the captured run did not come up at EL2 after the comparison:\n" + r.describe());
        String text = CaptureCommand.write(c, r, code, Suite.BOOKWORM, cpu, "live-" + cpu.qemuCpu(), false);
        RelocationPlan plan = ScenarioBuilders.build(ResolvedScenarios.resolve(ScenarioLoader.parse("live.yaml", text), Path.of(".").toAbsolutePath()));
        PhysicalMemory pm = plan.memory();
        for (Map.Entry<Long, long[]> e : c.sources().entrySet()) System.arraycopy(e.getValue(), 0, pm.pageForWrite(e.getKey() >>> 12), 0, 512);

        ScenarioRun run = ScenarioRun.prepare(plan);
        ScenarioRun.Outcome o = run.run(1_000_000_000L);
        assertTrue(o.clean(), "the emulator's run from the captured state: " + o);
        PhysicalMemory after = run.machine().ram().physical();
        List<String> differ = new ArrayList<>();
        int n = 0;
        for (KimageList.Copy cp : plan.list().copies()) {
            n++;
            String emu = CapturedPlan.sourceHash(after, List.of(cp.destination()));
            String qemu = c.destinationHashAtStart().get(cp.destination());
            if (!emu.equals(qemu)) differ.add(String.format("0x%x: emulator %s, QEMU %s", cp.destination(), emu.substring(0, 16), qemu == null ? "-" : qemu.substring(0, 16)));
        }
        assertEquals(List.of(), differ.subList(0, Math.min(differ.size(), 20)), differ.size() + " of " + n + " destination pages differ; QEMU "
                + c.stopAtStart() + "; emulator " + o.summary());
        assertEquals(plan.list().copies().size(), c.destinationHashAtStart().size(), "QEMU's destination hashes at kimage->start: " + c.stopAtStart());
        System.err.printf("%s: %d destination pages equal (emulator = QEMU at kimage->start: %s); emulator %s%n", cpu.qemuCpu(), n, c.stopAtStart(),
                o.summary());
    }
}
