package org.kexecverify.smt;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kexecverify.model.verdict.Obligation;

/**
 * Writes every SMT obligation of an input as {@code <input>.<obligation>.smt2}: the same query the
 * engine checks, answerable by stock {@code z3 file.smt2} (sat = refuted, unsat = proved). Files
 * are written to a temporary name and moved into place, so a file is whole or absent.
 */
public final class Smt2Export {
    private Smt2Export() {}

    public static List<Path> write(SmtEngine engine, SmtInput in, Path dir) throws IOException {
        return write(engine, in, dir, SmtEngine.DECIDES);
    }

    public static List<Path> write(SmtEngine engine, SmtInput in, Path dir, List<Obligation> obligations) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Obligation o : obligations) {
            ObligationQuery q = engine.query(in, o);
            if (q == null) continue;
            Path target = dir.resolve(fileName(in, o));
            Path tmp = Files.createTempFile(dir, ".export-", ".smt2.tmp");
            try {
                Files.writeString(tmp, engine.smt2(in, q), StandardCharsets.UTF_8);
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(tmp);
            }
            out.add(target);
        }
        return out;
    }

    /**
     * Every SMT query of a relocation plan: per phase REGISTERS_VALID, IDMAP_COVERS_CODE,
     * DATA_ACCESSIBLE and VECTORS_EXECUTABLE (the vectors the phase takes on purpose, plus +0x200),
     * then NO_CLOBBER over the plan's placement ({@code openPlacements}: every placement allowed).
     */
    public static List<Path> write(SmtEngine engine, org.kexecverify.model.plan.RelocationPlan plan, Path dir, boolean openPlacements) throws IOException {
        List<Path> out = new ArrayList<>();
        int i = 0;
        for (org.kexecverify.model.plan.Phase p : plan.phases()) {
            List<Long> offsets = new ArrayList<>(PlanAdapter.intendedVectors(p));
            if (!offsets.contains(SmtInput.VECTOR_CURRENT_EL_SPX_SYNC)) offsets.add(SmtInput.VECTOR_CURRENT_EL_SPX_SYNC);
            SmtInput in = PlanAdapter.phase(plan, p, offsets, org.kexecverify.model.walk.WalkOptions.DEFAULT);
            in = new SmtInput(plan.scenario().name() + ".phase" + (i++), in.regs(), in.mem(), in.regions(), in.vbar(), in.vectorOffsets(),
                    in.walkOptions(), null);
            out.addAll(write(engine, in, dir, SmtEngine.DECIDES.stream().filter(o -> o != Obligation.NO_CLOBBER).toList()));
        }
        SmtInput placement = new SmtInput(plan.scenario().name(), plan.phases().get(0).regs(), plan.memory(), List.of(), java.util.OptionalLong.empty(),
                List.of(), org.kexecverify.model.walk.WalkOptions.DEFAULT, PlanAdapter.placement(plan, openPlacements));
        out.addAll(write(engine, placement, dir, List.of(Obligation.NO_CLOBBER)));
        return out;
    }

    public static String fileName(SmtInput in, Obligation o) {
        return in.name().replaceAll("[^A-Za-z0-9._-]", "_") + "." + o.name().toLowerCase(Locale.ROOT) + ".smt2";
    }
}
