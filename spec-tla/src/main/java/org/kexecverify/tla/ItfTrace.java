package org.kexecverify.tla;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a TLC counterexample as Apalache's Informal Trace Format (ITF) JSON. Top-level
 * {@code #meta} carries {@code scenario}, {@code obligation}, {@code engine} ("tla"), the violated
 * TLA+ property and the module/config checked; every state's {@code #meta} carries its index, the
 * TLA+ {@code action} and the kernel step ({@code source}, e.g.
 * {@code relocate_kernel.S: msr sctlr_el2}). A lasso sets {@code loop}. Integers are
 * {@code {"#bigint": "..."}}, sets {@code {"#set": [...]}}, functions {@code {"#map": [[k, v]]}}.
 */
public final class ItfTrace {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private ItfTrace() {}

    /** The identifying {@code #meta} keys. */
    public record Meta(String scenario, String obligation, String property, String module, String config) {}

    public static String toJson(TlcTrace trace, Meta meta) {
        ObjectNode root = F.objectNode();
        ObjectNode m = root.putObject("#meta");
        m.put("format", "ITF");
        m.put("format-description", "https://apalache-mc.org/docs/adr/015adr-trace.html");
        m.put("scenario", meta.scenario());
        m.put("obligation", meta.obligation());
        m.put("engine", "tla");
        m.put("property", meta.property());
        m.put("module", meta.module());
        m.put("config", meta.config());
        Set<String> vars = new LinkedHashSet<>();
        trace.states().forEach(s -> vars.addAll(s.vars().keySet()));
        ArrayNode vs = root.putArray("vars");
        vars.forEach(vs::add);
        ArrayNode states = root.putArray("states");
        for (int i = 0; i < trace.states().size(); i++) {
            TlcState s = trace.states().get(i);
            ObjectNode st = states.addObject();
            ObjectNode sm = st.putObject("#meta");
            sm.put("index", i);
            sm.put("action", s.action());
            sm.put("source", s.kernelStep());
            s.vars().forEach((k, v) -> st.set(k, value(v)));
        }
        if (trace.isLasso()) root.put("loop", trace.loop());
        try {
            return JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the trace to {@code file} whole or not at all (temporary file, then atomic move). */
    public static void write(Path file, TlcTrace trace, Meta meta) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".itf-", ".tmp");
        try {
            Files.writeString(tmp, toJson(trace, meta) + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static JsonNode value(Object v) {
        if (v instanceof Boolean b) return F.booleanNode(b);
        if (v instanceof Long || v instanceof Integer || v instanceof BigInteger) {
            return F.objectNode().put("#bigint", v.toString());
        }
        if (v instanceof String s) return F.textNode(s);
        if (v instanceof Map<?, ?> map) {
            ObjectNode o = F.objectNode();
            map.forEach((k, x) -> o.set(String.valueOf(k), value(x)));
            return o;
        }
        if (v instanceof List<?> list) {
            ArrayNode a = F.arrayNode();
            list.forEach(x -> a.add(value(x)));
            return a;
        }
        throw new IllegalArgumentException("not an ITF value: " + v);
    }
}
