package org.kexecverify.tla;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the TLA+ values TLC prints in traces into plain Java values shaped for ITF: strings,
 * {@code Long}/{@code BigInteger}, booleans, {@code List} for tuples/sequences, {@code Map} for
 * records, {@code {"#set": [...]}} for sets and {@code {"#map": [[k, v], ...]}} for functions
 * written {@code (k :> v @@ ...)}. Model values become {@code {"#unserializable": name}}.
 */
public final class TlaValueParser {
    private final String s;
    private int i;

    private TlaValueParser(String s) {
        this.s = s;
    }

    /** Thrown for text that is not a TLC value; names the offset. */
    public static final class BadValue extends Exception {
        BadValue(String msg) {
            super(msg);
        }
    }

    public static Object parse(String text) throws BadValue {
        TlaValueParser p = new TlaValueParser(text);
        Object v = p.value();
        p.ws();
        if (p.i != p.s.length()) throw p.error("trailing text");
        return v;
    }

    /**
     * Parses a state as TLC prints it: {@code /\ x = v} lines (or a single {@code x = v}).
     * Variable order is kept.
     */
    public static Map<String, Object> parseState(String text) throws BadValue {
        TlaValueParser p = new TlaValueParser(text);
        Map<String, Object> vars = new LinkedHashMap<>();
        p.ws();
        while (p.i < p.s.length()) {
            if (p.s.startsWith("/\\", p.i)) p.i += 2;
            p.ws();
            String name = p.identifier();
            p.ws();
            p.expect("=");
            vars.put(name, p.value());
            p.ws();
        }
        return vars;
    }

    private Object value() throws BadValue {
        ws();
        if (i >= s.length()) throw error("value expected");
        char c = s.charAt(i);
        if (c == '"') return string();
        if (s.startsWith("<<", i)) {
            i += 2;
            List<Object> items = list(">>");
            return items;
        }
        if (c == '{') {
            i++;
            return Map.of("#set", list("}"));
        }
        if (c == '[') return record();
        if (c == '(') return function();
        if (c == '-' || Character.isDigit(c)) return number();
        String id = identifier();
        return switch (id) {
            case "TRUE" -> Boolean.TRUE;
            case "FALSE" -> Boolean.FALSE;
            default -> Map.of("#unserializable", id);
        };
    }

    private List<Object> list(String close) throws BadValue {
        List<Object> items = new ArrayList<>();
        ws();
        if (s.startsWith(close, i)) {
            i += close.length();
            return items;
        }
        while (true) {
            items.add(value());
            ws();
            if (s.startsWith(close, i)) {
                i += close.length();
                return items;
            }
            expect(",");
        }
    }

    private Object record() throws BadValue {
        expect("[");
        Map<String, Object> rec = new LinkedHashMap<>();
        ws();
        if (s.startsWith("]", i)) {
            i++;
            return rec;
        }
        while (true) {
            ws();
            String field = identifier();
            ws();
            expect("|->");
            rec.put(field, value());
            ws();
            if (s.startsWith("]", i)) {
                i++;
                return rec;
            }
            expect(",");
        }
    }

    /** {@code (k1 :> v1 @@ k2 :> v2)}, or a parenthesised value. */
    private Object function() throws BadValue {
        expect("(");
        List<Object> pairs = new ArrayList<>();
        while (true) {
            Object k = value();
            ws();
            if (!s.startsWith(":>", i)) {
                if (pairs.isEmpty()) {
                    expect(")");
                    return k;
                }
                throw error("':>' expected");
            }
            i += 2;
            Object v = value();
            pairs.add(List.of(k, v));
            ws();
            if (s.startsWith("@@", i)) {
                i += 2;
                continue;
            }
            expect(")");
            return Map.of("#map", pairs);
        }
    }

    private Object number() {
        int start = i;
        if (s.charAt(i) == '-') i++;
        while (i < s.length() && Character.isDigit(s.charAt(i))) i++;
        BigInteger b = new BigInteger(s.substring(start, i));
        return b.bitLength() < 64 ? (Object) b.longValue() : b;
    }

    private String string() throws BadValue {
        expect("\"");
        StringBuilder b = new StringBuilder();
        while (i < s.length()) {
            char c = s.charAt(i++);
            if (c == '"') return b.toString();
            if (c == '\\' && i < s.length()) {
                char e = s.charAt(i++);
                b.append(switch (e) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    default -> e;
                });
            } else {
                b.append(c);
            }
        }
        throw error("unterminated string");
    }

    private String identifier() throws BadValue {
        int start = i;
        while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) i++;
        if (start == i) throw error("identifier expected");
        return s.substring(start, i);
    }

    private void expect(String tok) throws BadValue {
        ws();
        if (!s.startsWith(tok, i)) throw error("'" + tok + "' expected");
        i += tok.length();
    }

    private void ws() {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
    }

    private BadValue error(String what) {
        int from = Math.max(0, i - 20);
        int to = Math.min(s.length(), i + 20);
        return new BadValue(what + " at offset " + i + " near '" + s.substring(from, to).replace('\n', ' ') + "'");
    }
}
