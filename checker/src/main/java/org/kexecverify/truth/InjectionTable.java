package org.kexecverify.truth;

import java.util.List;

/** The injection x CPU table (Markdown): QEMU's outcome, the project's prediction, agreement, wall times. */
public final class InjectionTable {
    private InjectionTable() {}

    public static String markdown(List<InjectionRun.Result> rs) {
        StringBuilder b = new StringBuilder();
        b.append("| injection | CPU | QEMU outcome | project prediction (emulator; engines' refutations) | agree? | QEMU run | prediction |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (InjectionRun.Result r : rs) {
            String q = r.observed().label() + (r.observed().kind() == OutcomeClass.Kind.UP ? "" : "") + " — " + qemuWords(r);
            String p = r.prediction() == null ? "-" : r.prediction().outcome().label() + "; " + r.prediction().refuted();
            String agree = switch (r.agreement()) {
                case AGREE -> "yes";
                case DISAGREE -> "**NO**";
                case NOT_JUDGED -> "not judged (QEMU has no caches, flushes its TLB on SCTLR writes)";
                case NOT_RUN -> "not run: " + (r.injectionError().isEmpty() ? r.qemu().failure().isEmpty() ? r.qemu().run().outcome().toString()
                        : r.qemu().failure() : r.injectionError());
            };
            b.append("| `").append(r.injection().cliName()).append("` | ").append(r.cpu().qemuCpu()).append(" | ").append(cell(q)).append(" | ")
                    .append(cell(p)).append(" | ").append(cell(agree)).append(" | ").append(seconds(r.wall().toMillis())).append(" | ")
                    .append(r.prediction() == null ? "-" : seconds(r.prediction().millis())).append(" |\n");
        }
        long judged = rs.stream().filter(r -> r.agreement() == InjectionRun.Agreement.AGREE || r.agreement() == InjectionRun.Agreement.DISAGREE).count();
        long agree = rs.stream().filter(r -> r.agreement() == InjectionRun.Agreement.AGREE).count();
        long notJudged = rs.stream().filter(r -> r.agreement() == InjectionRun.Agreement.NOT_JUDGED).count();
        long notRun = rs.stream().filter(r -> r.agreement() == InjectionRun.Agreement.NOT_RUN).count();
        long wall = rs.stream().mapToLong(r -> r.wall().toMillis()).sum();
        b.append("\nAgreement: ").append(agree).append(" of ").append(judged).append(" judged runs; ").append(notJudged)
                .append(" not judged by QEMU (emulator only)").append(notRun == 0 ? "" : "; " + notRun + " not run").append("; QEMU wall time ")
                .append(seconds(wall)).append(" in all.\n");
        return b.toString();
    }

    /** The QEMU outcome, short: {@code SECOND_KERNEL_UP(EL2, VHE)}, {@code HANG(RELOCATION, 12000 exceptions)}. */
    static String qemuWords(InjectionRun.Result r) {
        String s = r.qemu().run().outcome().toString();
        return s.length() > 220 ? s.substring(0, 217) + "..." : s;
    }

    static String seconds(long ms) {
        return String.format("%.1f s", ms / 1000.0);
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
