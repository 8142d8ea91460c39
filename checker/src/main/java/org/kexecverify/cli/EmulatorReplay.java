package org.kexecverify.cli;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.verdict.Verdict;

/**
 * {@code check --replay}: every refutation is replayed on the A64 emulator (one concrete run per
 * scenario) and marked CONFIRMED, SPURIOUS (an engine is wrong: reported as a disagreement) or
 * not emulated.
 */
final class EmulatorReplay {
    private EmulatorReplay() {}

    /** Budget of one run: the 25 MiB relocation takes ~6.3 M instructions. */
    static final long BUDGET = 200_000_000L;

    record Result(Map<Verdict, String> notes, List<String> spurious) {}

    /**
     * The replay, or what the same build replayed for the same plan and verdicts before: the key
     * covers the plan's content and every verdict with its counterexample.
     */
    static Result replay(RelocationPlan plan, List<Verdict> verdicts, org.kexecverify.cache.ResultsCache cache) {
        if (verdicts.stream().noneMatch(v -> v instanceof Verdict.Refuted)) return replay(plan, verdicts);
        java.util.Optional<String> key = org.kexecverify.cache.PlanDigests.of(plan)
                .flatMap(d -> org.kexecverify.cache.ResultsCache.key("replay", d, verdicts));
        if (key.isPresent()) {
            java.util.Optional<com.fasterxml.jackson.databind.JsonNode> got = cache.getJson(key.get());
            if (got.isPresent()) {
                Map<Verdict, String> notes = new LinkedHashMap<>();
                List<String> spurious = new java.util.ArrayList<>();
                boolean ok = true;
                for (com.fasterxml.jackson.databind.JsonNode n : got.get().path("notes")) {
                    int i = n.path("verdict").asInt(-1);
                    if (i < 0 || i >= verdicts.size() || !n.path("note").isTextual()) { ok = false; break; }
                    notes.put(verdicts.get(i), n.path("note").asText());
                }
                got.get().path("spurious").forEach(x -> spurious.add(x.asText()));
                if (ok) return new Result(notes, spurious);
            }
        }
        Result r = replay(plan, verdicts);
        if (key.isPresent()) {
            com.fasterxml.jackson.databind.node.ObjectNode v = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
            com.fasterxml.jackson.databind.node.ArrayNode ns = v.putArray("notes");
            for (int i = 0; i < verdicts.size(); i++) {
                String note = r.notes().get(verdicts.get(i));
                if (note != null) ns.addObject().put("verdict", i).put("note", note);
            }
            com.fasterxml.jackson.databind.node.ArrayNode sp = v.putArray("spurious");
            r.spurious().forEach(sp::add);
            cache.putJson(key.get(), v);
        }
        return r;
    }

    static Result replay(RelocationPlan plan, List<Verdict> verdicts) {
        Map<Verdict, String> notes = new LinkedHashMap<>();
        List<String> spurious = new java.util.ArrayList<>();
        if (verdicts.stream().noneMatch(v -> v instanceof Verdict.Refuted)) return new Result(notes, spurious);
        ScenarioRun.Outcome o = null;
        String unsupported = null;
        try {
            o = ScenarioRun.prepare(plan.withMemory(plan.memory().copyOf())).run(BUDGET);   // the run writes memory: never the plan the report walks
        } catch (ScenarioRun.Unsupported e) {
            unsupported = e.getMessage();
        }
        for (Verdict v : verdicts) {
            if (!(v instanceof Verdict.Refuted)) continue;
            if (o == null) {
                notes.put(v, "emulator replay: not emulated (" + unsupported + ")");
            } else if (o.violates(v.obligation())) {
                notes.put(v, "emulator replay: CONFIRMED: " + o.summary());
            } else {
                notes.put(v, "emulator replay: SPURIOUS: the concrete run does not break " + v.obligation() + ": " + o.summary());
                spurious.add(v.obligation() + " refuted by " + v.stats().engine() + " but the emulator's run does not break it");
            }
        }
        return new Result(notes, spurious);
    }
}
