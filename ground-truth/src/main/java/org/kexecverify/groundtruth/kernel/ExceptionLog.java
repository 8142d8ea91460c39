package org.kexecverify.groundtruth.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * QEMU's {@code -d int} log, read line by line, kept as counts and the most recent exceptions since the last
 * console line (the point a hang is measured from). QEMU 7.2 logs each exception as
 *
 * <pre>
 *   Taking exception 3 [Prefetch Abort] on CPU 0
 *   ...from EL2 to EL2
 *   ...with ESR 0x21/0x8600000f
 *   ...with FAR 0x48d6f000
 *   ...to EL2 PC 0x48d6f200 PSTATE 0x3c9
 * </pre>
 *
 * and an exception return as {@code Exception return from AArch64 EL2 to AArch64 EL1 PC 0x...}. A record's key is
 * everything but the CPU number, so a fault loop (the same abort taken at the same vector forever) is one key
 * with a large count. Thread-safe: QEMU's stderr reader feeds it, the console watcher reads it.
 */
public final class ExceptionLog {
    /** Records kept for the summary. */
    static final int WINDOW = 256;
    private static final Pattern TAKING = Pattern.compile("^Taking exception (\\d+) \\[([^\\]]*)\\]");

    private final Deque<String> recent = new ArrayDeque<>();
    private StringBuilder current;
    private long total;
    private long sinceMark;
    private long returnsSinceMark;
    private String lastReturn = "";

    /** One line of QEMU's stderr. */
    public synchronized void accept(String line) {
        Matcher m = TAKING.matcher(line);
        if (m.find()) {
            finish();
            current = new StringBuilder(m.group(2));
            total++;
            sinceMark++;
        } else if (line.startsWith("...") && current != null) {
            String f = line.substring(3).replace("with ", "").replace("from ", "");
            current.append(' ').append(f.replaceAll("\\s+PSTATE", " PSTATE"));
        } else if (line.startsWith("Exception return from")) {
            finish();
            returnsSinceMark++;
            lastReturn = line.replace("Exception return from ", "eret ");
        }
    }

    private void finish() {
        if (current == null) return;
        recent.addLast(current.toString().replaceAll(" to EL(\\d) PC", " -> EL$1 PC"));
        while (recent.size() > WINDOW) recent.removeFirst();
        current = null;
    }

    /** The console printed a line: counts start again from here. */
    public synchronized void mark() {
        finish();
        recent.clear();
        sinceMark = 0;
        returnsSinceMark = 0;
        lastReturn = "";
    }

    public synchronized long total() {
        return total;
    }

    /**
     * Whether the exceptions since the mark look like a loop that will never print: more than {@code minimum}
     * of them, the recent ones all synchronous (no IRQ, which an idle kernel takes forever) and of at most four kinds.
     */
    public synchronized boolean faultLoop(long minimum) {
        if (sinceMark < minimum || recent.size() < Math.min(WINDOW, minimum)) return false;
        Map<String, Integer> k = kinds();
        if (k.size() > 4) return false;
        for (String key : k.keySet()) {
            if (key.startsWith("IRQ") || key.startsWith("FIQ") || key.startsWith("Virtual")) return false;
        }
        return true;
    }

    private Map<String, Integer> kinds() {
        Map<String, Integer> k = new LinkedHashMap<>();
        for (String r : recent) k.merge(r, 1, Integer::sum);
        return k;
    }

    /**
     * The exceptions since the mark: how many, and the kinds among the most recent, most frequent first. The record
     * QEMU is still writing is left out (its lines may be half there).
     */
    public synchronized Summary summary() {
        List<Map.Entry<String, Integer>> e = new ArrayList<>(kinds().entrySet());
        e.sort((a, b) -> b.getValue() - a.getValue());
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < Math.min(4, e.size()); i++) kinds.add(e.get(i).getValue() + "x " + e.get(i).getKey());
        return new Summary(sinceMark, returnsSinceMark, recent.size(), List.copyOf(kinds), lastReturn,
                recent.isEmpty() ? "" : recent.peekLast());
    }

    /**
     * QEMU's exceptions since the last console line.
     *
     * @param exceptions how many were taken
     * @param erets      how many exception returns
     * @param window     how many of the most recent {@code kinds} is counted over
     * @param kinds      "count x kind" for the most frequent kinds in the window
     * @param lastEret   the last exception return logged
     * @param last       the last exception taken
     */
    public record Summary(long exceptions, long erets, int window, List<String> kinds, String lastEret, String last) {
        /** Whether logging saw nothing (it starts at {@code kexec -e}). */
        public boolean empty() {
            return exceptions == 0 && erets == 0;
        }

        @Override
        public String toString() {
            if (empty()) return "no exceptions logged";
            return exceptions + " exceptions, " + erets + " exception returns; last " + window + ": " + String.join(", ", kinds)
                    + (lastEret.isEmpty() ? "" : "; last " + lastEret);
        }
    }
}
