package org.kexecverify.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.kexecverify.engines.Engines;

/**
 * {@code bench check}: the README's main job ({@code check SCENARIOS --engine all --replay --report})
 * run twice in this JVM against an empty results cache: first every engine decides everything (the
 * fresh time), then the unchanged rerun (the cached time). Prints the wall time of each scenario x
 * engine check, the totals per engine, both wall times, the cores and the load average.
 */
final class MainJobBench {
    private MainJobBench() {}

    private static final Pattern LINE = Pattern.compile("^\\[\\d+/\\d+\\] (\\S+) (\\S+): .*\\(([0-9.]+) s\\)$", Pattern.MULTILINE);

    static int run(Path scenarios, int jobs, PrintWriter out) throws IOException {
        Path tmp = Files.createTempDirectory("kexec-verify-bench-check");
        try {
            String load = loadAverage();
            Run fresh = once(scenarios, jobs, tmp, "fresh");
            Run cached = once(scenarios, jobs, tmp, "cached");
            out.printf("bench check: %s, --engine all --replay --report, --jobs %d, %d cores, load average before: %s%n",
                    scenarios, jobs, Runtime.getRuntime().availableProcessors(), load);
            out.printf("%-34s", "scenario (s per check, fresh)");
            for (String e : Engines.NAMES) out.printf(" %7s", e);
            out.println();
            Map<String, Double> perEngine = new LinkedHashMap<>();
            for (Map.Entry<String, Map<String, Double>> r : fresh.times().entrySet()) {
                out.printf("%-34s", r.getKey());
                for (String e : Engines.NAMES) {
                    Double t = r.getValue().get(e);
                    out.printf(" %7s", t == null ? "-" : String.format("%.1f", t));
                    if (t != null) perEngine.merge(e, t, Double::sum);
                }
                out.println();
            }
            out.printf("%-34s", "sum");
            for (String e : Engines.NAMES) out.printf(" %7.1f", perEngine.getOrDefault(e, 0.0));
            out.println();
            out.printf("main job, fresh (every engine decides everything): %.1f s wall, exit %d%n", fresh.wallSeconds(), fresh.code());
            out.printf("main job, unchanged rerun from the results cache:  %.1f s wall, exit %d (in-process: add the JVM start)%n",
                    cached.wallSeconds(), cached.code());
            out.printf("load average after: %s%n", loadAverage());
            out.flush();
            return fresh.code() == cached.code() ? ExitCode.PROVED : ExitCode.INTERNAL_ERROR;
        } finally {
            try (Stream<Path> w = Files.walk(tmp)) {
                w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    record Run(int code, double wallSeconds, Map<String, Map<String, Double>> times) {}

    private static Run once(Path scenarios, int jobs, Path tmp, String name) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        long t0 = System.nanoTime();
        int code = Main.run(new String[] {"check", scenarios.toString(), "--engine", "all", "--replay", "--report", "--progress-lines",
                "--jobs", Integer.toString(jobs), "--cache-dir", tmp.resolve("cache").toString(), "--out", tmp.resolve(name).toString()},
                new PrintWriter(o, true), new PrintWriter(e, true));
        double wall = (System.nanoTime() - t0) / 1e9;
        if (code == ExitCode.BAD_INPUT || code == ExitCode.INTERNAL_ERROR) {
            throw new BadInput("bench check: the check itself failed (exit " + code + "): " + e.toString().strip().lines().reduce((a, b) -> b).orElse(""));
        }
        Map<String, Map<String, Double>> times = new TreeMap<>();
        Matcher m = LINE.matcher(e.toString());
        while (m.find()) times.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(m.group(2), Double.parseDouble(m.group(3)));
        return new Run(code, wall, times);
    }

    private static String loadAverage() {
        try {
            List<String> f = new ArrayList<>(List.of(Files.readString(Path.of("/proc/loadavg")).trim().split(" ")));
            return String.join(" ", f.subList(0, 3));
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
