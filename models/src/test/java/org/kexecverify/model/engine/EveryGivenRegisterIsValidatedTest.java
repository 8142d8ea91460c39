package org.kexecverify.model.engine;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.scenario.ScenarioLoader;
import org.kexecverify.model.verdict.Verdict;

/**
 * A register the scenario gives is read, whether or not a phase runs with it: HCR_EL2 with RES0 bits 39:38 set
 * (no phase translates with HCR_EL2) refutes REGISTERS_VALID naming HCR_EL2, and a CPU ID register with a
 * reserved PARange is bad input, not a CPU the models stand for. Before, both proved REGISTERS_VALID.
 */
class EveryGivenRegisterIsValidatedTest {
    private static String upstreamEl2() throws Exception {
        return Files.readString(Linux61RegisterValuesNotRefutedTest.resource("linux-6.1/upstream-el2-linux-6.1.yaml"));
    }

    private static RelocationPlan plan(String yaml) throws Exception {
        return ScenarioBuilders.build(ScenarioLoader.parse("hcr.yaml", yaml));
    }

    @Test
    void hcrEl2WithRes0BitsRefutesRegistersValid() throws Exception {
        String base = upstreamEl2();
        assertTrue(base.contains("HCR_EL2: 0x"), "the Linux 6.1 copy gives HCR_EL2");
        Verdict ok = new ModelEngine().registersValid(plan(base));
        assertInstanceOf(Verdict.Proved.class, ok, ok.explanation());
        long hcr = Long.parseUnsignedLong(base.replaceAll("(?s).*HCR_EL2: 0x([0-9a-fA-F]+).*", "$1"), 16) | (3L << 38);
        String bad = base.replaceFirst("HCR_EL2: 0x[0-9a-fA-F]+", "HCR_EL2: 0x" + Long.toHexString(hcr));
        Verdict v = new ModelEngine().registersValid(plan(bad));
        assertInstanceOf(Verdict.Refuted.class, v, "HCR_EL2 = 0x" + Long.toHexString(hcr) + ": " + v.explanation());
        assertTrue(v.explanation().contains("HCR_EL2.RES0[39:38]"), v.explanation());
    }

    @Test
    void reservedParangeInIdAa64mmfr0IsBadInput() throws Exception {
        String bad = upstreamEl2().replaceFirst("ID_AA64MMFR0_EL1: 0x[0-9a-fA-F]+", "ID_AA64MMFR0_EL1: 0x1127");
        ScenarioError e = org.junit.jupiter.api.Assertions.assertThrows(ScenarioError.class, () -> ScenarioLoader.parse("id.yaml", bad));
        assertTrue(e.field().equals("registers.ID_AA64MMFR0_EL1") && e.getMessage().contains("PARange"), e.oneLine());
    }
}
