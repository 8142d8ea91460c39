package org.kexecverify.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.walk.PageAttributes;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.WalkContext;
import org.kexecverify.model.walk.WalkStep;

/**
 * The {@code --json} documents of {@code walk} and {@code run} (schema in README.md, "JSON output"): addresses and
 * 64-bit values as "0x..." strings, so that no JSON reader rounds them.
 */
final class CliJson {
    private CliJson() {}

    private static final ObjectMapper M = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static String hex(long v) {
        return String.format("0x%x", v);
    }

    static String walk(RelocationPlan plan, int phase, Phase p, long va, String access, int size, Translation t) throws java.io.IOException {
        ObjectNode o = M.createObjectNode();
        o.put("schema", "kexec-verify.walk/1");
        o.put("scenario", plan.scenario().name());
        o.put("file", plan.scenario().file());
        o.put("phase", phase);
        o.put("phaseName", p.name());
        o.put("va", hex(va));
        o.put("access", access);
        o.put("size", size);
        WalkContext w = t.where();
        ObjectNode c = o.putObject("context");
        c.put("regime", w.regime().cliName());
        c.put("ttbr", w.ttbrName());
        c.put("ttbrValue", w.ttbrName() == null ? null : hex(w.ttbr()));
        c.put("tcr", w.tcrName());
        c.put("txszField", w.szName());
        c.put("txsz", w.txsz());
        c.put("paBits", w.paBits());
        c.put("startLevel", w.startLevel());
        c.put("note", w.note());
        ArrayNode levels = o.putArray("levels");
        for (WalkStep s : t.steps()) {
            ObjectNode l = levels.addObject();
            l.put("level", s.level());
            l.put("table", hex(s.tableAddress()));
            l.put("index", s.index());
            l.put("descriptorAddress", hex(s.descriptorAddress()));
            l.put("descriptor", hex(s.descriptor()));
            l.put("kind", s.kind().name());
        }
        if (t instanceof Translation.Mapped m) {
            o.put("outcome", "mapped");
            o.put("pa", hex(m.pa()));
            PageAttributes a = m.attrs();
            ObjectNode at = o.putObject("attributes");
            at.put("memory", a.memory().describe());
            at.put("mairIndex", a.mairIndex());
            at.put("readable", a.readable());
            at.put("writable", a.writable());
            at.put("executable", a.executable());
            at.put("flat", a.flat());
        } else if (t instanceof Translation.Fault f) {
            o.put("outcome", "fault");
            ObjectNode fo = o.putObject("fault");
            fo.put("kind", f.kind().name());
            fo.put("level", f.level());
            fo.put("fsc", String.format("0x%02x", f.fsc()));
            fo.put("reason", f.reason());
            fo.put("summary", f.summary());
        }
        return M.writeValueAsString(o);
    }

    static String run(RelocationPlan plan, ScenarioRun run, ScenarioRun.Outcome out) throws java.io.IOException {
        ObjectNode o = M.createObjectNode();
        o.put("schema", "kexec-verify.run/1");
        o.put("scenario", plan.scenario().name());
        o.put("file", plan.scenario().file());
        o.put("code", run.code().describe());
        o.put("entry", hex(run.entry()));
        RunResult r = out.result();
        o.put("outcome", r instanceof RunResult.Completed ? "completed" : r instanceof RunResult.Hang ? "hang" : "stopped");
        o.put("clean", out.clean());
        o.put("summary", out.summary());
        ArrayNode ex = o.putArray("exceptions");
        if (r instanceof RunResult.Completed c) {
            o.put("pc", hex(c.pc()));
            o.put("el", c.el());
            o.put("steps", c.steps());
            o.put("retired", c.retired());
            for (ExceptionRecord e : c.exceptions()) ex.add(e.toString());
        } else if (r instanceof RunResult.Hang h) {
            o.put("pc", hex(h.pc()));
            o.put("el", h.el());
            o.put("steps", h.steps());
            o.put("hangKind", h.kind().name());
            o.put("hang", h.description());
            for (ExceptionRecord e : h.loop()) ex.add(e.toString());
        } else if (r instanceof RunResult.Stopped s) {
            o.put("pc", hex(s.pc()));
            o.put("el", s.el());
            o.put("steps", s.steps());
            o.put("stopped", s.reason());
        }
        ArrayNode md = o.putArray("mismatchedDestinations");
        out.mismatchedDestinations().forEach(a -> md.add(hex(a)));
        ArrayNode dd = o.putArray("dirtyDestinationLines");
        out.dirtyDestinationLines().forEach(a -> dd.add(hex(a)));
        o.put("staleInstructionLines", out.staleInstructionLines());
        o.put("clobber", out.clobber() == null ? null : out.clobber().toString());
        ArrayNode notes = o.putArray("notes");
        out.notes().forEach(notes::add);
        return M.writeValueAsString(o);
    }

    static String runInconclusive(java.nio.file.Path scenario, String why) throws java.io.IOException {
        ObjectNode o = M.createObjectNode();
        o.put("schema", "kexec-verify.run/1");
        o.put("file", scenario.toString());
        o.put("outcome", "inconclusive");
        o.put("reason", why);
        return M.writeValueAsString(o);
    }
}
