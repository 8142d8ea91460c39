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
        String lower = spec.toLowerCase(Locale.ROOT);
        List<Engine> out = new ArrayList<>();
        for (String name : lower.equals("all") ? NAMES : List.of(lower.split(","))) {
            switch (name.trim()) {
                case "model" -> out.add(new ModelEngineAdapter(s.walk(), s.progress()));
                case "smt" -> out.add(new SmtEngineAdapter(new SmtOptions(s.timeoutMillis()), s.openPlacements(), s.walk()));
                case "tla" -> out.add(new TlaEngineAdapter(s.walk(), s.timeoutMillis(), s.progress()));
                case "emu" -> out.add(new EmuEngine(s.walk()));
                default -> throw new BadInput("--engine: unknown or unavailable engine '" + name.trim() + "' (available: " + String.join(", ", NAMES) + ", all)");
            }
        }
        return out;
    }
}
