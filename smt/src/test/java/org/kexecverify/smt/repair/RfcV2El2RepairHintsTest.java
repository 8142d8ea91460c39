package org.kexecverify.smt.repair;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kexecverify.model.desc.LinuxMair;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.smt.SmtEngine;
import org.kexecverify.smt.SmtInput;
import org.kexecverify.smt.SmtOptions;
import org.kexecverify.smt.bench.IdmapMachine;
import org.kexecverify.smt.bench.IdmapMachine.Leaf;

/**
 * The RFC v2 EL2 failure (PAGE_KERNEL_EXEC leaves keep PTE_UXN = XN at EL2; VBAR_EL2 in the
 * unmapped kernel image): the smallest repair is "clear PTE_UXN in the code's level-3 entries"
 * plus one vector change, and the repaired copy is re-proved.
 */
class RfcV2El2RepairHintsTest {
    static SmtEngine engine;
    static final long CODE = 0x4100_0000L;

    @BeforeAll
    static void open() { engine = new SmtEngine(SmtOptions.DEFAULT); }

    @AfterAll
    static void close() { engine.close(); }

    @Test
    void clearUxnInTheCodeEntriesAndFixTheVectors() {
        IdmapMachine m = new IdmapMachine(Regime.EL2).idmap(CODE, 0x40_0000L, Pgprot.PAGE_KERNEL_EXEC.bits(LinuxMair.V5_3), Leaf.PAGE_4K)
                .code("relocation code", CODE, 0x40_0000L).vbar(0x4008_0800L);
        m.tables.mapPage(0x4008_0000L, 0x4008_0000L, 0); // the kernel image's table exists, its page entry is invalid
        SmtInput in = m.input("rfc-v2-el2");
        List<Obligation> obls = List.of(Obligation.IDMAP_COVERS_CODE, Obligation.VECTORS_EXECUTABLE, Obligation.REGISTERS_VALID);
        Repair.Result r = new Repair(engine).search(in, obls);
        String report = r.why() + "\n" + String.join("\n", r.hints().stream().map(Repair.Hint::words).toList()) + "\n"
                + String.join("\n", r.reproved().stream().map(v -> v.outcome() + " " + v.explanation()).toList());
        assertTrue(r.found(), report);
        assertEquals(2, r.hints().size(), report);
        assertTrue(r.hints().get(0).words().startsWith("clear PTE_UXN (= PTE_HYP_XN, bit 54) in the 1024 level-3 entries"), report);
        assertTrue(r.hints().get(1).words().contains("VBAR_EL2"), report);
        for (Verdict v : r.reproved()) assertInstanceOf(Verdict.Proved.class, v, report);
        for (Obligation o : obls) assertInstanceOf(Verdict.Proved.class, engine.decide(r.repaired(), o), report);
        System.out.println(report);
    }
}
