package org.kexecverify.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;

/**
 * The compact result of {@code check}: a scenario x obligation matrix with one mark per selected engine
 * (P proved, R refuted, ? inconclusive, - that engine does not decide it), then one entry per refuted obligation in
 * the engines' words with its counterexample files. Every line fits {@link #WIDTH} columns.
 */
final class Matrix {
    static final int WIDTH = 100;

    /** Column headings, in {@link Obligation} order. */
    static final Map<Obligation, String> SHORT = new LinkedHashMap<>();

    static {
        SHORT.put(Obligation.REGISTERS_VALID, "REGS");
        SHORT.put(Obligation.IDMAP_COVERS_CODE, "IDMAP");
        SHORT.put(Obligation.VECTORS_EXECUTABLE, "VECT");
        SHORT.put(Obligation.DATA_ACCESSIBLE, "DATA");
        SHORT.put(Obligation.NO_CLOBBER, "CLOB");
        SHORT.put(Obligation.NO_HANG_AFTER_MMU_ON, "HANG");
        SHORT.put(Obligation.COHERENT_HANDOFF, "COH");
        SHORT.put(Obligation.TLB_CLEAN_BEFORE_ENABLE, "TLB");
        SHORT.put(Obligation.ENTRY_EL_PRESERVED, "EL");
        // a new obligation without a column would vanish from the matrix: fail at once instead
        for (Obligation o : Obligation.values()) {
            if (!SHORT.containsKey(o)) throw new ExceptionInInitializerError("Matrix: no column for " + o);
        }
    }

    record Row(String scenario, List<Verdict> verdicts, List<String> disagreements) {}

    private Matrix() {}

    static char mark(List<Verdict> vs, Obligation o, String engine) {
        for (Verdict v : vs) {
            if (v.obligation() == o && v.stats().engine().equals(engine)) {
                return v instanceof Verdict.Proved ? 'P' : v instanceof Verdict.Refuted ? 'R' : '?';
            }
        }
        return '-';
    }

    static String render(List<Row> rows, List<String> engines, Map<Verdict, String> cxFiles, Map<Verdict, String> notes, Path out) {
        int cell = Math.max(engines.size(), 5) + 1;
        int nameW = Math.min(Math.max(8, rows.stream().mapToInt(r -> r.scenario().length()).max().orElse(8)), WIDTH - 1 - cell * SHORT.size());
        StringBuilder b = new StringBuilder();
        b.append(String.format("%nmarks per engine (%s): P proved, R refuted, ? inconclusive, - not decided by that engine%n",
                String.join(", ", engines)));
        StringBuilder h = new StringBuilder(String.format("%-" + nameW + "s ", "scenario"));
        for (String s : SHORT.values()) h.append(String.format("%-" + cell + "s", s));
        b.append(h.toString().stripTrailing()).append('\n');
        for (Row r : rows) {
            String name = r.scenario().length() > nameW ? r.scenario().substring(0, nameW - 1) + "~" : r.scenario();
            StringBuilder l = new StringBuilder(String.format("%-" + nameW + "s ", name));
            for (Obligation o : SHORT.keySet()) {
                StringBuilder m = new StringBuilder();
                for (String e : engines) m.append(mark(r.verdicts(), o, e));
                l.append(String.format("%-" + cell + "s", m));
            }
            b.append(l.toString().stripTrailing()).append('\n');
        }
        for (Row r : rows) {
            for (Obligation o : SHORT.keySet()) {
                List<Verdict> refs = r.verdicts().stream().filter(v -> v.obligation() == o && v instanceof Verdict.Refuted).toList();
                if (refs.isEmpty()) continue;
                List<String> by = new ArrayList<>();
                for (Verdict v : refs) by.add(v.stats().engine());
                String head = "REFUTED " + r.scenario() + " " + o + " (" + String.join(", ", by) + "): ";
                b.append('\n').append(fit(head + withoutPhase(refs.get(0).explanation()), WIDTH)).append('\n');
                for (Verdict v : refs) {
                    if (cxFiles.containsKey(v)) b.append("    ").append(cxFiles.get(v)).append('\n');   // a file name is never cut
                    if (notes.containsKey(v)) b.append(fit("    " + notes.get(v).replace('\n', ' '), WIDTH)).append('\n');
                }
            }
            for (String d : r.disagreements()) b.append('\n').append(fit("ENGINES DISAGREE " + r.scenario() + " " + d, WIDTH)).append('\n');
        }
        b.append(fit("(counterexamples in " + out + "; --verbose prints every engine's explanation)", WIDTH)).append('\n');
        return b.toString();
    }

    /** An explanation without its leading "[phase]" label (the matrix row already names the scenario). */
    static String withoutPhase(String e) {
        String s = e.replace('\n', ' ').strip();
        if (s.startsWith("[")) {
            int depth = 0;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '[') depth++;
                else if (c == ']' && --depth == 0) return s.substring(i + 1).strip();
            }
        }
        return s;
    }

    /** {@code s} wrapped at word boundaries into lines of at most {@code w} columns, continuation lines indented. */
    static String wrap(String s, int w) {
        StringBuilder b = new StringBuilder();
        StringBuilder line = new StringBuilder();
        for (String word : s.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > w) {
                b.append(line).append('\n');
                line = new StringBuilder("    ");
            }
            if (line.length() > 0 && !line.toString().isBlank()) line.append(' ');
            line.append(word);
        }
        return b.append(line).append('\n').toString();
    }

    /** {@code s} cut at a word boundary to at most {@code w} columns, "..." marking the cut. */
    static String fit(String s, int w) {
        if (s.length() <= w) return s;
        int cut = s.lastIndexOf(' ', w - 3);
        if (cut < w / 2) cut = w - 3;
        return s.substring(0, cut) + "...";
    }
}
