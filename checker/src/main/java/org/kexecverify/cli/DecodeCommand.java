package org.kexecverify.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.kexecverify.model.reg.DecodedField;
import org.kexecverify.model.reg.DecodedRegister;
import org.kexecverify.model.reg.Finding;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.RegisterDump;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code decode REG VALUE} and {@code decode --dump FILE}: every field, in words, then warnings. */
@Command(name = "decode", description = "Decode a system register value (or a pasted register dump) field by field.")
public final class DecodeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "REG", description = "register name, e.g. TCR_EL2")
    String register;

    @Parameters(index = "1", arity = "0..1", paramLabel = "VALUE", description = "value: 0x.., 0b.. or decimal")
    String value;

    @Option(names = "--regime", paramLabel = "el1|el2|el2h", description = "translation regime whose layout to use (default: by register name; for dumps: from HCR_EL2.E2H if present)")
    String regime;

    @Option(names = "--dump", paramLabel = "FILE", description = "decode every line of a register dump ('TCR_EL2 0x80843510', "
            + "'NAME=0x..', 'NAME: 0x..', gdb's info registers; '-' reads standard input; general-purpose register lines as show_regs, "
            + "gdb and QEMU's info registers print them are skipped)")
    Path dump;

    @Option(names = "--json", description = "print JSON instead of text")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Regime forced = regime == null ? null : parseRegime(regime);
        List<DecodedRegister> decoded = new ArrayList<>();
        if (dump != null) {
            if (register != null) throw new BadInput("decode: give either REG VALUE or --dump FILE, not both");
            RegisterDump d = readDump(dump);
            if (d.skippedGprLines() > 0) {
                spec.commandLine().getErr().printf("decode: %s: %d general-purpose register line(s) (x0-x30, pc, lr, sp, pstate) skipped%n",
                        dump, d.skippedGprLines());
            }
            for (RegisterDump.Skipped k : d.skipped()) spec.commandLine().getErr().printf("kexec-verify: warning: %s:%d: %s%n", dump, k.line(), k.why());
            Regime r = forced != null ? forced : d.regime().orElse(null);
            for (RegisterDump.Entry e : d.entries()) {
                Regime er = r != null ? r : Layouts.defaultRegime(e.register());
                decoded.add(decodeOne(e.register(), e.value(), er, dump + ":" + e.line()));
            }
        } else {
            if (register == null || value == null) throw new BadInput("decode: need REG and VALUE (or --dump FILE)");
            SysReg reg;
            try {
                reg = SysReg.parse(register);
            } catch (IllegalArgumentException e) {
                throw new BadInput("decode: REG: " + e.getMessage());
            }
            long v = Numbers.parseAddress("decode: VALUE", value, spec.commandLine().getErr());
            decoded.add(decodeOne(reg, v, forced != null ? forced : Layouts.defaultRegime(reg), "REG"));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(toJson(decoded));
        } else {
            for (DecodedRegister d : decoded) out.print(render(d));
        }
        out.flush();
        return ExitCode.PROVED;
    }

    static RegisterDump readDump(Path file) {
        String text;
        if (file.toString().equals("-")) {
            // standard input: a dump pasted into a terminal or piped from a log, at most the scenario size limit
            text = Scenarios.standardInput("decode: --dump -");
            try {
                return RegisterDump.parse(text);
            } catch (RegisterDump.DumpError e) {
                throw new BadInput("<stdin>:" + e.line() + ": " + e.getMessage());
            }
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new BadInput("decode: --dump: " + file + ": not a regular file (FIFOs, devices and sockets are not read)");
        }
        try {
            if (Files.size(file) > org.kexecverify.model.scenario.ScenarioLoader.MAX_FILE_BYTES) {
                throw new BadInput("decode: --dump: " + file + ": larger than " + (org.kexecverify.model.scenario.ScenarioLoader.MAX_FILE_BYTES >> 20) + " MiB");
            }
            text = Files.readString(file);
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInput b) throw b;
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.charset.MalformedInputException ? "not UTF-8 text" : "I/O error";
            throw new BadInput("decode: --dump: cannot read " + file + " (" + why + ")");
        }
        try {
            return RegisterDump.parse(text);
        } catch (RegisterDump.DumpError e) {
            throw new BadInput(file + ":" + e.line() + ": " + e.getMessage());
        }
    }

    static Regime parseRegime(String s) {
        try {
            return Regime.parse(s);
        } catch (IllegalArgumentException e) {
            throw new BadInput("--regime: " + e.getMessage());
        }
    }

    private static DecodedRegister decodeOne(SysReg reg, long v, Regime r, String where) {
        if (!Layouts.exists(reg, r)) {
            throw new BadInput(where + ": " + reg + " does not exist in the " + r.displayName() + " regime");
        }
        return Layouts.of(reg, r).decode(v, r);
    }

    public static String render(DecodedRegister d) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%s = 0x%016x  [%s, regime %s]%n", d.register(), d.value(), d.layoutName(), d.regime().displayName()));
        for (DecodedField f : d.fields()) sb.append("  ").append(f.render()).append('\n');
        if (d.findings().isEmpty()) {
            sb.append("  no warnings\n");
        } else {
            sb.append("  warnings:\n");
            for (Finding f : d.findings()) sb.append("    ").append(f).append('\n');
        }
        return sb.toString();
    }

    static String toJson(List<DecodedRegister> ds) throws IOException {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
        ArrayNode arr = m.createArrayNode();
        for (DecodedRegister d : ds) {
            ObjectNode o = arr.addObject();
            o.put("register", d.register().name());
            o.put("regime", d.regime().cliName());
            o.put("layout", d.layoutName());
            o.put("value", String.format("0x%016x", d.value()));
            ArrayNode fs = o.putArray("fields");
            for (DecodedField f : d.fields()) {
                ObjectNode fo = fs.addObject();
                fo.put("name", f.field().name());
                fo.put("msb", f.field().msb());
                fo.put("lsb", f.field().lsb());
                fo.put("kind", f.field().kind().name());
                fo.put("value", f.value());
                fo.put("text", f.field().format(f.value()));
                fo.put("meaning", f.meaning());
            }
            ArrayNode ws = o.putArray("findings");
            for (Finding f : d.findings()) {
                ObjectNode w = ws.addObject();
                w.put("code", f.code().name());
                w.put("number", f.code().number());
                w.put("severity", f.code().severity().name());
                w.put("field", f.field());
                w.put("message", f.message());
            }
        }
        return m.writeValueAsString(ds.size() == 1 ? arr.get(0) : arr);
    }
}
