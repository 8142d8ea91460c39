package org.kexecverify.model.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.reg.U64;
import org.kexecverify.model.regime.Regime;

/**
 * A pasted register dump in the style of the 2019 cover letter: one register per line,
 * {@code TCR_EL2 0x80843510}, {@code SCTLR_EL2\t0x30e5183f}, {@code MAIR_EL2 = 0xbbff440c0400}.
 * Blank lines and lines starting with '#' are skipped, and so are the general-purpose register lines
 * of an arm64 register dump ({@code x1 : 0000000040080000 x0 : ffff0000030e9400}, {@code pc : ...},
 * {@code lr : ...}, {@code sp : ...}, {@code pstate : 60400005 (nZCv daif +PAN -UAO)}) and of QEMU's monitor
 * {@code info registers} ({@code PC=... X00=... X01=...}, {@code PSTATE=400003c9 -Z-- EL2h}): they are counted in
 * {@link #skippedGprLines}. gdb's {@code info registers} lines ({@code SCTLR_EL2 0x30e5183f 820320319}, hex then the
 * natural column, or a flags list in brackets) are read, and the two columns must agree. A system register given twice with different values is an
 * error naming both lines; anything else that does not parse is an error naming the line.
 */
public record RegisterDump(List<Entry> entries, int skippedGprLines, List<Skipped> skipped) {
    /** A line that names a real register the models do not read (ESR_EL2, SCR_EL3, VTTBR_EL2, ...): skipped, and said so. */
    public record Skipped(int line, String register, String why) {}

    public RegisterDump(List<Entry> entries, int skippedGprLines) {
        this(entries, skippedGprLines, List.of());
    }

    public RegisterDump {
        skipped = List.copyOf(skipped);
        entries = List.copyOf(entries);
    }

    public RegisterDump(List<Entry> entries) {
        this(entries, 0);
    }

    public record Entry(int line, SysReg register, long value) {}

    public static final class DumpError extends Exception {
        private final int line;

        public DumpError(int line, String msg) {
            super(msg, null, false, false);
            this.line = line;
        }

        public int line() { return line; }
    }

    // Possessive quantifiers: a long run of blanks must not make the match quadratic.
    private static final Pattern LINE = Pattern.compile("^\\s*+([A-Za-z][A-Za-z0-9_]*+)(?:\\s*+(?:=>|[:=])\\s*+|\\s++)(\\S++)\\s*+(?:#.*|//.*)?$");
    /** gdb's {@code info registers}: name, hex value, then the natural (decimal) column or a flags list in brackets. */
    private static final Pattern GDB = Pattern.compile("^\\s*+([A-Za-z][A-Za-z0-9_]*+)\\s++(0x[0-9a-fA-F]{1,16}+)\\s++(-?[0-9]{1,20}+|\\[[^\\]]*+\\])\\s*+$");
    /** QEMU's {@code info registers} on aarch64: PC/SP/Xnn/PSTATE/FPCR/FPSR as NAME=HEX groups, PSTATE with its flag letters and EL. */
    private static final Pattern QEMU_GPR = Pattern.compile(
            "^\\s*+(?:(?:PC|SP|X[0-9]{2}|FPCR|FPSR)=[0-9a-fA-F]{1,16}+\\s*+)++$"
            + "|^\\s*+PSTATE=[0-9a-fA-F]{8}+\\s++\\S{4}+\\s++(?:EL[0-3][th]?|A32|T32)?.*+$"
            // gdb's general-purpose and status lines: x0 .. x30, sp, pc, cpsr, fpsr, fpcr with hex and natural columns
            + "|^\\s*+(?:x(?:[12]?[0-9]|30)|sp|pc|cpsr|fpsr|fpcr)\\s++0x[0-9a-fA-F]{1,16}+\\s++\\S.*+$");
    /** One or more "xN : HEX" pairs (show_regs prints two or three per line), or pc/lr/sp/fp with a value or a symbol. */
    private static final Pattern GPR = Pattern.compile(
            "^\\s*+(?:(?:x(?:[12]?[0-9]|30)|fp)\\s*+:\\s*+[0-9a-fA-F]{1,16}+\\s*+)++$"
            + "|^\\s*+(?:pc|lr|sp)\\s*+:\\s*+\\S++(?:\\s++(?:lr|sp)\\s*+:\\s*+\\S++)*+\\s*+$"
            + "|^\\s*+pstate\\s*+:\\s*+[0-9a-fA-F]{1,16}+(?:\\s*+\\([^)]*+\\))?\\s*+$");
    /** The kernel log's timestamp (and caller id) before a line pasted from dmesg: {@code [    0.000000] } or {@code [ 1.5][ T1] }. */
    private static final Pattern DMESG = Pattern.compile("^(?:\\[\\s*+[0-9]++\\.[0-9]++\\]|\\[\\s*+[CT][0-9]++\\])++\\s?+");
    /**
     * Architectural registers that appear in dumps (exception syndrome and return state, stage 2, traps, IDs, timers,
     * thread pointers) but that no model reads: a line naming one is skipped with a warning, never an error, and never
     * taken for a register it is not. A name outside this list and outside {@link SysReg} (a typo such as TTBR2_EL2)
     * stays an error.
     */
    private static final Pattern UNREAD = Pattern.compile("(?i)(?:ESR|FAR|ELR|SPSR|SP|SCR|VTCR|VTTBR|VSTCR|VSTTBR|HPFAR|CPTR|CNTHCTL|CNTVOFF|CNTKCTL|MDCR"
            + "|MDSCR|ACTLR|AMAIR|AFSR0|AFSR1|PAR|CONTEXTIDR|TPIDR|TPIDRRO|MIDR|MPIDR|REVIDR|VPIDR|VMPIDR|CPACR|HSTR|HACR|HCRX|TCR2|SCTLR2"
            + "|PIR|PIRE0|POR|ZCR|SMCR|RVBAR|RMR|DAIF|NZCV|CNTFRQ|CNTVCT|CNTPCT|CNTV_CTL|CNTV_CVAL|CNTP_CTL|CNTP_CVAL|CNTHP_CTL|CNTHP_CVAL"
            + "|CSSELR|CCSIDR|CLIDR|DCZID|GCR|RGSR|TFSR|TFSRE0|APIAKEYLO|APIAKEYHI|APIBKEYLO|APIBKEYHI|APDAKEYLO|APDAKEYHI|APDBKEYLO"
            + "|APDBKEYHI|APGAKEYLO|APGAKEYHI|ID_AA64[A-Z]++[0-9]|ID_[A-Z]++[0-9]?)_EL[0-3]");
    /** Longer values cannot fit 64 bits (66 binary digits with the prefix, plus '_' separators). */
    private static final int MAX_VALUE_CHARS = 128;

    public static RegisterDump parse(String text) throws DumpError {
        List<Entry> out = new ArrayList<>();
        java.util.Map<SysReg, Entry> seen = new java.util.EnumMap<>(SysReg.class);
        List<Skipped> skipped = new ArrayList<>();
        int gpr = 0;
        String[] lines = text.split("\r?\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String l = lines[i];
            if (l.length() <= 4096) l = DMESG.matcher(l).replaceFirst("");
            if (l.isBlank() || l.trim().startsWith("#")) continue;
            if (l.length() <= 4096 && (GPR.matcher(l).matches() || QEMU_GPR.matcher(l).matches())) {
                gpr++;
                continue;
            }
            Matcher m = LINE.matcher(l);
            Matcher g = l.length() <= 4096 ? GDB.matcher(l) : null;
            String natural = null;
            if (!m.matches() && g != null && g.matches()) {
                m = g;
                natural = g.group(3);
            } else if (!m.matches()) {
                throw new DumpError(i + 1, "cannot parse '" + l.trim() + "' (expected 'REGISTER VALUE')");
            }
            SysReg reg;
            try {
                reg = SysReg.parse(m.group(1));
            } catch (IllegalArgumentException e) {
                if (UNREAD.matcher(m.group(1)).matches()) {
                    String name = m.group(1).toUpperCase(java.util.Locale.ROOT);
                    skipped.add(new Skipped(i + 1, name, name + " skipped: no model reads it (the walk, the engines and the emulator read "
                            + "SCTLR, TCR, MAIR, TTBR0/1, VBAR, HCR_EL2, the ID_AA64MMFR registers, CTR_EL0 and CurrentEL)"));
                    continue;
                }
                throw new DumpError(i + 1, e.getMessage());
            }
            Entry e = new Entry(i + 1, reg, parseValue(i + 1, reg, m.group(2)));
            if (natural != null && !natural.startsWith("[")) {
                // gdb prints the value twice, hex then natural: the two must agree (a hand-edited line is not guessed at)
                java.math.BigInteger d = new java.math.BigInteger(natural);
                if (d.signum() < 0) d = d.add(java.math.BigInteger.ONE.shiftLeft(64));
                if (d.bitLength() > 64 || d.longValue() != e.value()) {
                    throw new DumpError(i + 1, String.format("%s: gdb's two columns disagree: hex 0x%x but natural %s", reg, e.value(), natural));
                }
            }
            Entry before = seen.putIfAbsent(reg, e);
            if (before != null && before.value() != e.value()) {
                throw new DumpError(i + 1, String.format("%s given twice with different values: 0x%x on line %d, 0x%x here (which one did the CPU run with?)",
                        reg, before.value(), before.line(), e.value()));
            }
            if (before == null) out.add(e);
        }
        if (out.isEmpty()) {
            throw new DumpError(1, gpr > 0 || !skipped.isEmpty() ? "no system register lines the models read in the dump (" + gpr
                    + " general-purpose register line(s) and " + skipped.size() + " line(s) of other registers skipped)"
                    : "no register lines in the dump");
        }
        return new RegisterDump(out, gpr, skipped);
    }

    static long parseValue(int line, SysReg reg, String raw) throws DumpError {
        if (raw.length() > MAX_VALUE_CHARS) throw new DumpError(line, reg + " value of " + raw.length() + " characters is wider than 64 bits");
        try {
            return U64.parse(raw);
        } catch (IllegalArgumentException e) {
            throw new DumpError(line, reg + " value " + e.getMessage());
        }
    }

    /** The regime implied by HCR_EL2.E2H when the dump has HCR_EL2. */
    public Optional<Regime> regime() {
        return entries.stream().filter(e -> e.register() == SysReg.HCR_EL2).findFirst()
                .map(e -> Layouts.of(SysReg.HCR_EL2, Regime.EL2).get("E2H", e.value()) != 0 ? Regime.EL2_0 : Regime.EL2);
    }

    public Optional<Long> value(SysReg r) {
        return entries.stream().filter(e -> e.register() == r).map(Entry::value).reduce((a, b) -> b);
    }
}
