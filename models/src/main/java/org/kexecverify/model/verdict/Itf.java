package org.kexecverify.model.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counterexamples as Apalache's Informal Trace Format (ITF) JSON, with our own {@code #meta} keys
 * ({@code scenario}, {@code obligation}, {@code engine}, {@code witness}) and per state
 * {@code #meta.action} / {@code #meta.source}. Integers are written as {@code {"#bigint": "..."}}.
 */
public final class Itf {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private Itf() {}

    /** Thrown for a file that is not a counterexample this tool wrote (names the missing key). */
    public static final class MalformedTrace extends Exception {
        public MalformedTrace(String msg) { super(msg); }
    }

    public static String write(Counterexample cx) {
        ObjectNode root = F.objectNode();
        ObjectNode meta = root.putObject("#meta");
        meta.put("format", "ITF");
        meta.put("format-description", "https://apalache-mc.org/docs/adr/015adr-trace.html");
        meta.put("scenario", cx.scenario());
        meta.put("obligation", cx.obligation().name());
        meta.put("engine", cx.engine());
        meta.set("witness", value(cx.witness()));
        sorted(cx.meta()).forEach((k, v) -> meta.set(k, value(v)));
        Set<String> vars = new java.util.TreeSet<>();
        for (Counterexample.State s : cx.states()) vars.addAll(s.vars().keySet());
        ArrayNode varsNode = root.putArray("vars");
        vars.forEach(varsNode::add);
        ArrayNode states = root.putArray("states");
        int i = 0;
        for (Counterexample.State s : cx.states()) {
            ObjectNode st = states.addObject();
            ObjectNode sm = st.putObject("#meta");
            sm.put("index", i++);
            sm.put("action", s.action());
            sm.put("source", s.source());
            sorted(s.vars()).forEach((k, v) -> st.set(k, value(v)));
        }
        if (cx.loop() >= 0) root.put("loop", cx.loop());
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A map's entries by key: the same counterexample is the same file in every JVM run (Map.copyOf's order is not). */
    private static Map<String, Object> sorted(Map<?, ?> m) {
        Map<String, Object> out = new java.util.TreeMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), x));
        return out;
    }

    static JsonNode value(Object v) {
        if (v == null) return F.nullNode();
        if (v instanceof Boolean b) return F.booleanNode(b);
        if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
            return F.objectNode().put("#bigint", v.toString());
        }
        if (v instanceof String s) return F.textNode(s);
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = F.objectNode();
            sorted(m).forEach((k, x) -> o.set(k, value(x)));
            return o;
        }
        if (v instanceof Iterable<?> it) {
            ArrayNode a = F.arrayNode();
            it.forEach(x -> a.add(value(x)));
            return a;
        }
        return F.textNode(v.toString());
    }

    static Object unvalue(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (n.isBoolean()) return n.booleanValue();
        if (n.isTextual()) return n.textValue();
        if (n.isNumber()) return n.longValue();
        if (n.isObject() && n.has("#bigint")) {
            String t = n.get("#bigint").asText();
            if (t.length() > 80) throw new NumberFormatException("#bigint longer than 80 digits");
            BigInteger b = new BigInteger(t);
            return b.bitLength() < 64 ? (Object) b.longValue() : b;
        }
        if (n.isArray()) {
            List<Object> out = new ArrayList<>();
            n.forEach(x -> out.add(unvalue(x)));
            return out;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = n.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), unvalue(e.getValue()));
        }
        return m;
    }

    public static Counterexample read(Path file) throws IOException, MalformedTrace {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new MalformedTrace(file + ": not valid JSON" + line + ": " + String.valueOf(e.getOriginalMessage()).lines().findFirst().orElse(""));
        }
        try {
            return parse(file.toString(), root);
        } catch (NumberFormatException e) {
            throw new MalformedTrace(file + ": a #bigint value is not a decimal integer");
        }
    }

    public static Counterexample parse(String where, JsonNode root) throws MalformedTrace {
        if (root == null || !root.isObject()) throw new MalformedTrace(where + ": top level is not a JSON object");
        JsonNode meta = require(where, root, "#meta");
        String scenario = requireText(where, meta, "#meta.scenario", "scenario");
        String obl = requireText(where, meta, "#meta.obligation", "obligation");
        Obligation obligation;
        try {
            obligation = Obligation.valueOf(obl);
        } catch (IllegalArgumentException e) {
            throw new MalformedTrace(where + ": #meta.obligation: unknown obligation '" + obl + "'");
        }
        String engine = requireText(where, meta, "#meta.engine", "engine");
        JsonNode states = require(where, root, "states");
        if (!states.isArray() || states.isEmpty()) throw new MalformedTrace(where + ": states: must be a non-empty array");
        List<Counterexample.State> out = new ArrayList<>();
        for (int i = 0; i < states.size(); i++) {
            JsonNode s = states.get(i);
            if (!s.isObject()) throw new MalformedTrace(where + ": states[" + i + "]: not an object");
            JsonNode sm = s.get("#meta");
            String action = sm != null && sm.has("action") ? sm.get("action").asText() : "UNKNOWN";
            String source = sm != null && sm.has("source") ? sm.get("source").asText() : "UNKNOWN";
            Map<String, Object> vars = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = s.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getKey().equals("#meta")) vars.put(e.getKey(), unvalue(e.getValue()));
            }
            out.add(new Counterexample.State(action, source, vars));
        }
        int loop = -1;
        if (root.has("loop")) {
            JsonNode l = root.get("loop");
            if (!l.isIntegralNumber() || l.asLong() < 0) throw new MalformedTrace(where + ": loop: must be a state index (a non-negative integer)");
            loop = (int) Math.min(Integer.MAX_VALUE, l.asLong());
        }
        if (loop >= out.size()) throw new MalformedTrace(where + ": loop: index " + loop + " beyond the " + out.size() + " states");
        Object w = meta.has("witness") ? unvalue(meta.get("witness")) : Map.of();
        @SuppressWarnings("unchecked")
        Map<String, Object> witness = w instanceof Map<?, ?> ? new LinkedHashMap<>((Map<String, Object>) w) : Map.of();
        witness.values().removeIf(java.util.Objects::isNull);
        Map<String, Object> extra = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = meta.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!Set.of("scenario", "obligation", "engine", "witness").contains(e.getKey()) && !e.getValue().isNull()) {
                extra.put(e.getKey(), unvalue(e.getValue()));
            }
        }
        return new Counterexample(scenario, obligation, engine, witness, out, loop, extra);
    }

    private static JsonNode require(String where, JsonNode n, String key) throws MalformedTrace {
        JsonNode v = n.get(key);
        if (v == null) throw new MalformedTrace(where + ": missing key '" + key + "'");
        return v;
    }

    private static String requireText(String where, JsonNode n, String path, String key) throws MalformedTrace {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) throw new MalformedTrace(where + ": " + path + ": missing or not a string");
        return v.asText();
    }
}
