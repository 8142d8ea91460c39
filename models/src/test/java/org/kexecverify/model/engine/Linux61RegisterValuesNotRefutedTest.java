package org.kexecverify.model.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.Walker;

/**
 * The upstream design with the register values Linux 6.1 programs (MAIR_EL1 with MT_NORMAL at index
 * 0, INIT_SCTLR_EL1_MMU_ON with EPAN) at EL2 without VHE, at EL2 with VHE and at EL1: the model must
 * not refute REGISTERS_VALID, IDMAP_COVERS_CODE or VECTORS_EXECUTABLE, because that design relocates
 * fine in QEMU. Before the fix a fixed MT_NORMAL index 4 made the idmap Device-nGnRE and bit 57 was RES0.
 * IDMAP_COVERS_CODE and VECTORS_EXECUTABLE are the model's judgement of the tables (ungated: the copies
 * name no code, and {@link ModelEngine#check} would answer INCONCLUSIVE for them).
 */
class Linux61RegisterValuesNotRefutedTest {
    private static final Set<Obligation> MUST_NOT_BE_REFUTED = EnumSet.of(
            Obligation.REGISTERS_VALID, Obligation.IDMAP_COVERS_CODE, Obligation.VECTORS_EXECUTABLE);

    static RelocationPlan plan(String name) throws Exception {
        return ScenarioBuilders.build(ScenarioLoader.load(resource("linux-6.1/" + name + ".yaml")));
    }

    static Path resource(String r) throws URISyntaxException {
        var url = Linux61RegisterValuesNotRefutedTest.class.getClassLoader().getResource(r);
        if (url == null) throw new IllegalStateException("test resource " + r + " missing");
        return Path.of(url.toURI());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upstream-el2-linux-6.1", "upstream-el2h-linux-6.1", "upstream-el1-linux-6.1"})
    void registersIdmapAndVectorsAreNotRefutedWithLinux61Values(String name) throws Exception {
        RelocationPlan plan = plan(name);
        ModelEngine engine = new ModelEngine();
        // check() answers INCONCLUSIVE for the obligations that read the program when the scenario names no
        // code (these copies have no code: section); the tables' own verdicts are what the registers decide
        List<Verdict> vs = new java.util.ArrayList<>(engine.check(plan).stream().filter(v -> v.obligation() == Obligation.REGISTERS_VALID).toList());
        vs.add(engine.idmapCoversCode(plan));
        vs.add(engine.vectorsExecutable(plan));
        String all = vs.stream().map(v -> v.obligation() + "=" + v.outcome() + ": " + v.explanation()
                + (v instanceof Verdict.Refuted r ? "\n      " + r.counterexample().witness().getOrDefault("walk", "") : ""))
                .collect(Collectors.joining("\n  ", "\n  ", ""));
        System.out.println("[linux-6.1] " + name + ":" + all);
        assertEquals(MUST_NOT_BE_REFUTED, vs.stream().map(Verdict::obligation).collect(Collectors.toSet()), all);
        for (Verdict v : vs) {
            if (MUST_NOT_BE_REFUTED.contains(v.obligation())) {
                assertTrue(!v.outcome().equals("REFUTED"), name + ": " + v.obligation() + " is REFUTED with Linux 6.1's registers:" + all);
            }
        }
    }

    /** The idmap of the relocation page is PAGE_KERNEL_ROX with AttrIndx 0, which 6.1's MAIR makes Normal Write-Back. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"upstream-el2-linux-6.1", "upstream-el2h-linux-6.1", "upstream-el1-linux-6.1"})
    void relocationCodeIsNormalWriteBackMemoryThroughMairIndexZero(String name) throws Exception {
        RelocationPlan plan = plan(name);
        Phase reloc = plan.phases().get(0);
        Region code = reloc.code().get(0);
        Translation t = Walker.translate(reloc.regs(), plan.memory(), code.va(), AccessType.FETCH);
        assertTrue(t instanceof Translation.Mapped, name + ": " + t);
        Translation.Mapped m = (Translation.Mapped) t;
        long leaf = m.steps().get(m.steps().size() - 1).descriptor();
        assertEquals(0, DescriptorBits.ATTRINDX.get(leaf), String.format("%s: leaf 0x%016x", name, leaf));
        assertTrue(m.attrs().leaf().normal() && m.attrs().leaf().inner().writeBack(),
                name + ": the relocation page is " + m.attrs().leaf().describe() + " (MAIR 0x" + Long.toHexString(reloc.regs().mair()) + ")");
    }

    @Test
    void mtNormalIndexComesFromTheMairOfEachKernelGeneration() {
        assertEquals(0, LinuxMair.mtNormalIndex(0x000000040044ffffL), "6.1 MAIR_EL1_SET");
        assertEquals(4, LinuxMair.mtNormalIndex(0x0000bbff440c0400L), "v5.3-era MAIR");
        assertEquals(-1, LinuxMair.mtNormalIndex(0x0000bb44440c0400L), "no 0xff attribute");
        assertEquals(LinuxMair.V6_1.mtNormal(), LinuxMair.mtNormalIndex(LinuxMair.V6_1.mair()));
        assertEquals(LinuxMair.V5_3.mtNormal(), LinuxMair.mtNormalIndex(LinuxMair.V5_3.mair()));
        // the PAGE_KERNEL_ROX leaf 6.1 installs in kimage->arch.ttbr0 (KEXEC.md: 0x00c0000048d6f783) has low bits 0x783
        assertEquals(0x783L, Pgprot.PAGE_KERNEL_ROX.bits(LinuxMair.V6_1) & 0xfff,
                String.format("PAGE_KERNEL_ROX for 6.1 = 0x%016x", Pgprot.PAGE_KERNEL_ROX.bits(LinuxMair.V6_1)));
        assertEquals(0x0048_0000_0000_0713L, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3));
        assertEquals(0x0048_0000_0000_0703L, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V6_1));
    }

    @Test
    void linux61SctlrAndMairHaveNoRegisterErrors() {
        var sctlr = Layouts.of(SysReg.SCTLR_EL1, Regime.EL1_0).validate(0x0200002034f4d91dL).stream().filter(f -> f.isError()).toList();
        assertEquals(List.of(), sctlr, "INIT_SCTLR_EL1_MMU_ON 0x0200002034f4d91d");
        var sctlrVhe = Layouts.of(SysReg.SCTLR_EL2, Regime.EL2_0).validate(0x0200002034f4d91dL).stream().filter(f -> f.isError()).toList();
        assertEquals(List.of(), sctlrVhe, "INIT_SCTLR_EL1_MMU_ON in SCTLR_EL2 with E2H=1");
        assertEquals(1L, Layouts.of(SysReg.SCTLR_EL1, Regime.EL1_0).get("EPAN", 0x0200002034f4d91dL));
        var mair = Layouts.of(SysReg.MAIR_EL1, Regime.EL1_0).validate(0x000000040044ffffL).stream().filter(f -> f.isError()).toList();
        assertEquals(List.of(), mair, "MAIR_EL1_SET 0x000000040044ffff");
        var tcr = Layouts.of(SysReg.TCR_EL1, Regime.EL1_0).validate(0x00500074b5503510L).stream().filter(f -> f.isError()).toList();
        assertEquals(List.of(), tcr, "6.1 TCR_EL1 0x00500074b5503510");
    }

    @Test
    void sctlrEl2WithoutVheHasBtAtBit36() {
        var l = Layouts.of(SysReg.SCTLR_EL2, Regime.EL2);
        assertEquals("36", l.field("BT").bits(), l.layoutName());
        assertEquals(1L, l.get("BT", 1L << 36));
        assertTrue(l.validate(1L << 35 | 0x30c50830L).stream().anyMatch(f -> f.isError()), "bit 35 (BT0) is RES0 with E2H=0");
        assertTrue(l.validate(1L << 36 | 0x30c50830L).stream().noneMatch(f -> f.isError()), "bit 36 (BT) is a field with E2H=0");
    }
}
