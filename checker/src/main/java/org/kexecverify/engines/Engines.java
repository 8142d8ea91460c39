package org.kexecverify.engines;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.kexecverify.cli.BadInput;
import org.kexecverify.model.walk.WalkOptions;

/** The engine registry: names on the command line to engine instances. */
public final class Engines {
    private Engines() {}

    public static final List<String> NAMES = List.of("model");

    public static List<Engine> select(String spec, WalkOptions options, org.kexecverify.model.progress.Progress progress) {
        String s = spec.toLowerCase(Locale.ROOT);
        List<Engine> out = new ArrayList<>();
        for (String name : s.equals("all") ? NAMES : List.of(s.split(","))) {
            switch (name.trim()) {
                case "model" -> out.add(new ModelEngineAdapter(options, progress));
                default -> throw new BadInput("--engine: unknown or unavailable engine '" + name.trim() + "' (available: " + String.join(", ", NAMES) + ", all)");
            }
        }
        return out;
    }
}
