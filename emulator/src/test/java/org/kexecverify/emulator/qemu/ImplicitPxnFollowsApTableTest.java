package org.kexecverify.emulator.qemu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.regime.Regime;

/**
 * Pins the first QEMU-vs-model disagreement the differential test found (the model walk judged
 * implicit PXN on the leaf's AP[2:1] alone; fixed in the models walk): an EL1 (and VHE EL2) code page with
 * AP[2:1] = 0b01 (PTE_USER, EL0-writable, implicitly PXN) under a table entry with APTable[1] = 1
 * (read-only below) is effectively AP[2:1] = 0b11, not EL0-writable, so the privileged fetch is
 * allowed (Arm ARM AArch64.TranslationTableWalk: perms.ap&lt;2&gt; = ap&lt;2&gt; OR ap_table&lt;1&gt;).
 * QEMU runs it (target/arm/ptw.c get_phys_addr_lpae() folds APT[1] into AP[2] and !APT[0] into
 * AP[1] before get_S1prot()); without the APTable bit QEMU takes the implicit-PXN Permission fault.
 */
class ImplicitPxnFollowsApTableTest {

    private static QemuCase code(int id, Regime regime, boolean apTable1) {
        PageSpec user = new PageSpec(true, 0, false, true, false, false, true, false, false, apTable1, false);
        return new QemuCase(id, regime, Cpu.MAX, false, true, 16, 5, 0xffL, 3,
                0x5000_0000L, 0x5020_0000L, 0x5040_0000L, CaseGenerator.LOW_TABLES,
                user, PageSpec.executable(0), PageSpec.executable(0), false, false, false, true,
                CaseGenerator.QEMU_CHOICES);
    }

    @Test
    void el0WritablePageUnderReadOnlyTableIsExecutableAtEl1AndVhe() {
        Assumptions.assumeTrue(Toolchain.available(), Toolchain.missingReason());
        Path work = Path.of("target", "qemu-work");
        QemuEngine qemu = new QemuEngine(Toolchain.find().orElseThrow(), work, Duration.ofSeconds(2));
        CaseMaterializer mat = new CaseMaterializer(qemu.boot(Cpu.MAX).idAa64mmfr0());
        List<MaterializedCase> cases = new ArrayList<>();
        int id = 0;
        for (Regime r : List.of(Regime.EL1_0, Regime.EL2_0)) {
            cases.add(mat.materialize(code(id++, r, true)));
            cases.add(mat.materialize(code(id++, r, false)));
        }
        List<Outcome> q = qemu.run(cases);
        ModelOracle model = new ModelOracle();
        for (int i = 0; i < cases.size(); i += 2) {
            MaterializedCase underApTable = cases.get(i);
            MaterializedCase plain = cases.get(i + 1);
            assertEquals(new Outcome.Ok(), q.get(i), "QEMU must execute " + underApTable.spec().describe());
            Outcome.Exception fault = (Outcome.Exception) q.get(i + 1);
            assertEquals(ModelOracle.EC_IABT_CUR, fault.ec(), plain.spec().describe());
            assertEquals(org.kexecverify.model.walk.FaultKind.PERMISSION, fault.kind(), plain.spec().describe());
            assertEquals(fault, model.predict(plain).outcome(), "model, no APTable: " + model.predict(plain).render());
        }
        for (int i = 0; i < cases.size(); i += 2) {
            ModelOracle.Prediction p = model.predict(cases.get(i));
            assertEquals(q.get(i), p.outcome(), "model, APTable[1] above an AP[2:1]=0b01 leaf: " + p.render());
        }
    }
}
