package org.kexecverify.emulator.asm;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.kexecverify.model.a64.BitMasks;
import org.kexecverify.model.a64.Cond;
import org.kexecverify.model.a64.SysOp;
import org.kexecverify.model.a64.SysRegId;

/**
 * A two-pass assembler for the A64 subset the relocation and MMU-enable code uses, in GNU as syntax.
 *
 * <p>Supported: labels (including numeric local labels {@code 1:} with {@code 1b}/{@code 1f}),
 * {@code .equ/.set/=}, {@code .align/.p2align/.balign/.org/.quad/.xword/.dword/.word/.long/.int/.hword/.short/.byte/.fill/.skip/.space},
 * {@code //} and {@code /* *}{@code /} comments, {@code ;} statement separators, expressions with GNU operator precedence,
 * and the instructions listed in the emulator's decoder. Aliases are encoded as GNU as encodes them
 * ({@code mov} picks MOVZ, then MOVN, then ORR-immediate; {@code lsl #n} is UBFM; {@code cmp} is SUBS to XZR; ...).
 * The encodings are checked word for word against GNU binutils by {@code GnuAsCrossCheckTest}.
 */
public final class Assembler {
    private static final int NOP = 0xd503201f;

    private final String file;
    private final long base;
    private final Map<String, Long> symbols = new HashMap<>();
    private final Map<Integer, List<long[]>> localLabels = new HashMap<>(); // n -> [stmtIndex, address]
    private int pass;
    private int stmtIndex;
    private long pc;
    private int line;
    private ByteArrayOutputStream out;
    private boolean sectionRelative;
    private final java.util.Set<String> labels = new java.util.HashSet<>();

    private Assembler(String file, long base) {
        this.file = file;
        this.base = base;
    }

    /** Assembles {@code source} (named {@code file} in messages) so that its first byte sits at {@code base}. */
    public static Assembly assemble(String file, String source, long base) {
        Assembler a = new Assembler(file, base);
        List<Stmt> stmts = a.split(source);
        a.run(stmts, 1);
        a.run(stmts, 2);
        return new Assembly(file, base, a.out.toByteArray(), a.symbols);
    }

    private record Stmt(int line, String label, String body) {
    }

    // ---------------------------------------------------------------- lexical

    private List<Stmt> split(String source) {
        StringBuilder clean = new StringBuilder(source.length());
        int i = 0;
        while (i < source.length()) {
            char ch = source.charAt(i);
            if (ch == '/' && i + 1 < source.length() && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                if (end < 0) {
                    end = source.length() - 2;
                }
                for (int k = i; k < end + 2; k++) {
                    if (source.charAt(k) == '\n') {
                        clean.append('\n');
                    }
                }
                i = end + 2;
            } else if (ch == '/' && i + 1 < source.length() && source.charAt(i + 1) == '/') {
                while (i < source.length() && source.charAt(i) != '\n') {
                    i++;
                }
            } else {
                clean.append(ch);
                i++;
            }
        }
        List<Stmt> stmts = new ArrayList<>();
        String[] lines = clean.toString().split("\n", -1);
        for (int ln = 0; ln < lines.length; ln++) {
            for (String part : lines[ln].split(";")) {
                String s = part.strip();
                while (true) {
                    int colon = labelColon(s);
                    if (colon < 0) {
                        break;
                    }
                    stmts.add(new Stmt(ln + 1, s.substring(0, colon).strip(), ""));
                    s = s.substring(colon + 1).strip();
                }
                if (!s.isEmpty()) {
                    stmts.add(new Stmt(ln + 1, null, s));
                }
            }
        }
        return stmts;
    }

    private static int labelColon(String s) {
        int k = 0;
        while (k < s.length() && (Character.isLetterOrDigit(s.charAt(k)) || s.charAt(k) == '_' || s.charAt(k) == '.' || s.charAt(k) == '$')) {
            k++;
        }
        return k > 0 && k < s.length() && s.charAt(k) == ':' ? k : -1;
    }

    // ---------------------------------------------------------------- passes

    private void run(List<Stmt> stmts, int which) {
        pass = which;
        pc = base;
        out = new ByteArrayOutputStream();
        for (stmtIndex = 0; stmtIndex < stmts.size(); stmtIndex++) {
            Stmt st = stmts.get(stmtIndex);
            line = st.line();
            if (st.label() != null) {
                defineLabel(st.label());
                continue;
            }
            String body = st.body();
            int eq = body.indexOf('=');
            if (eq > 0 && isSymbol(body.substring(0, eq).strip()) && !body.startsWith(".")) {
                define(body.substring(0, eq).strip(), eval(body.substring(eq + 1), pass == 2));
                continue;
            }
            String mnem;
            String rest;
            int sp = indexOfSpace(body);
            if (sp < 0) {
                mnem = body;
                rest = "";
            } else {
                mnem = body.substring(0, sp);
                rest = body.substring(sp + 1).strip();
            }
            mnem = mnem.toLowerCase(Locale.ROOT);
            if (mnem.startsWith(".")) {
                directive(mnem, rest);
            } else {
                emitWord(instruction(mnem, operands(rest)));
            }
        }
    }

    private static int indexOfSpace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private void defineLabel(String name) {
        if (Character.isDigit(name.charAt(0))) {
            int n = parseIntStrict(name);
            if (pass == 1) {
                localLabels.computeIfAbsent(n, k -> new ArrayList<>()).add(new long[] {stmtIndex, pc});
            }
            return;
        }
        labels.add(name);
        define(name, pc);
    }

    private void define(String name, long value) {
        if (pass == 1 && symbols.containsKey(name) && symbols.get(name) != value) {
            throw err("symbol '" + name + "' defined twice");
        }
        symbols.put(name, value);
    }

    private int parseIntStrict(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw err("bad label '" + s + "'");
        }
    }

    private AsmException err(String msg) {
        return new AsmException(file, line, msg);
    }

    private void emitWord(int w) {
        emitBytes(w & 0xffffffffL, 4);
    }

    private void emitBytes(long v, int n) {
        for (int i = 0; i < n; i++) {
            out.write((int) (v >>> (8 * i)) & 0xff);
        }
        pc += n;
    }

    // ---------------------------------------------------------------- directives

    private void directive(String d, String rest) {
        List<String> args = rest.isEmpty() ? List.of() : splitTop(rest);
        switch (d) {
            case ".text", ".data", ".section", ".global", ".globl", ".type", ".size", ".pushsection", ".popsection",
                    ".previous", ".local", ".weak", ".cfi_startproc", ".cfi_endproc", ".arch", ".cpu", ".ltorg" -> {
                // single flat section; symbol visibility and metadata do not affect the bytes
            }
            case ".equ", ".set" -> {
                if (args.size() != 2) {
                    throw err(d + " needs 'name, value'");
                }
                define(args.get(0).strip(), eval(args.get(1), pass == 2));
            }
            case ".align", ".p2align" -> align(1L << evalNow(args.get(0)));
            case ".balign" -> align(evalNow(args.get(0)));
            case ".org" -> {
                // GNU .org takes a section offset; labels and '.' are read relative to the section start
                sectionRelative = true;
                long target;
                try {
                    target = base + evalNow(args.get(0));
                } finally {
                    sectionRelative = false;
                }
                if (target < pc) {
                    throw err(".org moves backwards (to 0x" + Long.toHexString(target) + " from 0x" + Long.toHexString(pc) + ")");
                }
                emitFill(target - pc, 1, 0);
            }
            case ".quad", ".xword", ".dword", ".8byte" -> args.forEach(a -> emitBytes(eval(a, pass == 2), 8));
            case ".word", ".long", ".int", ".4byte" -> args.forEach(a -> emitBytes(eval(a, pass == 2), 4));
            case ".hword", ".short", ".2byte" -> args.forEach(a -> emitBytes(eval(a, pass == 2), 2));
            case ".byte" -> args.forEach(a -> emitBytes(eval(a, pass == 2), 1));
            case ".fill" -> {
                long repeat = evalNow(args.get(0));
                int size = args.size() > 1 ? (int) evalNow(args.get(1)) : 1;
                long value = args.size() > 2 ? eval(args.get(2), pass == 2) : 0;
                if (size < 0 || size > 8) {
                    throw err(".fill size must be 0..8");
                }
                emitFill(repeat, size, value);
            }
            case ".skip", ".space", ".zero" -> emitFill(evalNow(args.get(0)), 1, args.size() > 1 ? evalNow(args.get(1)) : 0);
            default -> throw err("unknown directive " + d);
        }
    }

    private void emitFill(long repeat, int size, long value) {
        if (repeat < 0 || repeat > (1L << 28)) {
            throw err("fill count out of range: " + repeat);
        }
        for (long i = 0; i < repeat; i++) {
            emitBytes(value, size);
        }
    }

    private void align(long boundary) {
        if (boundary <= 0 || (boundary & (boundary - 1)) != 0) {
            throw err("alignment must be a power of two: " + boundary);
        }
        while ((pc & 3) != 0 && (pc & (boundary - 1)) != 0) {
            emitBytes(0, 1);
        }
        while ((pc & (boundary - 1)) != 0) {
            emitWord(NOP);
        }
    }

    // ---------------------------------------------------------------- expressions

    private long evalNow(String expr) {
        return eval(expr, true);
    }

    /** Evaluates an expression; with {@code strict} false, unknown symbols evaluate to the current address. */
    private long eval(String expr, boolean strict) {
        ExprParser p = new ExprParser(expr.strip(), strict);
        long v = p.parseBinary(0);
        p.skipWs();
        if (p.pos != p.s.length()) {
            throw err("cannot parse expression '" + expr + "'");
        }
        return v;
    }

    private final class ExprParser {
        final String s;
        final boolean strict;
        int pos;

        ExprParser(String s, boolean strict) {
            this.s = s;
            this.strict = strict;
        }

        void skipWs() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        // GNU as precedence: 3 = * / % << >>, 2 = | & ^ !, 1 = + -
        long parseBinary(int minPrec) {
            long lhs = parseUnary();
            while (true) {
                skipWs();
                String op = peekOp();
                if (op == null) {
                    return lhs;
                }
                int prec = prec(op);
                if (prec < minPrec || prec == 0) {
                    return lhs;
                }
                pos += op.length();
                long rhs = parseBinary(prec + 1);
                lhs = apply(op, lhs, rhs);
            }
        }

        String peekOp() {
            if (pos >= s.length()) {
                return null;
            }
            if (s.startsWith("<<", pos) || s.startsWith(">>", pos)) {
                return s.substring(pos, pos + 2);
            }
            char c = s.charAt(pos);
            return "*/%|&^+-".indexOf(c) >= 0 ? String.valueOf(c) : null;
        }

        int prec(String op) {
            return switch (op) {
                case "*", "/", "%", "<<", ">>" -> 3;
                case "|", "&", "^" -> 2;
                case "+", "-" -> 1;
                default -> 0;
            };
        }

        long apply(String op, long a, long b) {
            return switch (op) {
                case "*" -> a * b;
                case "/" -> {
                    if (b == 0) {
                        throw err("division by zero in '" + s + "'");
                    }
                    yield a / b;
                }
                case "%" -> a % b;
                case "<<" -> a << b;
                case ">>" -> a >>> b;
                case "|" -> a | b;
                case "&" -> a & b;
                case "^" -> a ^ b;
                case "+" -> a + b;
                default -> a - b;
            };
        }

        long parseUnary() {
            skipWs();
            if (pos >= s.length()) {
                throw err("missing operand in '" + s + "'");
            }
            char c = s.charAt(pos);
            if (c == '-') {
                pos++;
                return -parseUnary();
            }
            if (c == '~') {
                pos++;
                return ~parseUnary();
            }
            if (c == '+') {
                pos++;
                return parseUnary();
            }
            if (c == '(') {
                pos++;
                long v = parseBinary(0);
                skipWs();
                if (pos >= s.length() || s.charAt(pos) != ')') {
                    throw err("missing ')' in '" + s + "'");
                }
                pos++;
                return v;
            }
            if (Character.isDigit(c)) {
                int start = pos;
                while (pos < s.length() && (Character.isLetterOrDigit(s.charAt(pos)) || s.charAt(pos) == '_')) {
                    pos++;
                }
                String tok = s.substring(start, pos);
                if (tok.matches("\\d+[bf]")) {
                    return localRef(Integer.parseInt(tok.substring(0, tok.length() - 1)), tok.endsWith("f"));
                }
                return parseNumber(tok);
            }
            if (c == '.' && (pos + 1 >= s.length() || !isSymChar(s.charAt(pos + 1)))) {
                pos++;
                return sectionRelative ? pc - base : pc;
            }
            if (isSymStart(c)) {
                int start = pos;
                while (pos < s.length() && isSymChar(s.charAt(pos))) {
                    pos++;
                }
                String name = s.substring(start, pos);
                Long v = symbols.get(name);
                if (v == null) {
                    if (strict) {
                        throw err("undefined symbol '" + name + "'");
                    }
                    return pc;
                }
                return sectionRelative && labels.contains(name) ? v - base : v;
            }
            throw err("unexpected '" + c + "' in expression '" + s + "'");
        }

        long localRef(int n, boolean forward) {
            List<long[]> defs = localLabels.get(n);
            if (defs != null) {
                if (forward) {
                    for (long[] d : defs) {
                        if (d[0] > stmtIndex) {
                            return d[1];
                        }
                    }
                } else {
                    long best = Long.MIN_VALUE;
                    boolean found = false;
                    for (long[] d : defs) {
                        if (d[0] < stmtIndex) {
                            best = d[1];
                            found = true;
                        }
                    }
                    if (found) {
                        return best;
                    }
                }
            }
            if (strict || pass == 2) {
                throw err("undefined local label " + n + (forward ? "f" : "b"));
            }
            return pc;
        }

        long parseNumber(String tok) {
            try {
                String t = tok.toLowerCase(Locale.ROOT);
                if (t.startsWith("0x")) {
                    return Long.parseUnsignedLong(t.substring(2).replace("_", ""), 16);
                }
                if (t.startsWith("0b")) {
                    return Long.parseUnsignedLong(t.substring(2), 2);
                }
                return Long.parseUnsignedLong(t);
            } catch (NumberFormatException e) {
                throw err("bad number '" + tok + "'");
            }
        }
    }

    private static boolean isSymStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '.' || c == '$';
    }

    private static boolean isSymChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$';
    }

    private static boolean isSymbol(String s) {
        if (s.isEmpty() || !isSymStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!isSymChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- operands

    private static List<String> splitTop(String s) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '[' || c == '(' || c == '{') {
                depth++;
            } else if (c == ']' || c == ')' || c == '}') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(s.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(s.substring(start).strip());
        return parts;
    }

    private List<String> operands(String rest) {
        return rest.isEmpty() ? List.of() : splitTop(rest);
    }

    /** A general-purpose register operand: number 0..31, width, and whether 31 means SP. */
    private record Reg(int n, boolean x, boolean sp) {
        boolean zr() {
            return n == 31 && !sp;
        }
    }

    private static Reg parseReg(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        switch (t) {
            case "sp":
                return new Reg(31, true, true);
            case "wsp":
                return new Reg(31, false, true);
            case "xzr":
                return new Reg(31, true, false);
            case "wzr":
                return new Reg(31, false, false);
            case "lr":
                return new Reg(30, true, false);
            case "fp":
                return new Reg(29, true, false);
            default:
                break;
        }
        if (t.length() >= 2 && (t.charAt(0) == 'x' || t.charAt(0) == 'w')) {
            String num = t.substring(1);
            if (num.matches("\\d{1,2}")) {
                int n = Integer.parseInt(num);
                if (n <= 30) {
                    return new Reg(n, t.charAt(0) == 'x', false);
                }
            }
        }
        return null;
    }

    private Reg reg(List<String> ops, int i) {
        if (i >= ops.size()) {
            throw err("missing register operand " + (i + 1));
        }
        Reg r = parseReg(ops.get(i));
        if (r == null) {
            throw err("expected a register, got '" + ops.get(i) + "'");
        }
        return r;
    }

    /** A register that may not be SP (31 = zero register). */
    private Reg regZr(List<String> ops, int i) {
        Reg r = reg(ops, i);
        if (r.sp()) {
            throw err("sp not allowed here: '" + ops.get(i) + "'");
        }
        return r;
    }

    /** A register where 31 means SP (base registers, ADD/SUB immediate). */
    private Reg regSp(List<String> ops, int i) {
        Reg r = reg(ops, i);
        if (r.zr()) {
            throw err("zero register not allowed here: '" + ops.get(i) + "'");
        }
        return r;
    }

    /** An immediate operand: {@code #expr}, or (as GNU as allows) a bare expression that is not a register or modifier. */
    private boolean isImm(String s) {
        String t = s.strip();
        if (t.startsWith("#")) {
            return true;
        }
        if (t.isEmpty() || t.startsWith("[") || parseReg(t) != null) {
            return false;
        }
        String first = t.split("\\s+")[0].toLowerCase(Locale.ROOT);
        return !SHIFTS.contains(first) && !EXTENDS.contains(first);
    }

    private long imm(String s) {
        String t = s.strip();
        if (t.startsWith("#")) {
            t = t.substring(1);
        }
        return eval(t, pass == 2);
    }

    private long target(String s) {
        return eval(s.strip(), pass == 2);
    }

    private record Shift(int type, int amount) {
    }

    private static final List<String> SHIFTS = List.of("lsl", "lsr", "asr", "ror");
    private static final List<String> EXTENDS = List.of("uxtb", "uxth", "uxtw", "uxtx", "sxtb", "sxth", "sxtw", "sxtx");

    private Shift parseShift(String s) {
        String t = s.strip().toLowerCase(Locale.ROOT);
        String[] kv = t.split("\\s+", 2);
        int type = SHIFTS.indexOf(kv[0]);
        if (type < 0) {
            throw err("expected a shift (lsl/lsr/asr/ror), got '" + s + "'");
        }
        if (kv.length < 2) {
            throw err("shift needs an amount: '" + s + "'");
        }
        return new Shift(type, (int) imm(kv[1]));
    }

    private void check(boolean ok, String msg) {
        if (!ok) {
            throw err(msg);
        }
    }

    private void checkRange(long v, long lo, long hi, String what) {
        if (v < lo || v > hi) {
            throw err(what + " out of range: " + v + " (allowed " + lo + ".." + hi + ")");
        }
    }

    private static int sf(Reg r) {
        return r.x() ? 1 : 0;
    }

    private void sameWidth(Reg... rs) {
        for (Reg r : rs) {
            if (r.x() != rs[0].x()) {
                throw err("mixed register widths");
            }
        }
    }

    // ---------------------------------------------------------------- instructions

    private int instruction(String m, List<String> ops) {
        if (m.startsWith("b.")) {
            return bcond(m.substring(2), ops);
        }
        if (m.length() == 3 && m.charAt(0) == 'b' && Cond.parse(m.substring(1)) != null && !m.equals("bic") && !m.equals("brk")) {
            return bcond(m.substring(1), ops);
        }
        switch (m) {
            case "nop":
                return NOP;
            case "yield":
                return 0xd503203f;
            case "wfe":
                return 0xd503205f;
            case "wfi":
                return 0xd503207f;
            case "sev":
                return 0xd503209f;
            case "sevl":
                return 0xd50320bf;
            case "eret":
                return 0xd69f03e0;
            case "isb":
                check(ops.isEmpty() || ops.get(0).equalsIgnoreCase("sy"), "isb takes only 'sy'");
                return 0xd5033fdf;
            case "dsb":
                return 0xd503309f | barrier(ops) << 8;
            case "dmb":
                return 0xd50330bf | barrier(ops) << 8;
            case "hvc":
                return exceptionGen(0xd4000002, ops);
            case "svc":
                return exceptionGen(0xd4000001, ops);
            case "smc":
                return exceptionGen(0xd4000003, ops);
            case "brk":
                return exceptionGen(0xd4200000, ops);
            case "tlbi":
            case "dc":
            case "ic":
                return sys(m, ops);
            case "mrs": {
                Reg t = regZr(ops, 0);
                check(t.x(), "mrs needs an X register");
                return 0xd5300000 | sysreg(ops.get(1)) << 5 | t.n();
            }
            case "msr":
                return msr(ops);
            case "b":
                return branch26(0x14000000, ops);
            case "bl":
                return branch26(0x94000000, ops);
            case "br":
                return 0xd61f0000 | regZr(ops, 0).n() << 5;
            case "blr":
                return 0xd63f0000 | regZr(ops, 0).n() << 5;
            case "ret":
                return 0xd65f0000 | (ops.isEmpty() ? 30 : regZr(ops, 0).n()) << 5;
            case "cbz":
            case "cbnz": {
                Reg t = regZr(ops, 0);
                long off = target(ops.get(1)) - pc;
                check((off & 3) == 0, "misaligned branch target");
                checkRange(off >> 2, -(1 << 18), (1 << 18) - 1, "branch offset");
                return (m.equals("cbz") ? 0x34000000 : 0x35000000) | sf(t) << 31 | (int) ((off >> 2) & 0x7ffff) << 5 | t.n();
            }
            case "tbz":
            case "tbnz": {
                Reg t = regZr(ops, 0);
                long bit = imm(ops.get(1));
                checkRange(bit, 0, t.x() ? 63 : 31, "bit number");
                long off = target(ops.get(2)) - pc;
                check((off & 3) == 0, "misaligned branch target");
                checkRange(off >> 2, -(1 << 13), (1 << 13) - 1, "branch offset");
                return (m.equals("tbz") ? 0x36000000 : 0x37000000) | (int) (bit >> 5) << 31 | (int) (bit & 31) << 19
                        | (int) ((off >> 2) & 0x3fff) << 5 | t.n();
            }
            case "adr":
            case "adrp": {
                Reg d = regZr(ops, 0);
                check(d.x(), m + " needs an X register");
                long t = target(ops.get(1));
                long off = m.equals("adr") ? t - pc : (t >> 12) - (pc >> 12);
                checkRange(off, -(1 << 20), (1 << 20) - 1, m + " offset");
                return (m.equals("adr") ? 0x10000000 : 0x90000000) | (int) (off & 3) << 29 | (int) ((off >> 2) & 0x7ffff) << 5 | d.n();
            }
            case "movz":
            case "movn":
            case "movk":
                return moveWide(m, ops);
            case "mov":
                return mov(ops);
            case "mvn":
                return logicalReg(1, 1, regZr(ops, 0), new Reg(31, reg(ops, 0).x(), false), ops, 1);
            case "add":
            case "sub":
            case "adds":
            case "subs":
                return addSub(m.startsWith("sub") ? 1 : 0, m.endsWith("s") ? 1 : 0, ops, false);
            case "cmp":
            case "cmn": {
                List<String> full = new ArrayList<>();
                full.add(reg(ops, 0).x() ? "xzr" : "wzr");
                full.addAll(ops);
                return addSub(m.equals("cmp") ? 1 : 0, 1, full, true);
            }
            case "neg":
            case "negs": {
                List<String> full = new ArrayList<>();
                full.add(ops.get(0));
                full.add(reg(ops, 0).x() ? "xzr" : "wzr");
                full.addAll(ops.subList(1, ops.size()));
                return addSub(1, m.equals("negs") ? 1 : 0, full, false);
            }
            case "and":
                return logical(0, 0, ops);
            case "orr":
                return logical(1, 0, ops);
            case "eor":
                return logical(2, 0, ops);
            case "ands":
                return logical(3, 0, ops);
            case "bic":
                return logical(0, 1, ops);
            case "orn":
                return logical(1, 1, ops);
            case "eon":
                return logical(2, 1, ops);
            case "bics":
                return logical(3, 1, ops);
            case "tst": {
                List<String> full = new ArrayList<>();
                full.add(reg(ops, 0).x() ? "xzr" : "wzr");
                full.addAll(ops);
                return logical(3, 0, full);
            }
            case "sbfm":
            case "bfm":
            case "ubfm": {
                Reg d = regZr(ops, 0);
                Reg n = regZr(ops, 1);
                sameWidth(d, n);
                return bitfield(m.equals("sbfm") ? 0 : m.equals("bfm") ? 1 : 2, d, n, imm(ops.get(2)), imm(ops.get(3)));
            }
            case "lsl":
            case "lsr":
            case "asr":
            case "ror":
                return shiftAlias(m, ops);
            case "rbit":
            case "rev16":
            case "rev":
            case "clz":
            case "cls": {
                Reg d = regZr(ops, 0);
                Reg n = regZr(ops, 1);
                sameWidth(d, n);
                int opcode = switch (m) {
                    case "rbit" -> 0;
                    case "rev16" -> 1;
                    case "rev" -> d.x() ? 3 : 2;
                    case "clz" -> 4;
                    default -> 5;
                };
                return 0x5ac00000 | sf(d) << 31 | opcode << 10 | n.n() << 5 | d.n();
            }
            case "ubfx":
            case "sbfx":
            case "bfxil": {
                Reg d = regZr(ops, 0);
                Reg n = regZr(ops, 1);
                sameWidth(d, n);
                long lsb = imm(ops.get(2));
                long width = imm(ops.get(3));
                int w = d.x() ? 64 : 32;
                checkRange(lsb, 0, w - 1, "lsb");
                checkRange(width, 1, w - lsb, "width");
                return bitfield(m.equals("sbfx") ? 0 : m.equals("bfxil") ? 1 : 2, d, n, lsb, lsb + width - 1);
            }
            case "ubfiz":
            case "sbfiz":
            case "bfi": {
                Reg d = regZr(ops, 0);
                Reg n = regZr(ops, 1);
                sameWidth(d, n);
                long lsb = imm(ops.get(2));
                long width = imm(ops.get(3));
                int w = d.x() ? 64 : 32;
                checkRange(lsb, 0, w - 1, "lsb");
                checkRange(width, 1, w - lsb, "width");
                return bitfield(m.equals("sbfiz") ? 0 : m.equals("bfi") ? 1 : 2, d, n, (w - lsb) % w, width - 1);
            }
            case "uxtb":
            case "uxth":
            case "sxtb":
            case "sxth":
            case "sxtw": {
                Reg d = regZr(ops, 0);
                Reg n = regZr(ops, 1);
                int bits = m.endsWith("b") ? 7 : m.endsWith("h") ? 15 : 31;
                boolean signed = m.startsWith("s");
                check(signed ? true : !d.x(), m + " takes W registers");
                return bitfield(signed ? 0 : 2, d, new Reg(n.n(), d.x(), false), 0, bits);
            }
            case "csel":
            case "csinc":
            case "csinv":
            case "csneg": {
                Reg d = regZr(ops, 0);
                Reg n = regZr(ops, 1);
                Reg mm = regZr(ops, 2);
                sameWidth(d, n, mm);
                Cond c = cond(ops.get(3));
                int op = m.equals("csinv") || m.equals("csneg") ? 1 : 0;
                int o2 = m.equals("csinc") || m.equals("csneg") ? 1 : 0;
                return condSelect(sf(d), op, o2, mm.n(), c.ordinal(), n.n(), d.n());
            }
            case "cset":
            case "csetm": {
                Reg d = regZr(ops, 0);
                Cond c = cond(ops.get(1));
                check(c.ordinal() < 14, m + " cannot use al/nv");
                return condSelect(sf(d), m.equals("csetm") ? 1 : 0, m.equals("csetm") ? 0 : 1, 31, c.ordinal() ^ 1, 31, d.n());
            }
            case "cinc": {
                Reg d = regZr(ops, 0);
                Reg n = regZr(ops, 1);
                Cond c = cond(ops.get(2));
                check(c.ordinal() < 14, "cinc cannot use al/nv");
                return condSelect(sf(d), 0, 1, n.n(), c.ordinal() ^ 1, n.n(), d.n());
            }
            case "ldr":
            case "str":
            case "ldrb":
            case "strb":
            case "ldrh":
            case "strh":
            case "ldrsw":
            case "ldrsb":
            case "ldrsh":
            case "ldur":
            case "stur":
            case "ldurb":
            case "sturb":
            case "ldurh":
            case "sturh":
                return loadStore(m, ops);
            case "ldp":
            case "stp":
                return pair(m.equals("ldp") ? 1 : 0, ops);
            default:
                throw err("unknown or unsupported instruction '" + m + "'");
        }
    }

    private Cond cond(String s) {
        Cond c = Cond.parse(s.strip());
        if (c == null) {
            throw err("unknown condition '" + s + "'");
        }
        return c;
    }

    private static int condSelect(int sf, int op, int o2, int rm, int cond, int rn, int rd) {
        return 0x1a800000 | sf << 31 | op << 30 | rm << 16 | cond << 12 | o2 << 10 | rn << 5 | rd;
    }

    private int bcond(String c, List<String> ops) {
        Cond cc = cond(c);
        long off = target(ops.get(0)) - pc;
        check((off & 3) == 0, "misaligned branch target");
        checkRange(off >> 2, -(1 << 18), (1 << 18) - 1, "branch offset");
        return 0x54000000 | (int) ((off >> 2) & 0x7ffff) << 5 | cc.ordinal();
    }

    private int branch26(int opc, List<String> ops) {
        check(ops.size() == 1, "branch takes one target");
        long off = target(ops.get(0)) - pc;
        check((off & 3) == 0, "misaligned branch target");
        checkRange(off >> 2, -(1 << 25), (1 << 25) - 1, "branch offset");
        return opc | (int) ((off >> 2) & 0x3ffffff);
    }

    private int exceptionGen(int opc, List<String> ops) {
        long v = ops.isEmpty() ? 0 : imm(ops.get(0));
        checkRange(v, 0, 0xffff, "immediate");
        return opc | (int) v << 5;
    }

    private static final Map<String, Integer> BARRIERS = Map.ofEntries(
            Map.entry("sy", 15), Map.entry("st", 14), Map.entry("ld", 13), Map.entry("ish", 11), Map.entry("ishst", 10),
            Map.entry("ishld", 9), Map.entry("nsh", 7), Map.entry("nshst", 6), Map.entry("nshld", 5), Map.entry("osh", 3),
            Map.entry("oshst", 2), Map.entry("oshld", 1));

    private int barrier(List<String> ops) {
        if (ops.isEmpty()) {
            return 15;
        }
        Integer v = BARRIERS.get(ops.get(0).strip().toLowerCase(Locale.ROOT));
        if (v == null) {
            long n = imm(ops.get(0));
            checkRange(n, 0, 15, "barrier option");
            return (int) n;
        }
        return v;
    }

    private int sys(String m, List<String> ops) {
        SysOp op = SysOp.byText(m, ops.get(0).strip());
        if (op == null) {
            throw err("unsupported " + m + " operation '" + ops.get(0) + "'");
        }
        int rt = 31;
        if (op.takesAddress()) {
            check(ops.size() == 2, m + " " + op.opName() + " needs an address register");
            Reg t = regZr(ops, 1);
            check(t.x(), m + " needs an X register");
            rt = t.n();
        } else {
            check(ops.size() == 1, m + " " + op.opName() + " takes no register");
        }
        return 0xd5080000 | op.key() << 5 | rt;
    }

    private int sysreg(String name) {
        SysRegId r = SysRegId.byName(name.strip());
        if (r == null) {
            throw err("unknown system register '" + name.strip() + "'");
        }
        return r.key();
    }

    private int msr(List<String> ops) {
        String name = ops.get(0).strip().toLowerCase(Locale.ROOT);
        if (isImm(ops.get(1))) {
            int op1;
            int op2;
            switch (name) {
                case "spsel" -> {
                    op1 = 0;
                    op2 = 5;
                }
                case "daifset" -> {
                    op1 = 3;
                    op2 = 6;
                }
                case "daifclr" -> {
                    op1 = 3;
                    op2 = 7;
                }
                default -> throw err("msr immediate to '" + name + "' not supported");
            }
            long v = imm(ops.get(1));
            checkRange(v, 0, 15, "msr immediate");
            return 0xd500401f | op1 << 16 | (int) v << 8 | op2 << 5;
        }
        Reg t = regZr(ops, 1);
        check(t.x(), "msr needs an X register");
        return 0xd5100000 | sysreg(name) << 5 | t.n();
    }

    private int moveWide(String m, List<String> ops) {
        Reg d = regZr(ops, 0);
        long v = imm(ops.get(1));
        int hw = 0;
        if (ops.size() > 2) {
            Shift s = parseShift(ops.get(2));
            check(s.type() == 0 && s.amount() % 16 == 0, "move-wide shift must be lsl #0/16/32/48");
            hw = s.amount() / 16;
        }
        checkRange(hw, 0, d.x() ? 3 : 1, "move-wide shift");
        checkRange(v, 0, 0xffff, "move-wide immediate");
        int opc = m.equals("movn") ? 0 : m.equals("movz") ? 2 : 3;
        return 0x12800000 | sf(d) << 31 | opc << 29 | hw << 21 | (int) v << 5 | d.n();
    }

    private int mov(List<String> ops) {
        check(ops.size() == 2, "mov takes two operands");
        Reg d = reg(ops, 0);
        if (!isImm(ops.get(1)) && parseReg(ops.get(1)) != null) {
            Reg s = reg(ops, 1);
            sameWidth(d, s);
            if (d.sp() || s.sp()) {
                return 0x11000000 | sf(d) << 31 | s.n() << 5 | d.n();
            }
            return 0x2a000000 | sf(d) << 31 | s.n() << 16 | 31 << 5 | d.n();
        }
        long v = imm(ops.get(1));
        int w = d.x() ? 64 : 32;
        long mask = d.x() ? -1L : 0xffffffffL;
        if (!d.x()) {
            check(v >= -(1L << 31) && v <= 0xffffffffL, "immediate out of range for a W register: " + v);
        }
        long val = v & mask;
        if (!d.sp()) {
            for (int hw = 0; hw < w / 16; hw++) {
                if ((val & ~(0xffffL << (16 * hw)) & mask) == 0) {
                    return 0x52800000 | sf(d) << 31 | hw << 21 | (int) ((val >>> (16 * hw)) & 0xffff) << 5 | d.n();
                }
            }
            long inv = ~val & mask;
            for (int hw = 0; hw < w / 16; hw++) {
                if ((inv & ~(0xffffL << (16 * hw)) & mask) == 0) {
                    return 0x12800000 | sf(d) << 31 | hw << 21 | (int) ((inv >>> (16 * hw)) & 0xffff) << 5 | d.n();
                }
            }
        }
        int enc = BitMasks.encodeLogical(val, w);
        if (enc < 0) {
            throw err("immediate 0x" + Long.toHexString(val) + " cannot be moved in one instruction (use movz/movk)");
        }
        return 0x32000000 | sf(d) << 31 | enc << 10 | 31 << 5 | d.n();
    }

    private int addSub(int op, int s, List<String> ops, boolean cmpForm) {
        Reg d = reg(ops, 0);
        Reg n = reg(ops, 1);
        String third = ops.get(2);
        if (isImm(third)) {
            check(!n.zr() && !(d.zr() && s == 0) && !(d.sp() && s == 1), "add/sub immediate takes sp, not the zero register, as Rn");
            sameWidth(d, n);
            long v = imm(third);
            int sh = 0;
            if (ops.size() > 3) {
                Shift shf = parseShift(ops.get(3));
                check(shf.type() == 0 && (shf.amount() == 0 || shf.amount() == 12), "add/sub immediate shift must be lsl #0 or #12");
                sh = shf.amount() == 12 ? 1 : 0;
            }
            if (v < 0 && sh == 0) {
                v = -v;
                op ^= 1;
            }
            if (sh == 0 && v > 0xfff && (v & 0xfff) == 0 && (v >> 12) <= 0xfff) {
                v >>= 12;
                sh = 1;
            }
            checkRange(v, 0, 0xfff, "add/sub immediate");
            return 0x11000000 | sf(d) << 31 | op << 30 | s << 29 | sh << 22 | (int) v << 10 | n.n() << 5 | d.n();
        }
        Reg m = reg(ops, 2);
        check(!m.sp(), "sp not allowed as Rm");
        boolean extended = (d.sp() && s == 0) || n.sp() || (ops.size() > 3 && EXTENDS.contains(ops.get(3).strip().split("\\s+")[0].toLowerCase(Locale.ROOT)));
        if (extended) {
            int option;
            int amount = 0;
            if (ops.size() > 3) {
                String[] kv = ops.get(3).strip().toLowerCase(Locale.ROOT).split("\\s+", 2);
                if (kv[0].equals("lsl")) {
                    option = d.x() ? 3 : 2;
                } else {
                    option = EXTENDS.indexOf(kv[0]);
                    check(option >= 0, "bad extend '" + ops.get(3) + "'");
                }
                if (kv.length > 1) {
                    amount = (int) imm(kv[1]);
                }
            } else {
                option = d.x() ? 3 : 2;
            }
            checkRange(amount, 0, 4, "extend shift");
            return 0x0b200000 | sf(d) << 31 | op << 30 | s << 29 | m.n() << 16 | option << 13 | amount << 10 | n.n() << 5 | d.n();
        }
        check(!d.sp() || cmpForm, "sp not allowed");
        sameWidth(d, n, m);
        int type = 0;
        int amount = 0;
        if (ops.size() > 3) {
            Shift shf = parseShift(ops.get(3));
            check(shf.type() != 3, "ror not allowed for add/sub");
            type = shf.type();
            amount = shf.amount();
            checkRange(amount, 0, d.x() ? 63 : 31, "shift amount");
        }
        return 0x0b000000 | sf(d) << 31 | op << 30 | s << 29 | type << 22 | m.n() << 16 | amount << 10 | n.n() << 5 | d.n();
    }

    private int logical(int opc, int nBit, List<String> ops) {
        Reg d = reg(ops, 0);
        Reg n = regZr(ops, 1);
        if (isImm(ops.get(2))) {
            long v = imm(ops.get(2));
            if (nBit == 1) {
                v = ~v;
            }
            int w = d.x() ? 64 : 32;
            int enc = BitMasks.encodeLogical(d.x() ? v : v & 0xffffffffL, w);
            if (enc < 0) {
                throw err("0x" + Long.toHexString(v) + " is not a valid logical immediate");
            }
            check(opc == 3 ? !d.sp() : !d.zr(), opc == 3 ? "ands/tst cannot write sp" : "logical immediate writes sp, not the zero register");
            return 0x12000000 | sf(d) << 31 | opc << 29 | enc << 10 | n.n() << 5 | d.n();
        }
        check(!d.sp(), "sp not allowed for a register logical operation");
        return logicalReg(opc, nBit, d, n, ops, 2);
    }

    private int logicalReg(int opc, int nBit, Reg d, Reg n, List<String> ops, int mIndex) {
        Reg m = regZr(ops, mIndex);
        sameWidth(d, n, m);
        int type = 0;
        int amount = 0;
        if (ops.size() > mIndex + 1) {
            Shift s = parseShift(ops.get(mIndex + 1));
            type = s.type();
            amount = s.amount();
            checkRange(amount, 0, d.x() ? 63 : 31, "shift amount");
        }
        return 0x0a000000 | sf(d) << 31 | opc << 29 | type << 22 | nBit << 21 | m.n() << 16 | amount << 10 | n.n() << 5 | d.n();
    }

    private int bitfield(int opc, Reg d, Reg n, long immr, long imms) {
        int w = d.x() ? 64 : 32;
        checkRange(immr, 0, w - 1, "immr");
        checkRange(imms, 0, w - 1, "imms");
        return 0x13000000 | sf(d) << 31 | opc << 29 | sf(d) << 22 | (int) immr << 16 | (int) imms << 10 | n.n() << 5 | d.n();
    }

    private int shiftAlias(String m, List<String> ops) {
        Reg d = regZr(ops, 0);
        Reg n = regZr(ops, 1);
        sameWidth(d, n);
        int w = d.x() ? 64 : 32;
        if (!isImm(ops.get(2))) {
            Reg mm = regZr(ops, 2);
            sameWidth(d, mm);
            int op2 = SHIFTS.indexOf(m);
            return 0x1ac02000 | sf(d) << 31 | mm.n() << 16 | op2 << 10 | n.n() << 5 | d.n();
        }
        long s = imm(ops.get(2));
        checkRange(s, 0, w - 1, "shift amount");
        return switch (m) {
            case "lsl" -> bitfield(2, d, n, (w - s) % w, w - 1 - s);
            case "lsr" -> bitfield(2, d, n, s, w - 1);
            case "asr" -> bitfield(0, d, n, s, w - 1);
            default -> 0x13800000 | sf(d) << 31 | sf(d) << 22 | n.n() << 16 | (int) s << 10 | n.n() << 5 | d.n(); // EXTR
        };
    }

    /** Parsed memory operand: base, and one of offset / register index; addressing mode. */
    private record Mem(Reg base, long offset, Reg index, int extend, int shiftAmount, boolean shiftGiven, int mode) {
        static final int OFFSET = 0;
        static final int PRE = 1;
        static final int POST = 2;
        static final int REG = 3;
    }

    private Mem parseMem(List<String> ops, int i) {
        String s = ops.get(i).strip();
        check(s.startsWith("["), "expected a memory operand '[...]', got '" + s + "'");
        boolean pre = s.endsWith("!");
        String inner = s.substring(1, s.lastIndexOf(']'));
        List<String> parts = splitTop(inner);
        Reg b = parseReg(parts.get(0));
        check(b != null && b.x() && !b.zr(), "base register must be an X register or sp: '" + parts.get(0) + "'");
        if (ops.size() > i + 1) {
            check(parts.size() == 1 && !pre, "bad post-index form");
            return new Mem(b, imm(ops.get(i + 1)), null, 0, 0, false, Mem.POST);
        }
        if (parts.size() == 1) {
            check(!pre, "pre-index needs an offset");
            return new Mem(b, 0, null, 0, 0, false, Mem.OFFSET);
        }
        if (isImm(parts.get(1)) || parseReg(parts.get(1)) == null) {
            long off = imm(parts.get(1));
            return new Mem(b, off, null, 0, 0, false, pre ? Mem.PRE : Mem.OFFSET);
        }
        Reg idx = parseReg(parts.get(1));
        check(!idx.sp(), "index register cannot be sp");
        int ext = idx.x() ? 3 : 2; // LSL (uxtx) or uxtw
        int amount = 0;
        boolean given = false;
        if (parts.size() > 2) {
            String[] kv = parts.get(2).strip().toLowerCase(Locale.ROOT).split("\\s+", 2);
            if (kv[0].equals("lsl")) {
                check(idx.x(), "lsl needs an X index");
                ext = 3;
            } else {
                ext = EXTENDS.indexOf(kv[0]);
                check(ext == 2 || ext == 3 || ext == 6 || ext == 7, "index extend must be uxtw/lsl/sxtw/sxtx");
            }
            if (kv.length > 1) {
                amount = (int) imm(kv[1]);
                given = true;
            }
        }
        check(pre == false, "register offset cannot be pre-indexed");
        return new Mem(b, 0, idx, ext, amount, given, Mem.REG);
    }

    private int loadStore(String m, List<String> ops) {
        Reg t = regZr(ops, 0);
        boolean unscaledOnly = m.contains("ur");
        String base = m.replace("ur", "r");
        int size;
        int opc;
        switch (base) {
            case "ldr" -> {
                size = t.x() ? 3 : 2;
                opc = 1;
            }
            case "str" -> {
                size = t.x() ? 3 : 2;
                opc = 0;
            }
            case "ldrb" -> {
                size = 0;
                opc = 1;
            }
            case "strb" -> {
                size = 0;
                opc = 0;
            }
            case "ldrh" -> {
                size = 1;
                opc = 1;
            }
            case "strh" -> {
                size = 1;
                opc = 0;
            }
            case "ldrsw" -> {
                size = 2;
                opc = 2;
                check(t.x(), "ldrsw needs an X register");
            }
            case "ldrsb", "ldrsh" -> {
                size = base.equals("ldrsb") ? 0 : 1;
                opc = t.x() ? 2 : 3;
            }
            default -> throw err("unknown load/store '" + m + "'");
        }
        if (size <= 1 && opc <= 1) {
            check(!t.x(), m + " takes a W register");
        }
        int fixed = size << 30 | opc << 22 | t.n();
        String mop = ops.get(1).strip();
        if (!mop.startsWith("[")) {
            check(base.equals("ldr") || base.equals("ldrsw"), "literal form only for ldr/ldrsw");
            long off = target(mop) - pc;
            check((off & 3) == 0, "misaligned literal");
            checkRange(off >> 2, -(1 << 18), (1 << 18) - 1, "literal offset");
            int o = base.equals("ldrsw") ? 2 : t.x() ? 1 : 0;
            return 0x18000000 | o << 30 | (int) ((off >> 2) & 0x7ffff) << 5 | t.n();
        }
        Mem mem = parseMem(ops, 1);
        int rn = mem.base().n() << 5;
        switch (mem.mode()) {
            case Mem.REG -> {
                check(!unscaledOnly, "ldur/stur take an immediate offset");
                int s = 0;
                if (mem.shiftGiven()) {
                    check(mem.shiftAmount() == 0 || mem.shiftAmount() == size, "index shift must be #0 or #" + size);
                    s = size == 0 ? (mem.shiftGiven() ? 1 : 0) : (mem.shiftAmount() == size ? 1 : 0);
                    if (size == 0) {
                        check(mem.shiftAmount() == 0, "byte index shift must be #0");
                    }
                }
                return 0x38200800 | fixed | mem.index().n() << 16 | mem.extend() << 13 | s << 12 | rn;
            }
            case Mem.PRE, Mem.POST -> {
                check(!unscaledOnly, "ldur/stur have no writeback");
                checkRange(mem.offset(), -256, 255, "pre/post-index offset");
                int idx = mem.mode() == Mem.PRE ? 3 : 1;
                return 0x38000000 | fixed | (int) (mem.offset() & 0x1ff) << 12 | idx << 10 | rn;
            }
            default -> {
                long off = mem.offset();
                long scale = 1L << size;
                if (!unscaledOnly && off >= 0 && off % scale == 0 && off / scale <= 0xfff) {
                    return 0x39000000 | fixed | (int) (off / scale) << 10 | rn;
                }
                checkRange(off, -256, 255, "offset");
                return 0x38000000 | fixed | (int) (off & 0x1ff) << 12 | rn;
            }
        }
    }

    private int pair(int load, List<String> ops) {
        Reg t1 = regZr(ops, 0);
        Reg t2 = regZr(ops, 1);
        sameWidth(t1, t2);
        Mem mem = parseMem(ops, 2);
        check(mem.mode() != Mem.REG, "ldp/stp take an immediate offset");
        int scale = t1.x() ? 8 : 4;
        check(mem.offset() % scale == 0, "pair offset must be a multiple of " + scale);
        long imm7 = mem.offset() / scale;
        checkRange(imm7, -64, 63, "pair offset/" + scale);
        int idx = switch (mem.mode()) {
            case Mem.POST -> 1;
            case Mem.PRE -> 3;
            default -> 2;
        };
        int opc = t1.x() ? 2 : 0;
        return 0x28000000 | opc << 30 | idx << 23 | load << 22 | (int) (imm7 & 0x7f) << 15 | t2.n() << 10 | mem.base().n() << 5 | t1.n();
    }
}
