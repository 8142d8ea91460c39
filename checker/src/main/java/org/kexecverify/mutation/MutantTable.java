package org.kexecverify.mutation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed mutant table ({@code mutation/mutants.tsv}): one row per scenario and mutant, with the obligations
 * and engines that catch it, whether it must be caught, and for a survivor the reason it may survive.
 *
 * <pre>
 *   scenario  code-sha256  mutant  caught-by  expect  reason
 *   upstream-el2  1f2e..  arm64_relocate_new_kernel+0x10c: ic iallu -> nop  COHERENT_HANDOFF:emu,tla  must-catch
 *   upstream-el2  1f2e..  arm64_relocate_new_kernel+0x104: dsb nsh -> nop  -  survives  single CPU: ...
 * </pre>
 *
 * {@link #check} compares a fresh run with the table: a row that changed, a mutant missing from either side, a
 * must-catch mutant that nothing caught, or a survivor without a reason is a problem.
 */
public record MutantTable(List<Row> rows) {
    public static final String HEADER = "# scenario\tcode-sha256\tmutant\tcaught-by\texpect\treason";

    public record Row(String scenario, String sha, String mutant, String caughtBy, String expect, String reason) {
        String line() {
            return String.join("\t", scenario, sha, mutant, caughtBy, expect, reason);
        }

        String key() {
            return scenario + "\t" + mutant;
        }
    }

    public static MutantTable read(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        if (!Files.exists(file)) return new MutantTable(rows);
        int n = 0;
        for (String l : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            if (l.isBlank() || l.startsWith("#")) continue;
            String[] f = l.split("\t", -1);
            if (f.length != 6) throw new IOException(file + ":" + n + ": expected 6 tab-separated columns, got " + f.length);
            rows.add(new Row(f[0], f[1], f[2], f[3], f[4], f[5]));
        }
        return new MutantTable(rows);
    }

    /** Rows of fresh results, keeping each known row's expectation and reason; new survivors get no reason. */
    public MutantTable updated(List<MutationRun.Result> results) {
        Map<String, Row> old = new LinkedHashMap<>();
        for (Row r : rows) old.put(r.key(), r);
        List<Row> out = new ArrayList<>();
        java.util.Set<String> scenarios = new java.util.HashSet<>();
        for (MutationRun.Result res : results) {
            scenarios.add(res.scenario());
            for (MutationRun.Outcome o : res.mutants()) {
                Row was = old.get(res.scenario() + "\t" + o.mutant().id());
                String caught = o.caughtBy();
                String expect = was != null ? was.expect() : caught.equals("-") ? "survives" : "must-catch";
                String reason = was != null ? was.reason() : "";
                out.add(new Row(res.scenario(), res.codeSha256().substring(0, 16), o.mutant().id(), caught, expect, reason));
            }
        }
        for (Row r : rows) if (!scenarios.contains(r.scenario())) out.add(r);
        return new MutantTable(out);
    }

    public void write(Path file) throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        for (Row r : rows) b.append(r.line()).append('\n');
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, b.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** Problems of this table against fresh results of the scenarios in {@code results}, one line each. */
    public List<String> check(List<MutationRun.Result> results) {
        List<String> problems = new ArrayList<>();
        Map<String, Row> table = new LinkedHashMap<>();
        for (Row r : rows) table.put(r.key(), r);
        for (MutationRun.Result res : results) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (MutationRun.Outcome o : res.mutants()) {
                String key = res.scenario() + "\t" + o.mutant().id();
                seen.add(key);
                if (!o.timedOut().isEmpty()) {
                    problems.add("TIMED OUT (not a verdict; raise --timeout): " + res.scenario() + " '" + o.mutant().id() + "': " + o.timedOut());
                }
                Row r = table.get(key);
                String caught = o.caughtBy();
                if (r == null) {
                    problems.add("stale table: " + res.scenario() + " has mutant '" + o.mutant().id() + "' (caught by " + caught + ") that the table lacks");
                    continue;
                }
                if (!r.sha().equals(res.codeSha256().substring(0, 16))) {
                    problems.add("stale table: " + res.scenario() + " code sha256 is " + res.codeSha256().substring(0, 16) + ", the table has " + r.sha());
                }
                if (!r.caughtBy().equals(caught)) {
                    problems.add("stale table: " + res.scenario() + " '" + o.mutant().id() + "' is now caught by " + caught + ", the table says " + r.caughtBy());
                }
                if (r.expect().equals("must-catch") && caught.equals("-")) {
                    problems.add("SURVIVOR: " + res.scenario() + " '" + o.mutant().id() + "' must be caught but every engine proves the mutant");
                }
                if (r.expect().equals("survives") && r.reason().isBlank()) {
                    problems.add("unexplained survivor: " + res.scenario() + " '" + o.mutant().id() + "' survives without a reason in the table");
                }
                if (!r.expect().equals("must-catch") && !r.expect().equals("survives")) {
                    problems.add("table row '" + key + "': expect must be must-catch or survives, not '" + r.expect() + "'");
                }
            }
            for (Row r : rows) {
                if (r.scenario().equals(res.scenario()) && !seen.contains(r.key())) {
                    problems.add("stale table: " + r.scenario() + " mutant '" + r.mutant() + "' no longer exists in the code");
                }
            }
        }
        return problems;
    }

    /** Caught mutants / all mutants of the rows. */
    public String killRate() {
        long caught = rows.stream().filter(r -> !r.caughtBy().equals("-")).count();
        return String.format("%d of %d mutants caught (%.0f%%)", caught, rows.size(), rows.isEmpty() ? 0.0 : 100.0 * caught / rows.size());
    }
}
