package org.kexecverify.tla;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses TLC's {@code -tool} output into messages and reads a {@link TlcResult} out of them.
 *
 * <pre>
 *  @!@!@STARTMSG 2110:1 @!@!@          -> INVARIANT_VIOLATION  "Invariant NoExceptionLoop is violated."
 *  @!@!@STARTMSG 2121:1 @!@!@          -> trace header
 *  @!@!@STARTMSG 2217:4 @!@!@          -> "3: &lt;MsrSysReg line 35, ... of module KexecVerify&gt;" + state
 *  @!@!@STARTMSG 2122:4 / 2218:4       -> lasso: "Back to state" / "Stuttering"
 *  @!@!@STARTMSG 2199:0 @!@!@          -> "N states generated, M distinct states found, ..."
 *  @!@!@STARTMSG 2193:0 @!@!@          -> "Model checking completed. No error has been found."
 * </pre>
 */
public final class TlcToolOutput {
    private static final Pattern START = Pattern.compile("@!@!@STARTMSG (-?\\d+):(\\d+) @!@!@");
    private static final Pattern END = Pattern.compile("@!@!@ENDMSG (-?\\d+) @!@!@");
    private static final Pattern STATS = Pattern.compile("([\\d,]+) states generated, ([\\d,]+) distinct states found");
    private static final Pattern DEPTH = Pattern.compile("depth of the complete state graph search is (\\d+)");
    private static final Pattern INVARIANT = Pattern.compile("Invariant (\\w+) is violated");
    private static final Pattern ACTION_PROPERTY = Pattern.compile("Action property (\\w+) is violated");
    private static final Pattern STATE_HEAD = Pattern.compile("(?s)^(\\d+): (?:<(\\S+)(?: (line .*?))?>|<Initial predicate>)\\s*\\n?(.*)$");
    private static final Pattern BACK_TO = Pattern.compile("^(\\d+): Back to state");
    private static final Pattern STUTTER = Pattern.compile("^(\\d+): Stuttering");

    private final List<TlcMessage> messages;
    private final String unframed;

    private TlcToolOutput(List<TlcMessage> messages, String unframed) {
        this.messages = List.copyOf(messages);
        this.unframed = unframed;
    }

    public static TlcToolOutput parse(String text) {
        List<TlcMessage> out = new ArrayList<>();
        StringBuilder outside = new StringBuilder();
        int pos = 0;
        Matcher start = START.matcher(text);
        while (start.find(pos)) {
            outside.append(text, pos, start.start());
            int code = Integer.parseInt(start.group(1));
            int sev = Integer.parseInt(start.group(2));
            Matcher end = END.matcher(text);
            if (!end.find(start.end())) {
                out.add(new TlcMessage(code, sev, text.substring(start.end()).trim()));
                pos = text.length();
                break;
            }
            out.add(new TlcMessage(code, sev, text.substring(start.end(), end.start()).trim()));
            pos = end.end();
        }
        if (pos < text.length()) outside.append(text.substring(pos));
        return new TlcToolOutput(out, outside.toString());
    }

    public List<TlcMessage> messages() {
        return messages;
    }

    /** Text TLC printed outside any message frame (SANY output, JVM errors). */
    public String unframed() {
        return unframed;
    }

    /**
     * The result, given the child's exit code and wall time. {@code temporalNames} names the
     * PROPERTY entries checked, reported as the violated property of a temporal counterexample.
     */
    public TlcResult result(int exitCode, long millis, String temporalNames) {
        long distinct = -1, generated = -1, depth = -1;
        for (TlcMessage m : messages) {
            if (m.code() == TlcCode.STATS.code()) {
                Matcher s = STATS.matcher(m.body());
                if (s.find()) {
                    generated = Long.parseLong(s.group(1).replace(",", ""));
                    distinct = Long.parseLong(s.group(2).replace(",", ""));
                }
            } else if (m.code() == TlcCode.SEARCH_DEPTH.code()) {
                Matcher d = DEPTH.matcher(m.body());
                if (d.find()) depth = Long.parseLong(d.group(1));
            }
        }
        TlcStats stats = new TlcStats(distinct, generated, depth, millis, exitCode);

        if (unframed.contains("OutOfMemoryError")) {
            return new TlcResult.Failure("TLC ran out of memory (java.lang.OutOfMemoryError)", stats);
        }
        for (TlcMessage m : messages) {
            if (m.kind() == TlcCode.Kind.ERROR) {
                return new TlcResult.Failure("TLC error " + m.code() + ": " + firstLine(m.body()), stats);
            }
        }
        TlcResult.Violation.Kind kind = null;
        String property = null;
        for (TlcMessage m : messages) {
            switch (m.kind()) {
                case INVARIANT_VIOLATION -> {
                    kind = TlcResult.Violation.Kind.INVARIANT;
                    Matcher inv = INVARIANT.matcher(m.body());
                    Matcher act = ACTION_PROPERTY.matcher(m.body());
                    property = inv.find() ? inv.group(1) : act.find() ? act.group(1) : firstLine(m.body());
                }
                case TEMPORAL_VIOLATION -> {
                    kind = TlcResult.Violation.Kind.TEMPORAL;
                    property = temporalNames;
                }
                case DEADLOCK -> {
                    kind = TlcResult.Violation.Kind.DEADLOCK;
                    property = "Deadlock";
                }
                default -> { }
            }
            if (kind != null) break;
        }
        if (kind != null) {
            TlcTrace trace;
            try {
                trace = trace();
            } catch (TlaValueParser.BadValue e) {
                return new TlcResult.Failure("unreadable TLC trace: " + e.getMessage(), stats);
            }
            if (trace == null) {
                return new TlcResult.Failure("TLC reported a violation of " + property + " without a trace", stats);
            }
            if (exitCode == 0) {
                return new TlcResult.Failure("TLC reported a violation but exited with 0", stats);
            }
            return new TlcResult.Violation(kind, property, trace, stats);
        }
        boolean success = messages.stream().anyMatch(m -> m.code() == TlcCode.SUCCESS.code());
        if (success) {
            if (exitCode != 0) return new TlcResult.Failure("TLC reported success but exited with " + exitCode, stats);
            if (distinct < 0) return new TlcResult.Failure("TLC reported success without state counts", stats);
            return new TlcResult.NoError(stats);
        }
        String tail = unframed.strip();
        if (tail.length() > 300) tail = tail.substring(tail.length() - 300);
        return new TlcResult.Failure("TLC ended (exit " + exitCode + ") without a result"
                + (tail.isEmpty() ? "" : ": " + firstLine(tail)), stats);
    }

    /** The first counterexample trace in the output, or null. */
    TlcTrace trace() throws TlaValueParser.BadValue {
        List<TlcState> states = new ArrayList<>();
        int loop = -1;
        boolean inTrace = false;
        for (TlcMessage m : messages) {
            TlcCode.Kind k = m.kind();
            if (k == TlcCode.Kind.TRACE_HEADER) {
                inTrace = true;
            } else if (k == TlcCode.Kind.TRACE_STATE && (inTrace || states.isEmpty())) {
                inTrace = true;
                Matcher h = STATE_HEAD.matcher(m.body());
                if (!h.matches()) throw new TlaValueParser.BadValue("state header expected: " + firstLine(m.body()));
                String action = h.group(2) == null ? "Init" : h.group(2);
                String location = h.group(3) == null ? "" : h.group(3);
                Map<String, Object> vars = TlaValueParser.parseState(h.group(4));
                states.add(new TlcState(action, location, vars));
            } else if (k == TlcCode.Kind.TRACE_LOOP) {
                Matcher b = BACK_TO.matcher(m.body());
                if (b.find()) loop = Integer.parseInt(b.group(1)) - 1;
                break;
            } else if (k == TlcCode.Kind.TRACE_STUTTER) {
                Matcher st = STUTTER.matcher(m.body());
                if (st.find()) loop = states.size() - 1;
                break;
            } else if (inTrace && !states.isEmpty() && k != TlcCode.Kind.TRACE_STATE) {
                break;
            }
        }
        if (states.isEmpty()) return null;
        return new TlcTrace(states, loop);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl).strip();
    }
}
