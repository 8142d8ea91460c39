package org.kexecverify.engines;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kexecverify.cli.BadInput;
import org.kexecverify.model.progress.Progress;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.smt.SmtOptions;

/** The engine registry: names on the command line to engine instances. */
public final class Engines {
    private Engines() {}

    /** Every engine, in the order {@code all} runs them. */
    public static final List<String> NAMES = List.of("model", "smt", "tla", "emu");

    /** Settings the command line gives the engines. */
    public record Settings(WalkOptions walk, Progress progress, long timeoutMillis, boolean openPlacements) {}

    public static List<Engine> select(String spec, Settings s) {
        List<Engine> out = new ArrayList<>();
        for (String name : names(spec)) {
            switch (name) {
                case "model" -> out.add(new ModelEngineAdapter(s.walk(), s.progress()));
                case "smt" -> out.add(new SmtEngineAdapter(new SmtOptions(s.timeoutMillis()), s.openPlacements(), s.walk()));
                case "tla" -> out.add(new TlaEngineAdapter(s.walk(), s.timeoutMillis(), s.progress()));
                case "emu" -> out.add(new EmuEngine(s.walk()));
                default -> throw new BadInput("--engine: unknown or unavailable engine '" + name + "' (available: " + String.join(", ", NAMES) + ", all)");
            }
        }
        return out;
    }

    /**
     * The engine names of {@code spec} ({@code all}, or a comma list), each once: an empty list, an empty name
     * ({@code ","}, {@code "model,"}) or a name given twice is a usage error, so that a run never decides nothing.
     */
    public static List<String> names(String spec) {
        String lower = spec.strip().toLowerCase(Locale.ROOT);
        if (lower.equals("all")) return NAMES;
        List<String> out = new ArrayList<>();
        for (String n : lower.split(",", -1)) {
            String t = n.strip();
            if (t.isEmpty()) throw new BadInput("--engine: empty engine name in '" + spec + "' (give model, smt, tla, emu as a comma list, or all)");
            if (out.contains(t)) throw new BadInput("--engine: '" + t + "' given twice in '" + spec + "'");
            out.add(t);
        }
        return out;
    }
}
