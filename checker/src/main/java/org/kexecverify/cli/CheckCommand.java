package org.kexecverify.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.kexecverify.engines.Engine;
import org.kexecverify.cache.CachedEngine;
import org.kexecverify.cache.ResultsCache;
import org.kexecverify.engines.EngineRuns;
import org.kexecverify.engines.Engines;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Itf;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.output.OutputDir;
import org.kexecverify.report.ReportWriter;
import org.kexecverify.report.ScenarioResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code check SCENARIO...}: decide every obligation with the chosen engines, print a table, write verdicts.json. */
@Command(name = "check", description = "Check scenarios: prints a verdict table and writes verdicts.json (exit 0 proved, 1 refuted, 2 bad input, 3 inconclusive, 4 engines disagree).")
public final class CheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "scenario files or directories of *.yaml")
    List<Path> scenarios;

    @Option(names = "--engine", defaultValue = "model,emu", description = "a comma list of model, smt, tla, emu, or all (default: "
            + "${DEFAULT-VALUE}: together they decide every obligation in seconds); an obligation no selected engine decides is "
            + "NOT CHECKED and the run is inconclusive (exit 3)")
    String engine;

    @Option(names = "--out", defaultValue = "target/kexec-verify", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--device-fetch", defaultValue = "normal-nc", description = "CONSTRAINED UNPREDICTABLE fetch from Device memory: normal-nc or fault")
    String deviceFetch;

    @Option(names = "--quiet", description = "print only the summary line, no progress")
    boolean quiet;

    @Option(names = "--json", description = "print verdicts.json (schema in README, \"JSON output\") on stdout instead of the matrix; "
            + "the summary line goes to stderr")
    boolean json;

    @Option(names = "--verbose", description = "print the full verdict table of each scenario (every engine's explanation) "
            + "instead of the compact matrix")
    boolean verbose;

    @Option(names = "--report", description = "also write report.html and report.md")
    boolean report;

    @Option(names = "--timeout", defaultValue = "180", description = "per-query solver / TLC run timeout in seconds (default: ${DEFAULT-VALUE}, over 20 times what the largest bundled TLC run needs on a quiet machine); a timeout is INCONCLUSIVE and is never cached")
    long timeoutSeconds;

    @Option(names = "--open-placements", description = "smt: NO_CLOBBER over every placement the allocator allows, not just the scenario's")
    boolean openPlacements;

    @Option(names = "--jobs", description = "checks run at once (default: the number of cores); an engine that keeps state "
            + "between checks still runs one at a time; verdicts never depend on it")
    Integer jobs;

    @Option(names = "--progress-lines", description = "one line per finished scenario x engine on stderr even on a terminal "
            + "(off a terminal, e.g. in CI, they are always printed unless --quiet)")
    boolean progressLines;

    @Option(names = "--no-cache", description = "decide every verdict afresh: neither read nor write the results cache")
    boolean noCache;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "results cache directory (default: $KEXEC_VERIFY_RESULTS_CACHE, "
            + "else ~/.cache/kexec-verify/results); an entry is keyed by the tool build, the engine and its settings, and the "
            + "content of the plan the engine reads")
    Path cacheDir;

    @Option(names = "--replay", description = "replay every refutation on the A64 emulator: CONFIRMED, or SPURIOUS (an engine bug, exit 4)")
    boolean replay;

    @Option(names = "--repair", description = "for refuted walk obligations: the builder options (pgprots, vectors: copy) that fix them, narrowest first, each re-proved by the model engine; then the smallest descriptor/register change (smt, MaxSMT), re-proved")
    boolean repair;

    private boolean log;

    private synchronized void logLine(RelocationPlan plan, Engine e, EngineRuns.Timed run, long done, long total) {
        List<Verdict> got = run.verdicts();
        long p = got.stream().filter(v -> v instanceof Verdict.Proved).count();
        long r = got.stream().filter(v -> v instanceof Verdict.Refuted).count();
        long i = got.size() - p - r;
        spec.commandLine().getErr().printf("[%d/%d] %s %s: %d proved, %d refuted, %d inconclusive (%.1f s)%n", done, total,
                plan.scenario().name(), e.name(), p, r, i, run.nanos() / 1e9);
        spec.commandLine().getErr().flush();
    }

    /** A scenario file of a multi-file run that was not checked, and the one-line reason. */
    record Rejected(String file, String error) {}

    private final List<Rejected> rejected = new ArrayList<>();

    /** One scenario's results; {@code notChecked}: obligations no selected engine decides. */
    record Result(RelocationPlan plan, List<Verdict> verdicts, List<String> disagreements, List<Obligation> notChecked) {}

    /** The obligations that none of {@code engines} decides (each stays NOT CHECKED). */
    static List<Obligation> notChecked(List<Engine> engines) {
        java.util.EnumSet<Obligation> left = java.util.EnumSet.allOf(Obligation.class);
        for (Engine e : engines) left.removeAll(e.decides());
        return List.copyOf(left);
    }

    @Override
    public Integer call() throws IOException {
        WalkOptions options = new WalkOptions(switch (deviceFetch) {
            case "normal-nc" -> WalkOptions.DeviceFetch.AS_NORMAL_NON_CACHEABLE;
            case "fault" -> WalkOptions.DeviceFetch.PERMISSION_FAULT;
            default -> throw new BadInput("--device-fetch: expected normal-nc or fault, got '" + deviceFetch + "'");
        }, false);
        timeoutSeconds = EngineRuns.timeoutOption(timeoutSeconds);
        jobs = EngineRuns.jobsOption(jobs);
        org.kexecverify.model.progress.Progress progress = org.kexecverify.output.TerminalProgress.forCli(quiet);
        // off a terminal (a CI log) one line per finished scenario x engine on stderr, so a long run never looks hung
        log = !quiet && (progressLines || System.console() == null);
        List<Engine> engines = Engines.select(engine, new Engines.Settings(options, progress, timeoutSeconds * 1000, openPlacements));
        java.util.Optional<ResultsCache> cache = noCache ? java.util.Optional.empty()
                : cacheDir != null ? java.util.Optional.of(new ResultsCache(cacheDir)) : ResultsCache.standard();
        if (cache.isPresent()) {
            List<Object> settings = List.of(options, timeoutSeconds, openPlacements);
            engines = engines.stream().map(e -> (Engine) new CachedEngine(e, settings, cache.get())).toList();
        }
        // all input validated before any output; with several files each broken one is reported on its own line and
        // the others are still checked (the run then exits 2); a single broken file is just bad input
        List<Path> files = Scenarios.expand(scenarios);
        List<RelocationPlan> plans = new ArrayList<>();
        Map<String, String> firstOfName = new java.util.HashMap<>();
        for (Path p : files) {
            try {
                RelocationPlan plan = Scenarios.plan(p);
                String first = firstOfName.putIfAbsent(plan.scenario().name(), plan.scenario().file());
                if (first != null) {
                    throw new BadInput(plan.scenario().file() + ": name: '" + plan.scenario().name() + "' is also the name of " + first
                            + " (their output files would overwrite each other)");
                }
                Scenarios.warnings(plan, spec.commandLine().getErr());
                plans.add(plan);
            } catch (BadInput b) {
                if (files.size() == 1) throw b;
                rejected.add(new Rejected(p.toString(), Main.oneLine(b.getMessage())));
                spec.commandLine().getErr().println("kexec-verify: " + Main.oneLine(b.getMessage()));
                spec.commandLine().getErr().flush();
            }
        }
        if (plans.isEmpty()) {
            spec.commandLine().getErr().println("kexec-verify: all " + files.size() + " scenario files are broken (above): nothing checked");
            return ExitCode.BAD_INPUT;
        }
        OutputDir.requireWritable(out);   // --out problems are the user's, found before any engine runs

        List<Result> results = new ArrayList<>();
        Map<Verdict, String> notes = new LinkedHashMap<>();
        java.util.concurrent.atomic.AtomicLong runsDone = new java.util.concurrent.atomic.AtomicLong();
        long runsTotal = (long) plans.size() * engines.size();
        try (EngineRuns runs = new EngineRuns(engines, jobs)) {
            // every check is queued up front (scenario by scenario, engines in order); results are read in that order
            List<List<java.util.concurrent.CompletableFuture<EngineRuns.Timed>>> pending = new ArrayList<>();
            for (RelocationPlan plan : plans) {
                List<java.util.concurrent.CompletableFuture<EngineRuns.Timed>> fs = new ArrayList<>();
                for (Engine e : engines) {
                    fs.add(runs.submit(plan, e).whenComplete((got, err) -> {
                        long done = runsDone.incrementAndGet();
                        progress.update("check: " + plan.scenario().name() + " with " + e.name(), done, runsTotal, "engine runs");
                        if (log && got != null) logLine(plan, e, got, done, runsTotal);
                    }));
                }
                pending.add(fs);
            }
            for (int i = 0; i < plans.size(); i++) {
                RelocationPlan plan = plans.get(i);
                List<Verdict> vs = new ArrayList<>();
                for (java.util.concurrent.CompletableFuture<EngineRuns.Timed> f : pending.get(i)) {
                    try {
                        vs.addAll(EngineRuns.join(f));
                    } catch (org.kexecverify.smt.SmtEngineBug bug) {
                        spec.commandLine().getErr().println("kexec-verify: internal error: smt witness not confirmed by the model walk: " + bug.getMessage());
                        return ExitCode.INTERNAL_ERROR;
                    }
                }
                if (repair) notes.putAll(RepairHints.forPlan(plan, vs, timeoutSeconds * 1000));
                List<String> dis = new ArrayList<>(disagreements(vs));
                if (replay) {
                    EmulatorReplay.Result rr = cache.isPresent() ? EmulatorReplay.replay(plan, vs, cache.get()) : EmulatorReplay.replay(plan, vs);
                    rr.notes().forEach((v, n) -> notes.merge(v, n, (a, b) -> a + "\n" + b));
                    dis.addAll(rr.spurious());
                }
                results.add(new Result(plan, vs, dis, notChecked(engines)));
            }
        }

        progress.done();
        if (log || verbose) {
            long hits = engines.stream().filter(e -> e instanceof CachedEngine).mapToLong(e -> ((CachedEngine) e).hits()).sum();
            if (cache.isPresent() && hits > 0) {
                spec.commandLine().getErr().printf("results cache: %d of %d engine runs reused from %s (--no-cache decides them afresh)%n",
                        hits, runsTotal, cache.get().dir());
            }
        }
        try {
            writeOutputs(results, notes);
        } catch (IOException e) {
            throw new BadInput("--out " + out + ": writing the results failed (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
        if (json) {
            spec.commandLine().getOut().println(json(results, cxFiles(results), notes));
            spec.commandLine().getOut().flush();
        }
        return summary(results, notes);
    }

    /** The file name of a refutation's counterexample. */
    static String cxName(Result r, Verdict v) {
        return r.plan().scenario().name() + "." + v.obligation().name() + "." + v.stats().engine() + ".itf.json";
    }

    static Map<Verdict, String> cxFiles(List<Result> results) {
        Map<Verdict, String> m = new LinkedHashMap<>();
        for (Result r : results) for (Verdict v : r.verdicts()) if (v instanceof Verdict.Refuted) m.put(v, cxName(r, v));
        return m;
    }

    private void writeOutputs(List<Result> results, Map<Verdict, String> notes) throws IOException {
        // the whole result set is staged, then swapped in at once (OutputDir.commit): an interrupted run leaves the
        // previous complete results, never a mix
        OutputDir dir = OutputDir.begin(out);
        Map<Verdict, String> cxFiles = new LinkedHashMap<>();
        for (Result r : results) {
            for (Verdict v : r.verdicts()) {
                if (v instanceof Verdict.Refuted ref) {
                    String name = cxName(r, v);
                    Counterexample c = ref.counterexample();
                    Map<String, Object> meta = new LinkedHashMap<>(c.meta());
                    meta.put("file", r.plan().scenario().file());
                    dir.write(name, Itf.write(new Counterexample(c.scenario(), c.obligation(), c.engine(), c.witness(), c.states(), c.loop(), meta)));
                    cxFiles.put(v, name);
                }
            }
        }
        dir.write("verdicts.json", json(results, cxFiles, notes));
        if (report) {
            List<ScenarioResult> rs = new ArrayList<>();
            for (Result r : results) rs.add(new ScenarioResult(r.plan(), r.verdicts(), r.disagreements(), notes));
            String command = "kexec-verify " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
            String date = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
            ReportWriter.write(rs, dir, new org.kexecverify.report.MailReport.Provenance(new Main.Version().getVersion()[0], command, date));
        }
        dir.commit();
    }

    private int summary(List<Result> results, Map<Verdict, String> notes) {
        // with --json stdout holds the JSON document only: the summary goes to stderr, without the matrix
        PrintWriter w = json ? spec.commandLine().getErr() : spec.commandLine().getOut();
        boolean quiet = this.quiet || json;
        List<String> refutedIn = new ArrayList<>();
        List<String> undecidedIn = new ArrayList<>();
        List<String> disagreeIn = new ArrayList<>();
        for (Result r : results) {
            if (!quiet && verbose) {
                w.print(table(r));
                for (Verdict v : r.verdicts()) if (notes.containsKey(v)) w.println(notes.get(v).indent(3).stripTrailing());
            }
            String name = r.plan().scenario().name();
            List<String> refs = r.verdicts().stream().filter(v -> v instanceof Verdict.Refuted).map(v -> v.obligation().name()).distinct().toList();
            if (!refs.isEmpty()) refutedIn.add(name + " (" + String.join(", ", refs) + ")");
            // "all proved" needs every obligation checked and no engine's answer INCONCLUSIVE
            List<String> open = new ArrayList<>();
            for (Obligation o : Obligation.values()) {
                List<Verdict> of = r.verdicts().stream().filter(v -> v.obligation() == o).toList();
                List<String> inc = of.stream().filter(v -> v instanceof Verdict.Inconclusive).map(v -> v.stats().engine()).toList();
                if (of.isEmpty()) open.add(o.name() + " not checked");
                else if (!inc.isEmpty()) open.add(o.name() + " inconclusive (" + String.join(", ", inc) + ")");
            }
            if (!open.isEmpty()) undecidedIn.add(name + " (" + String.join(", ", open) + ")");
            if (!r.disagreements().isEmpty()) disagreeIn.add(name);
        }
        if (!quiet && !verbose) w.print(Matrix.render(results.stream().map(r -> new Matrix.Row(r.plan().scenario().name(), r.verdicts(),
                r.disagreements())).toList(), Engines.names(engine), cxFiles(results), notes, out));
        int code = !disagreeIn.isEmpty() ? ExitCode.INTERNAL_ERROR : !rejected.isEmpty() ? ExitCode.BAD_INPUT : !refutedIn.isEmpty() ? ExitCode.REFUTED
                : !undecidedIn.isEmpty() ? ExitCode.INCONCLUSIVE : ExitCode.PROVED;
        if (code == ExitCode.INCONCLUSIVE && !quiet) {
            for (String u : undecidedIn) w.print(Matrix.wrap("UNDECIDED " + u, Matrix.WIDTH));
        }
        java.util.function.Function<List<String>, String> names = l -> String.join(", ", l.stream().map(x -> x.replaceFirst(" \\(.*", "")).toList());
        String what = switch (code) {
            case ExitCode.PROVED -> "every obligation decided and proved";
            case ExitCode.REFUTED -> "refuted in " + names.apply(refutedIn);
            case ExitCode.INCONCLUSIVE -> "inconclusive in " + names.apply(undecidedIn)
                    + (results.stream().anyMatch(r -> !r.notChecked().isEmpty()) ? " (--engine all decides every obligation)" : "");
            case ExitCode.BAD_INPUT -> rejected.size() + " broken file(s) not checked ("
                    + String.join(", ", rejected.stream().map(Rejected::file).toList()) + ")"
                    + (refutedIn.isEmpty() ? "" : "; refuted in " + names.apply(refutedIn))
                    + (undecidedIn.isEmpty() ? "" : "; inconclusive in " + names.apply(undecidedIn));
            default -> "ENGINES DISAGREE (internal error) in " + String.join(", ", disagreeIn);
        };
        w.printf("%d scenario(s), engines %s: %s; outputs in %s%n", results.size(), engine, what, out);
        w.flush();
        return code;
    }

    public static List<String> disagreements(List<Verdict> vs) {
        Map<Obligation, List<Verdict>> by = new EnumMap<>(Obligation.class);
        for (Verdict v : vs) by.computeIfAbsent(v.obligation(), k -> new ArrayList<>()).add(v);
        List<String> out = new ArrayList<>();
        by.forEach((o, list) -> {
            List<Verdict> decided = list.stream().filter(v -> !(v instanceof Verdict.Inconclusive)).toList();
            if (decided.stream().map(Verdict::outcome).distinct().count() > 1) {
                StringBuilder sb = new StringBuilder(o.name() + ":");
                decided.forEach(v -> sb.append(' ').append(v.stats().engine()).append('=').append(v.outcome()));
                out.add(sb.toString());
            }
        });
        return out;
    }

    static String table(Result r) {
        StringBuilder sb = new StringBuilder();
        RelocationPlan p = r.plan();
        sb.append(String.format("%n== %s (%s) -- %s%n", p.scenario().name(), p.scenario().file(), p.scenario().description()));
        sb.append("   code: ").append(p.scenario().code().get().map(org.kexecverify.model.program.DesignCode::describe)
                .orElse("none (" + p.scenario().code().reason() + ")")).append('\n');
        for (Phase ph : p.phases()) {
            sb.append("   phase: ").append(ph.name()).append(" [").append(ph.regs().regime().displayName())
                    .append(ph.regs().mmuOn() ? ", MMU on" : ", MMU off").append("]\n");
        }
        sb.append(String.format("   %-24s %-6s %-13s %8s  %s%n", "obligation", "engine", "verdict", "ms", "explanation"));
        for (Verdict v : r.verdicts()) {
            String expl = v.explanation().replace('\n', ' ');
            if (expl.length() > 400) expl = expl.substring(0, 397) + "...";
            sb.append(String.format("   %-24s %-6s %-13s %8d  %s%n", v.obligation(), v.stats().engine(), v.outcome(), v.stats().millis(), expl));
        }
        for (Obligation o : r.notChecked()) {
            sb.append(String.format("   %-24s %-6s %-13s %8s  %s%n", o, "-", "NOT CHECKED", "-", "no selected engine decides it"));
        }
        for (String d : r.disagreements()) sb.append("   ENGINES DISAGREE: ").append(d).append('\n');
        return sb.toString();
    }

    String json(List<Result> results, Map<Verdict, String> cxFiles, Map<Verdict, String> notes) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        ObjectNode root = m.createObjectNode();
        root.put("tool", "kexec-verify");
        ArrayNode arr = root.putArray("scenarios");
        if (!rejected.isEmpty()) {
            ArrayNode rej = root.putArray("rejected");
            for (Rejected x : rejected) rej.addObject().put("file", x.file()).put("error", x.error());
        }
        for (Result r : results) {
            ObjectNode s = arr.addObject();
            s.put("name", r.plan().scenario().name());
            s.put("file", r.plan().scenario().file());
            s.put("tables", r.plan().design());
            org.kexecverify.model.capture.Capture cap = r.plan().scenario().tables().captured();
            if (cap != null) {
                ObjectNode c = s.putObject("captured");
                c.put("kernel", cap.header().kernel());
                c.put("version", cap.header().version());
                c.put("cpu", cap.header().cpu());
                c.put("date", cap.header().date());
                c.put("currentEl", cap.currentEl());
            }
            ObjectNode code = s.putObject("code");
            r.plan().scenario().code().get().ifPresentOrElse(dc -> {
                code.put("kernel", dc.kernelVersion());
                code.put("origin", dc.origin());
                code.put("entry", dc.entrySymbol());
                ObjectNode sha = code.putObject("sha256");
                dc.symbols().values().stream().sorted(java.util.Comparator.comparing(b -> b.name())).forEach(b -> sha.put(b.name(), b.sha256()));
                ObjectNode off = code.putObject("kimageOffsets");
                dc.offsets().asMap().forEach(off::put);
            }, () -> code.put("missing", r.plan().scenario().code().reason()));
            s.put("bootRegime", r.plan().scenario().regime().cliName());
            ArrayNode phases = s.putArray("phases");
            for (Phase ph : r.plan().phases()) {
                ObjectNode po = phases.addObject();
                po.put("name", ph.name());
                po.put("regime", ph.regs().regime().cliName());
                po.put("mmu", ph.regs().mmuOn());
                po.put("entryStep", ph.entryStep());
            }
            ArrayNode vs = s.putArray("verdicts");
            for (Verdict v : r.verdicts()) {
                ObjectNode o = vs.addObject();
                o.put("obligation", v.obligation().name());
                o.put("engine", v.stats().engine());
                o.put("outcome", v.outcome());
                o.put("explanation", v.explanation());
                o.put("millis", v.stats().millis());
                o.put("checked", v.stats().checked());
                o.put("unit", v.stats().unit());
                if (cxFiles.containsKey(v)) o.put("counterexample", cxFiles.get(v));
                if (notes.containsKey(v)) o.put("notes", notes.get(v));
            }
            ArrayNode nc = s.putArray("notChecked");
            r.notChecked().forEach(o -> nc.add(o.name()));
            ArrayNode d = s.putArray("disagreements");
            r.disagreements().forEach(d::add);
        }
        return m.writeValueAsString(root);
    }
}
