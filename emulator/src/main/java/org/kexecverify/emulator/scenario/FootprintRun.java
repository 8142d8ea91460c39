package org.kexecverify.emulator.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.ProgramFootprint;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;

/**
 * Runs a plan's code once on the emulator and records its {@link ProgramFootprint}: every page it fetched, read or
 * wrote with the MMU on (one entry per regime, table base, VA page and access) up to its first fault (what runs
 * after a fault is the vector code, which VECTORS_EXECUTABLE judges), and every exception it took. The plan is not
 * changed (the run works on a copy of its memory).
 */
public final class FootprintRun {
    private FootprintRun() {}

    /** Instructions a footprint run may take (the 25 MiB relocation takes 6.6 M). */
    public static final long BUDGET = 200_000_000L;

    public static ProgramFootprint of(RelocationPlan plan) throws ScenarioRun.Unsupported {
        ScenarioRun run = ScenarioRun.prepare(plan.withMemory(plan.memory().copyOf()));
        Map<String, ProgramFootprint.Touch> touches = new LinkedHashMap<>();
        org.kexecverify.emulator.cpu.Machine m = run.machine();
        int[] seen = {0};
        boolean[] offPath = {false};
        run.machine().setFootprint((Regime regime, long ttbr, long va, long pa, AccessType access) -> {
            // after a fault the CPU runs exception vectors, not the design's path: VECTORS_EXECUTABLE judges those
            for (; !offPath[0] && seen[0] < m.exceptionCount(); seen[0]++) offPath[0] = m.exception(seen[0]).ec() != 0x16;
            if (offPath[0]) return;
            long vp = va & ~0xfffL;
            String key = regime.ordinal() + ":" + ttbr + ":" + vp + ":" + access.ordinal();
            touches.putIfAbsent(key, new ProgramFootprint.Touch(regime, ttbr, vp, pa < 0 ? -1 : pa & ~0xfffL, access));
        });
        ScenarioRun.Outcome o = run.run(BUDGET);
        List<ProgramFootprint.Taken> taken = new ArrayList<>();
        for (ExceptionRecord e : run.machine().exceptions()) {
            taken.add(new ProgramFootprint.Taken(e.toEl(), e.vbar(), e.vectorOffset(), e.ec(), e.cause()));
        }
        return new ProgramFootprint(new ArrayList<>(touches.values()), taken, o.result() instanceof RunResult.Completed, o.summary());
    }
}
