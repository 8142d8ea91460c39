package org.kexecverify.model.walk;

import java.util.List;

/** The outcome of a stage-1 translation: the walk steps always come with it. */
public sealed interface Translation permits Translation.Mapped, Translation.Fault {

    long va();

    AccessType access();

    List<WalkStep> steps();

    /** Header values (regime, base register, start level). */
    WalkContext where();

    /** Human-readable header line (regime, base register, start level). */
    default String context() { return where().toString(); }

    /** VA translated; {@code pa} is the output address for this access. */
    record Mapped(long va, AccessType access, long pa, PageAttributes attrs, List<WalkStep> steps, WalkContext where) implements Translation {
        public Mapped {
            steps = List.copyOf(steps);
        }
    }

    /** VA faulted: {@code reason} names the descriptor bit and the regime's reading of it. */
    record Fault(long va, AccessType access, FaultKind kind, int level, List<WalkStep> steps, String reason, WalkContext where) implements Translation {
        public Fault {
            steps = List.copyOf(steps);
        }

        /** IFSC/DFSC for ESR_ELx. */
        public int fsc() { return kind.fsc(level); }

        public String summary() {
            return kind.words() + (kind.hasLevel() ? ", level " + level : "");
        }
    }

    default boolean isFault() { return this instanceof Fault; }

    /** The walk level by level, then the result. */
    default String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("VA 0x%x %s: %s%n", va(), access().words(), context()));
        for (WalkStep s : steps()) sb.append("  ").append(s.render()).append('\n');
        if (this instanceof Mapped m) {
            sb.append(String.format("  => PA 0x%x, %s%n", m.pa(), m.attrs().describe()));
        } else if (this instanceof Fault f) {
            String fsc = String.format("%6s", Integer.toBinaryString(f.fsc())).replace(' ', '0');
            sb.append(String.format("  => %s (FSC 0b%s): %s%n", f.summary(), fsc, f.reason()));
        }
        return sb.toString();
    }
}
