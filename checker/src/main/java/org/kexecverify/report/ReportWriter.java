package org.kexecverify.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.reg.DecodedField;
import org.kexecverify.model.reg.DecodedRegister;
import org.kexecverify.model.reg.FieldKind;
import org.kexecverify.model.reg.Finding;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.verdict.Counterexample;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;
import org.kexecverify.output.OutputDir;

/**
 * Writes the design-review evidence: a self-contained {@code report.html} (inline CSS and SVG, no
 * network fetches) and {@code report.md}: per scenario the decoded registers, the verdict table
 * (obligation x engine), the memory map, and for each refuted obligation the explanation, the walk
 * with the offending bits, the trace with kernel source steps, and notes (replay, repair).
 */
public final class ReportWriter {
    private ReportWriter() {}

    public static void write(List<ScenarioResult> results, OutputDir dir, MailReport.Provenance provenance) throws IOException {
        dir.write("report.html", html(results));
        dir.write("report.md", MailReport.full(results, provenance));
        dir.write("report-email.txt", MailReport.email(results, provenance));
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static List<SysReg> phaseRegisters(TranslationRegs r) {
        List<SysReg> out = new ArrayList<>(List.of(r.sctlrReg()));
        if (r.mmuOn()) {
            out.add(r.tcrReg());
            out.add(r.mairReg());
            out.add(r.ttbrReg(0));
            if (r.regime().hasTwoRanges()) out.add(r.ttbrReg(1));
        }
        return out;
    }

    private static long value(TranslationRegs r, SysReg reg) {
        if (reg == r.sctlrReg()) return r.sctlr();
        if (reg == r.tcrReg()) return r.tcr();
        if (reg == r.mairReg()) return r.mair();
        if (reg == r.ttbrReg(0)) return r.ttbr0();
        return r.ttbr1();
    }

    /** Re-walks a refutation's witness on the plan, so the picture comes from the model, not from text. */
    static Translation rewalk(RelocationPlan plan, Counterexample cx) {
        Object va = cx.witness().get("va");
        Object phase = cx.witness().get("phase");
        if (!(va instanceof Long v) || phase == null) return null;
        for (Phase p : plan.phases()) {
            if (p.name().equals(phase)) {
                AccessType at = AccessType.parse(String.valueOf(cx.witness().getOrDefault("access", "fetch")));
                return Walker.translate(p.regs(), plan.memory(), v, at, at == AccessType.FETCH ? 4 : 8, WalkOptions.DEFAULT);
            }
        }
        return null;
    }

    static String html(List<ScenarioResult> results) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>kexec-verify report</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:24px;max-width:1400px;color:#222}h1{font-size:22px}h2{font-size:18px;border-bottom:1px solid #ccc;margin-top:36px}")
                .append("h3{font-size:15px}table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;vertical-align:top}")
                .append(".PROVED{background:#e8f5e9}.REFUTED{background:#ffebee;font-weight:bold}.INCONCLUSIVE{background:#fff8e1}")
                .append("pre{background:#f5f5f5;padding:8px;font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere}.bad{color:#c62828;font-weight:bold}")
                .append("svg{max-width:100%;height:auto}td{overflow-wrap:anywhere}table{max-width:100%}")
                .append("details{margin:4px 0}.fig{overflow-x:auto;border:1px solid #ddd;padding:4px;margin:8px 0}\n</style></head><body>\n");
        h.append("<h1>kexec-verify: design review evidence</h1>\n<p>").append(results.size()).append(" scenario(s). Verdicts come from the model, the solver, TLC or the emulator; see each table's engine column.</p>\n");
        h.append("<table><tr><th>scenario</th><th>design</th><th>refuted</th><th>inconclusive</th></tr>\n");
        for (ScenarioResult r : results) {
            long ref = r.verdicts().stream().filter(v -> v instanceof Verdict.Refuted).map(Verdict::obligation).distinct().count();
            long inc = r.verdicts().stream().filter(v -> v instanceof Verdict.Inconclusive).count();
            h.append("<tr><td><a href=\"#").append(esc(r.plan().scenario().name())).append("\">").append(esc(r.plan().scenario().name()))
                    .append("</a></td><td>").append(esc(r.plan().design())).append("</td><td class=\"").append(ref > 0 ? "REFUTED" : "PROVED").append("\">")
                    .append(ref).append("</td><td>").append(inc).append("</td></tr>\n");
        }
        h.append("</table>\n");
        for (ScenarioResult r : results) scenarioHtml(h, r);
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void scenarioHtml(StringBuilder h, ScenarioResult r) {
        RelocationPlan plan = r.plan();
        h.append("<h2 id=\"").append(esc(plan.scenario().name())).append("\">").append(esc(plan.scenario().name())).append("</h2>\n<p>")
                .append(esc(plan.scenario().description())).append("<br>file <code>").append(esc(plan.scenario().file())).append("</code>, builder <code>")
                .append(esc(plan.design())).append("</code>, boot regime ").append(esc(plan.scenario().regime().displayName())).append("</p>\n");
        if (plan.scenario().tables().captured() != null) h.append("<p><b>").append(esc(captured(plan))).append("</b></p>\n");
        h.append("<h3>Phases</h3><ol>");
        for (Phase p : plan.phases()) {
            h.append("<li>").append(esc(p.name())).append(" <small>[").append(esc(p.regs().regime().displayName())).append(p.regs().mmuOn() ? ", MMU on" : ", MMU off")
                    .append("; entered at <code>").append(esc(p.entryStep())).append("</code>; ").append(p.vbarName()).append(String.format(" = 0x%x", p.vbar())).append("]</small></li>");
        }
        h.append("</ol>\n<h3>Verdicts</h3>\n");
        Set<String> engines = new LinkedHashSet<>();
        r.verdicts().forEach(v -> engines.add(v.stats().engine()));
        h.append("<table><tr><th>obligation</th>");
        engines.forEach(e -> h.append("<th>").append(esc(e)).append("</th>"));
        h.append("<th>explanation (first engine)</th></tr>\n");
        for (Obligation o : Obligation.values()) {
            List<Verdict> vs = r.verdicts().stream().filter(v -> v.obligation() == o).toList();
            if (vs.isEmpty()) continue;
            h.append("<tr><td>").append(o.name()).append("</td>");
            for (String e : engines) {
                Verdict v = vs.stream().filter(x -> x.stats().engine().equals(e)).findFirst().orElse(null);
                if (v == null) h.append("<td>-</td>");
                else h.append("<td class=\"").append(v.outcome()).append("\">").append(v.outcome()).append("<br><small>").append(v.stats().millis()).append(" ms, ")
                        .append(v.stats().checked()).append(' ').append(esc(v.stats().unit())).append("</small></td>");
            }
            h.append("<td><small>").append(esc(vs.get(0).explanation())).append("</small></td></tr>\n");
        }
        h.append("</table>\n");
        for (String d : r.disagreements()) h.append("<p class=\"bad\">ENGINES DISAGREE: ").append(esc(d)).append("</p>\n");
        h.append("<h3>Physical memory map</h3><div class=\"fig\">").append(Pictures.memoryMap(plan)).append("</div>\n");
        h.append("<h3>Registers, decoded</h3>\n");
        for (Phase p : plan.phases()) {
            h.append("<details><summary>").append(esc(p.name())).append("</summary>\n");
            for (SysReg reg : phaseRegisters(p.regs())) {
                DecodedRegister d = Layouts.of(reg, p.regs().regime()).decode(value(p.regs(), reg), p.regs().regime());
                h.append("<p><b>").append(reg).append(String.format(" = 0x%016x", d.value())).append("</b> <small>(").append(esc(d.layoutName())).append(")</small></p><pre>");
                for (DecodedField f : d.fields()) {
                    if (f.field().kind() != FieldKind.VALUE && f.meaning().isEmpty() && d.findings().stream().noneMatch(x -> x.field().startsWith(f.field().name() + "[" + f.field().bits()))) {
                        continue;
                    }
                    h.append(esc(f.render())).append('\n');
                }
                for (Finding f : d.findings()) h.append("<span class=\"bad\">").append(esc(f.toString())).append("</span>\n");
                h.append("</pre>\n");
            }
            h.append("</details>\n");
        }
        for (Verdict v : r.verdicts()) {
            if (!(v instanceof Verdict.Refuted ref)) continue;
            Counterexample cx = ref.counterexample();
            h.append("<h3 class=\"bad\">").append(v.obligation()).append(" refuted (").append(esc(v.stats().engine())).append(")</h3>\n<p>")
                    .append(esc(v.explanation())).append("</p>\n");
            Translation t = rewalk(plan, cx);
            if (t != null) {
                var regime = org.kexecverify.model.regime.Regime.parse(String.valueOf(cx.witness().get("regime")));
                h.append("<p>The walk, level by level (offending bits in red):</p><pre>");
                String text = t.render();
                for (var f : Pictures.offending(t, regime)) text = text.replace(f.name(), "\u0001" + f.name() + "\u0002");
                h.append(esc(text).replace("\u0001", "<span class=\"bad\">").replace("\u0002", "</span>")).append("</pre>\n");
                h.append("<div class=\"fig\">").append(Pictures.walkTree(t, regime)).append("</div>\n");
            }
            Object tw = cx.witness().get("triggerWalk");
            if (tw != null) h.append("<p>The access that raised the exception:</p><pre>").append(esc(String.valueOf(tw))).append("</pre>\n");
            h.append("<p>Trace (").append(cx.states().size()).append(" state(s)").append(cx.loop() >= 0 ? ", loops back to state " + cx.loop() : "").append("):</p>");
            h.append("<table><tr><th>#</th><th>action</th><th>kernel step</th><th>state (first), then what the step changed</th></tr>");
            for (int i = 0; i < cx.states().size(); i++) {
                Counterexample.State s = cx.states().get(i);
                h.append("<tr><td>").append(i).append("</td><td>").append(esc(s.action())).append("</td><td><code>").append(esc(s.source())).append("</code></td><td><small>")
                        .append(esc(i == 0 ? hexify(s.vars()) : changes(cx.states().get(i - 1).vars(), s.vars()))).append("</small></td></tr>");
            }
            h.append("</table>\n");
            String note = r.notes().get(v);
            if (note != null) h.append("<pre>").append(esc(note)).append("</pre>\n");
        }
    }

    /**
     * The variables whose value differs from the previous state, as {@link #hexify} prints them ("no variable changed"
     * when none): a trace step shows what the step did, not the whole state again.
     */
    static String changes(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> changed = new java.util.TreeMap<>();
        after.forEach((k, v) -> {
            // lastStep is the step's kernel source, printed beside it already
            if (k.equals("lastStep")) return;
            if (!before.containsKey(k) || !sortedText(before.get(k)).equals(sortedText(v))) changed.put(k, v);
        });
        for (String k : before.keySet()) if (!after.containsKey(k)) changed.put(k, "(gone)");
        return changed.isEmpty() ? "no variable changed" : hexify(changed);
    }

    static String hexify(Map<String, Object> vars) {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(vars).forEach((k, v) -> sb.append(k).append('=').append(v instanceof Long l && Math.abs(l) > 4096 ? "0x" + Long.toHexString(l) : sortedText(v)).append("  "));
        return sb.toString().trim();
    }

    /** A value as text with every map's entries in key order, so a trace reads the same however its maps were built. */
    static String sortedText(Object v) {
        if (v instanceof Map<?, ?> m) {
            java.util.TreeMap<String, Object> t = new java.util.TreeMap<>();
            m.forEach((k, x) -> t.put(String.valueOf(k), x));
            StringBuilder b = new StringBuilder("{");
            t.forEach((k, x) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(sortedText(x)));
            return b.append('}').toString();
        }
        if (v instanceof java.util.Collection<?> c) {
            StringBuilder b = new StringBuilder("[");
            for (Object x : c) b.append(b.length() > 1 ? ", " : "").append(sortedText(x));
            return b.append(']').toString();
        }
        return String.valueOf(v);
    }

    /** "State captured from a running kernel: KERNEL VERSION on QEMU -cpu CPU, captured DATE (WHAT); memory: N captured pages". */
    static String captured(RelocationPlan plan) {
        org.kexecverify.model.capture.Capture c = plan.scenario().tables().captured();
        return "State captured from a running kernel: " + c.header().describe() + ", stopped at EL" + c.currentEl() + " (" + c.header().what()
                + "); memory: " + c.pages().size() + " captured pages, " + c.zeroPages().size() + " zero, " + c.code().size()
                + " code pages by reference";
    }
}
