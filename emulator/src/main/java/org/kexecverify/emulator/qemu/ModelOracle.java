package org.kexecverify.emulator.qemu;

import java.util.ArrayList;
import java.util.List;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.Walker;

/**
 * The project's model answer for a case: replays the code page's steps after the MMU-enable write
 * through {@link Walker} and reports the first fault, taken through VBAR_ELx + 0x200; a vector
 * fetch that faults again is a HANG (the PE re-takes the Prefetch Abort forever).
 *
 * <pre>
 *   fetch code page --fault--> exception(0x21) --+
 *   [brk] vector fetch --fault--> HANG            |
 *   [ldr] read data  --fault--> exception(0x25) --+--> vector fetch --fault--> HANG
 *   [str] write data --fault--> exception(0x25) --+                 --ok-----> EXCEPTION(EC, FSC, FAR)
 *   OK
 * </pre>
 */
public final class ModelOracle {

    /** Instruction Abort / Data Abort taken without a change in Exception level (ESR_ELx.EC). */
    static final int EC_IABT_CUR = 0x21;
    static final int EC_DABT_CUR = 0x25;

    /** The model's outcome and the walks that decided it (for failure reports). */
    public record Prediction(Outcome outcome, List<Translation> walks) {
        public String render() {
            StringBuilder sb = new StringBuilder();
            for (Translation t : walks) {
                sb.append(t.render());
            }
            return sb.toString();
        }
    }

    /** The model as a {@link CaseEngine}. */
    public CaseEngine engine() {
        return new CaseEngine() {
            @Override
            public String name() {
                return "model";
            }

            @Override
            public List<Outcome> run(List<MaterializedCase> cases) {
                List<Outcome> out = new ArrayList<>(cases.size());
                for (MaterializedCase m : cases) {
                    out.add(predict(m).outcome());
                }
                return out;
            }
        };
    }

    public Prediction predict(MaterializedCase m) {
        QemuCase c = m.spec();
        List<Translation> walks = new ArrayList<>();
        Translation fetch = walk(m, c.codePa(), AccessType.FETCH, walks);
        if (fetch instanceof Translation.Fault f) {
            return exception(m, EC_IABT_CUR, f, walks);
        }
        if (c.brk()) {
            Translation vec = walk(m, m.syncVectorVa(), AccessType.FETCH, walks);
            if (vec.isFault()) {
                return new Prediction(new Outcome.Hang(), walks);
            }
        }
        if (c.read()) {
            Translation rd = walk(m, c.dataPa(), AccessType.READ, walks);
            if (rd instanceof Translation.Fault f) {
                return exception(m, EC_DABT_CUR, f, walks);
            }
        }
        if (c.write()) {
            Translation wr = walk(m, c.dataPa(), AccessType.WRITE, walks);
            if (wr instanceof Translation.Fault f) {
                return exception(m, EC_DABT_CUR, f, walks);
            }
        }
        return new Prediction(new Outcome.Ok(), walks);
    }

    private static Prediction exception(MaterializedCase m, int ec, Translation.Fault f, List<Translation> walks) {
        Translation vec = walk(m, m.syncVectorVa(), AccessType.FETCH, walks);
        if (vec.isFault()) {
            return new Prediction(new Outcome.Hang(), walks);
        }
        return new Prediction(new Outcome.Exception(ec, f.fsc(), f.va() & ~(PhysicalMemory.PAGE_SIZE - 1)), walks);
    }

    private static Translation walk(MaterializedCase m, long va, AccessType at, List<Translation> walks) {
        Translation t = Walker.translate(m.regs(), m.memory(), va, at, m.spec().walkOptions());
        walks.add(t);
        return t;
    }
}
