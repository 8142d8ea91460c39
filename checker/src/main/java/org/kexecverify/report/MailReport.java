package org.kexecverify.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.Translation;

/**
 * The report as text a reviewer can mail to a list: {@code report.md} (summary first, then per scenario its phases,
 * the obligation x engine table, each refutation's explanation, walk and notes) and the short {@code report-email.txt}
 * (summary and one paragraph per refutation). Every line is at most {@link #WIDTH} columns; both start with the tool
 * version, the command line and the date.
 */
public final class MailReport {
    private MailReport() {}

    public static final int WIDTH = 80;

    /** Who wrote the report, from what command, when. */
    public record Provenance(String tool, String command, String date) {}

    static String full(List<ScenarioResult> results, Provenance p) {
        StringBuilder m = new StringBuilder();
        head(m, results, p);
        for (ScenarioResult r : results) {
            RelocationPlan plan = r.plan();
            m.append('\n');
            title(m, plan.scenario().name(), '-');
            para(m, plan.scenario().description(), "", "");
            if (plan.scenario().tables().captured() != null) para(m, ReportWriter.captured(plan), "", "");
            m.append('\n');
            for (Phase ph : plan.phases()) {
                para(m, ph.name() + " (" + ph.regs().regime().displayName() + (ph.regs().mmuOn() ? ", MMU on" : ", MMU off") + ")", "phase: ", "       ");
            }
            List<String> engines = engines(r);
            StringBuilder header = new StringBuilder(String.format("  %-24s", "obligation"));
            for (String e : engines) header.append(String.format(" %-12s", e));
            m.append('\n').append(header.toString().stripTrailing()).append('\n');
            for (Obligation o : Obligation.values()) {
                StringBuilder row = new StringBuilder(String.format("  %-24s", o.name()));
                for (String e : engines) {
                    String got = r.verdicts().stream().filter(v -> v.obligation() == o && v.stats().engine().equals(e)).map(Verdict::outcome)
                            .findFirst().orElse("-");
                    row.append(String.format(" %-12s", got));
                }
                m.append(row.toString().stripTrailing()).append('\n');
            }
            for (String d : r.disagreements()) para(m, d, "  ENGINES DISAGREE: ", "    ");
            for (Verdict v : r.verdicts()) {
                if (!(v instanceof Verdict.Refuted ref)) continue;
                m.append('\n');
                para(m, v.explanation().replace('\n', ' '), v.obligation() + " refuted (" + v.stats().engine() + "): ", "    ");
                Translation t = ReportWriter.rewalk(plan, ref.counterexample());
                if (t != null) {
                    m.append("\n  walk:\n");
                    for (String l : t.render().split("\n")) hard(m, l, "", "      ");
                }
                var cx = ref.counterexample();
                if (cx.states().size() > 1) {
                    m.append("\n  trace (").append(cx.states().size()).append(" states").append(cx.loop() >= 0 ? ", loops back to state " + cx.loop() : "")
                            .append("; each step shows what it changed):\n");
                    for (int i = 0; i < cx.states().size(); i++) {
                        var st = cx.states().get(i);
                        String what = i == 0 ? ReportWriter.hexify(st.vars()) : ReportWriter.changes(cx.states().get(i - 1).vars(), st.vars());
                        para(m, st.action() + (st.source().isEmpty() ? "" : " [" + st.source() + "]"), String.format("  %3d ", i), "      ");
                        para(m, what, "      ", "        ");
                    }
                }
                String note = r.notes().get(v);
                if (note != null) {
                    m.append('\n');
                    for (String l : note.split("\n")) hard(m, l, "  ", "      ");
                }
            }
        }
        return m.toString();
    }

    static String email(List<ScenarioResult> results, Provenance p) {
        StringBuilder m = new StringBuilder();
        head(m, results, p);
        for (ScenarioResult r : results) {
            Set<Obligation> seen = new LinkedHashSet<>();
            for (Verdict v : r.verdicts()) {
                if (!(v instanceof Verdict.Refuted) || !seen.add(v.obligation())) continue;
                m.append('\n');
                String expl = v.explanation().replace('\n', ' ');
                if (expl.length() > 400) expl = expl.substring(0, expl.lastIndexOf(' ', 397) < 200 ? 397 : expl.lastIndexOf(' ', 397)) + " ...";
                para(m, expl, r.plan().scenario().name() + ": " + v.obligation() + " (" + v.stats().engine() + "): ", "  ");
            }
        }
        return m.toString();
    }

    private static void head(StringBuilder m, List<ScenarioResult> results, Provenance p) {
        title(m, "kexec-verify report", '=');
        para(m, p.tool(), "Tool:    ", "         ");
        para(m, p.command(), "Command: ", "         ");
        para(m, p.date(), "Date:    ", "         ");
        m.append('\n');
        title(m, "Summary", '-');
        int refuted = 0;
        for (ScenarioResult r : results) if (r.verdicts().stream().anyMatch(v -> v instanceof Verdict.Refuted)) refuted++;
        para(m, results.size() + " scenario(s), " + refuted + " with a refuted obligation.", "", "");
        m.append('\n');
        int w = Math.min(32, results.stream().mapToInt(r -> r.plan().scenario().name().length()).max().orElse(8) + 2);
        for (ScenarioResult r : results) {
            String lead = String.format("  %-" + w + "s", r.plan().scenario().name());
            if (lead.length() > w + 2) lead = lead + "\n" + " ".repeat(w + 2);
            para(m, status(r), lead, " ".repeat(w + 2 + 2));
        }
    }

    /** PROVED, REFUTED: obligations, INCONCLUSIVE: what was not decided, or ENGINES DISAGREE. */
    static String status(ScenarioResult r) {
        if (!r.disagreements().isEmpty()) return "ENGINES DISAGREE (" + String.join("; ", r.disagreements()) + ")";
        Set<String> refuted = new LinkedHashSet<>();
        Set<String> open = new LinkedHashSet<>();
        for (Obligation o : Obligation.values()) {
            List<Verdict> of = r.verdicts().stream().filter(v -> v.obligation() == o).toList();
            if (of.stream().anyMatch(v -> v instanceof Verdict.Refuted)) refuted.add(o.name());
            else if (of.isEmpty()) open.add(o.name() + " not checked");
            else if (of.stream().anyMatch(v -> v instanceof Verdict.Inconclusive)) open.add(o.name() + " inconclusive");
        }
        if (!refuted.isEmpty()) return "REFUTED: " + String.join(", ", refuted);
        if (!open.isEmpty()) return "INCONCLUSIVE: " + String.join(", ", open);
        return "PROVED: every obligation, by every engine that answered";
    }

    private static List<String> engines(ScenarioResult r) {
        Set<String> e = new LinkedHashSet<>();
        for (Verdict v : r.verdicts()) e.add(v.stats().engine());
        return new ArrayList<>(e);
    }

    private static void title(StringBuilder m, String t, char under) {
        m.append(t).append('\n').append(String.valueOf(under).repeat(Math.min(WIDTH, t.length()))).append('\n');
    }

    /** {@code text} filled to {@link #WIDTH} columns: the first line after {@code first}, the others after {@code rest}. */
    static void para(StringBuilder m, String text, String first, String rest) {
        StringBuilder line = new StringBuilder(first);
        boolean empty = true;
        for (String word : text.strip().split("\\s+")) {
            if (!empty && line.length() + 1 + word.length() > WIDTH) {
                m.append(line.toString().stripTrailing()).append('\n');
                line = new StringBuilder(rest);
                empty = true;
            }
            if (!empty) line.append(' ');
            // a word longer than a line (a path, a hex run) is cut where the line ends
            while (line.length() + word.length() > WIDTH && WIDTH - line.length() > 8) {
                int room = WIDTH - line.length();
                m.append(line).append(word, 0, room).append('\n');
                word = word.substring(room);
                line = new StringBuilder(rest);
            }
            line.append(word);
            empty = false;
        }
        m.append(line.toString().stripTrailing()).append('\n');
    }

    /** A preformatted line (a walk level, a hint) kept as it is when it fits, else broken at {@link #WIDTH} columns. */
    static void hard(StringBuilder m, String l, String first, String rest) {
        if (first.length() + l.length() <= WIDTH) {
            m.append(first).append(l.stripTrailing()).append('\n');
            return;
        }
        String lead = l.replaceFirst("^(\\s*).*", "$1");
        para(m, l.strip(), first + lead, rest + lead);
    }
}
