package org.kexecverify.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kexecverify.output.OutputDir;

/**
 * {@code check} killed with SIGTERM at a random moment (JVM start, engines, writing, after the end) leaves {@code --out}
 * holding exactly the previous complete result set or the new one: the manifest lists one of the two sets, every file
 * it lists is there, verdicts.json names exactly that set's scenarios and every counterexample it points at exists,
 * no commit is left half done, and a user's own file is untouched. Two input sets alternate so that "previous" and
 * "new" differ. Seed {@code -Dkexec-verify.soak.seed} (default 20261202), runs {@code -Dkexec-verify.soak.runs}
 * (default 14); both are printed. Any timing is accepted: only the state after the kill is judged.
 */
class InterruptedChecksLeaveCompleteResultsSoakTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<List<String>> SETS = List.of(
            List.of("../scenarios/rfc-v2-el2.yaml"),
            List.of("../scenarios/rfc-v2-el2-fixed.yaml", "../scenarios/hibernate-resume.yaml"));

    record Complete(Set<String> files, Set<String> scenarios) {}

    private static Process start(int set, Path out) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "org.kexecverify.cli.Main", "check"));
        cmd.addAll(SETS.get(set));
        cmd.addAll(List.of("--engine", "model", "--report", "--no-cache", "--quiet", "--out", out.toString()));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    /** The result set in {@code out} as the manifest and verdicts.json state it; fails on anything incomplete. */
    private static Complete read(Path out, String when) throws IOException {
        Path staging = out.resolve(OutputDir.STAGING);
        assertFalse(Files.exists(staging.resolve(OutputDir.COMMIT)), when + ": a commit was left half done");
        Set<String> files = new TreeSet<>();
        for (String l : Files.readAllLines(out.resolve(OutputDir.MANIFEST))) if (!l.isBlank()) files.add(l.strip());
        for (String f : files) assertTrue(Files.isRegularFile(out.resolve(f)), when + ": the manifest lists " + f + ", which is missing");
        assertTrue(files.contains("verdicts.json") && files.contains("report.html"), when + ": " + files);
        JsonNode v = JSON.readTree(out.resolve("verdicts.json").toFile());
        Set<String> scenarios = new TreeSet<>();
        for (JsonNode s : v.get("scenarios")) {
            scenarios.add(s.get("name").asText());
            for (JsonNode verdict : s.get("verdicts")) {
                JsonNode cx = verdict.get("counterexample");
                if (cx != null && cx.isTextual()) assertTrue(files.contains(cx.asText()), when + ": verdicts.json points at " + cx + ", not in " + files);
            }
        }
        return new Complete(files, scenarios);
    }

    @Test
    void sigtermAtAnyMomentLeavesThePreviousOrTheNewCompleteResults(@TempDir Path out) throws Exception {
        long seed = Long.getLong("kexec-verify.soak.seed", 20261202L);
        int runs = Integer.getInteger("kexec-verify.soak.runs", 14);
        System.out.println("InterruptedChecksLeaveCompleteResultsSoakTest: seed " + seed + ", " + runs + " runs (-Dkexec-verify.soak.seed, -Dkexec-verify.soak.runs)");
        Path mine = Files.writeString(out.resolve("my-notes.itf.json"), "{\"mine\": true}");

        // each set once to the end: what its complete results look like, and how long a run takes
        Complete[] full = new Complete[2];
        long longest = 0;
        for (int set : new int[] {1, 0}) {
            long t0 = System.nanoTime();
            Process p = start(set, out);
            assertTrue(p.waitFor(5, TimeUnit.MINUTES), "a full run of set " + set + " ended");
            longest = Math.max(longest, System.nanoTime() - t0);
            full[set] = read(out, "after a full run of set " + set);
        }
        assertFalse(full[0].files().equals(full[1].files()), "the two sets must differ: " + full[0] + " / " + full[1]);

        Random rnd = new Random(seed);
        int current = 0;   // the set whose results --out holds
        int interruptedBefore = 0;
        int completed = 0;
        for (int i = 0; i < runs; i++) {
            int next = 1 - current;
            long delayMs = (long) (rnd.nextDouble() * 1.2 * TimeUnit.NANOSECONDS.toMillis(longest));
            Process p = start(next, out);
            boolean ended = p.waitFor(delayMs, TimeUnit.MILLISECONDS);
            if (!ended) p.destroy();   // SIGTERM
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), "run " + i + " ended after SIGTERM");
            String when = "run " + i + " (set " + next + ", SIGTERM after " + delayMs + " ms" + (ended ? ", ended before it" : "") + ", seed " + seed + ")";
            Complete now = read(out, when);
            if (now.equals(full[next])) {
                current = next;
                completed++;
            } else if (now.equals(full[current])) {
                interruptedBefore++;
            } else {
                fail(when + ": --out holds neither the previous nor the new results: " + now + "\nprevious " + full[current] + "\nnew " + full[next]);
            }
            assertEquals("{\"mine\": true}", Files.readString(mine), when + ": a user's file changed");
        }
        System.out.println("InterruptedChecksLeaveCompleteResultsSoakTest: " + completed + " runs left the new results, "
                + interruptedBefore + " the previous ones");
        // a later uninterrupted run clears whatever an interrupted one staged
        Process p = start(0, out);
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(full[0], read(out, "the final full run"));
        assertFalse(Files.exists(out.resolve(OutputDir.STAGING)), "no staging directory after a complete run");
    }
}
