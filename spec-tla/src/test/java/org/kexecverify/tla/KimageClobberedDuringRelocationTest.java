package org.kexecverify.tla;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Itf;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;

/**
 * Linux commit eb3d8ea3e1f0 (2022): v5.16's relocate_kernel.S loaded KIMAGE_START,
 * KIMAGE_ARCH_EL2_VECTORS and KIMAGE_ARCH_DTB_MEM after the copy loop. The tla engine, on the
 * exported instance, refutes NO_CLOBBER with struct kimage on a destination page and proves the
 * other obligations it decides; the counterexample round-trips through the project's ITF format.
 */
class KimageClobberedDuringRelocationTest {

    @Test
    void tlaEngineRefutesNoClobberAndProvesTheRest(@TempDir Path dir) throws Exception {
        TlaInstance inst = TlaInstance.export(UpstreamPageModel.kimageReadAfterLoop(), dir, "upstream-el2-kimage-after-copy");
        TlaEngine engine = new TlaEngine(TlcRunner.located(), Duration.ofSeconds(120), 1024);
        List<Verdict> verdicts = engine.check(inst, EnumSet.allOf(Obligation.class));
        Map<Obligation, Verdict> by = verdicts.stream().collect(Collectors.toMap(Verdict::obligation, v -> v));
        String all = verdicts.stream().map(v -> v.obligation() + " " + v.outcome() + ": " + v.explanation())
                .collect(Collectors.joining("\n"));

        assertEquals(TlaEngine.PROPERTIES.keySet(), by.keySet(), all);
        Verdict.Refuted clobber = assertInstanceOf(Verdict.Refuted.class, by.get(Obligation.NO_CLOBBER), all);
        Counterexample cx = clobber.counterexample();
        assertEquals(2L, cx.witness().get("kimagePage"), all);
        assertTrue(cx.states().stream().anyMatch(s -> s.source().contains("IND_SOURCE: copy_page")), all);
        assertEquals(-1, cx.loop());
        for (Obligation ob : List.of(Obligation.VECTORS_EXECUTABLE, Obligation.COHERENT_HANDOFF,
                Obligation.TLB_CLEAN_BEFORE_ENABLE, Obligation.NO_HANG_AFTER_MMU_ON)) {
            assertInstanceOf(Verdict.Proved.class, by.get(ob), all);
            assertTrue(by.get(ob).stats().checked() > 0, all);
        }

        Path itf = dir.resolve("cx.itf.json");
        Files.writeString(itf, Itf.write(cx));
        Counterexample back = Itf.read(itf);
        assertEquals(cx.states().size(), back.states().size());
        assertEquals(Obligation.NO_CLOBBER, back.obligation());
        assertEquals("tla", back.engine());
    }
}
