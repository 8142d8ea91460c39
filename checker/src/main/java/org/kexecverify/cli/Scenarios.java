package org.kexecverify.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.kexecverify.kernels.ResolvedScenarios;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.scenario.Scenario;
import org.kexecverify.model.scenario.ScenarioBuilders;
import org.kexecverify.model.scenario.ScenarioError;

/** Loads scenario files (a directory means every *.yaml in it, sorted), resolves their code: sections and builds their plans. */
public final class Scenarios {
    private Scenarios() {}

    /** The name a scenario read from standard input ({@code -}) goes by in messages and outputs. */
    public static final String STDIN = "<stdin>";

    /** Standard input as UTF-8 text, at most the scenario size limit; {@code what} names the reader in errors. */
    static String standardInput(String what) {
        long max = org.kexecverify.model.scenario.ScenarioLoader.MAX_FILE_BYTES;
        try {
            byte[] b = System.in.readNBytes((int) max + 1);
            if (b.length > max) throw new BadInput(what + ": standard input is larger than " + (max >> 20) + " MiB");
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(b)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new BadInput(what + ": standard input is not UTF-8 text");
        } catch (IOException e) {
            throw new BadInput(what + ": cannot read standard input (" + e.getMessage() + ")");
        }
    }

    public static List<Path> expand(List<Path> args) {
        List<Path> out = new ArrayList<>();
        for (Path p : args) {
            if (p.toString().equals("-")) {
                // standard input: read once, so it can be named once
                if (out.contains(p)) throw new BadInput("-: standard input can be given only once");
                out.add(p);
            } else if (Files.isDirectory(p)) {
                try (Stream<Path> s = Files.list(p)) {
                    s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new BadInput(p + ": cannot list directory");
                }
            } else if (!Files.exists(p)) {
                throw new BadInput(p + ": no such file");
            } else {
                out.add(p);
            }
        }
        if (out.isEmpty()) throw new BadInput("no scenario files given (a directory needs *.yaml files)");
        return out;
    }

    /**
     * Scenario names label output files and counterexamples: two scenarios of one run with the same name would
     * overwrite each other's results, so that is bad input naming both files.
     */
    public static void requireUniqueNames(List<RelocationPlan> plans) {
        java.util.Map<String, String> seen = new java.util.HashMap<>();
        for (RelocationPlan p : plans) {
            String first = seen.putIfAbsent(p.scenario().name(), p.scenario().file());
            if (first != null) {
                throw new BadInput(p.scenario().file() + ": name: '" + p.scenario().name() + "' is also the name of " + first
                        + " (their output files would overwrite each other)");
            }
        }
    }

    /** The scenario with its code resolved (or the reason it could not be). */
    public static Scenario scenario(Path file) {
        try {
            if (file.toString().equals("-")) {
                // paths in its code: section are relative to the current directory
                return ResolvedScenarios.resolve(org.kexecverify.model.scenario.ScenarioLoader.parse(STDIN, standardInput("scenario -")),
                        Path.of("").toAbsolutePath());
            }
            return ResolvedScenarios.load(file);
        } catch (ScenarioError e) {
            throw new BadInput(e.oneLine());
        } catch (StackOverflowError e) {
            throw new BadInput(file + ": -: structure too deep");
        }
    }

    /**
     * The registers of a plan, validated against their field tables as check's REGISTERS_VALID does: one warning line
     * per error on {@code err}, so that walk and run never work from a register value without saying what is wrong with it.
     */
    public static void warnAboutRegisters(RelocationPlan plan, java.io.PrintWriter err) {
        warnings(plan, err);
        for (String f : org.kexecverify.model.engine.ModelEngine.registerFindings(plan).errors()) {
            err.println("kexec-verify: warning: " + plan.scenario().file() + ": " + f);
        }
        err.flush();
    }

    /** What loading the scenario skipped (a dump line of a register no model reads): one warning line each on {@code err}. */
    public static void warnings(RelocationPlan plan, java.io.PrintWriter err) {
        for (String w : plan.scenario().warnings()) err.println("kexec-verify: warning: " + plan.scenario().file() + ": " + w);
        err.flush();
    }

    public static RelocationPlan plan(Path file) {
        try {
            Scenario s = scenario(file);
            return ScenarioBuilders.build(s);
        } catch (ScenarioError e) {
            throw new BadInput(e.oneLine());
        } catch (StackOverflowError e) {
            throw new BadInput(file + ": -: structure too deep");
        }
    }
}
