package org.kexecverify.truth;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.emulator.cpu.ExceptionRecord;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.groundtruth.kernel.KexecOutcome;

/**
 * What a kexec run came to, coarse enough that QEMU running Debian's kernel and the emulator running the same code
 * on the project's model of the state can be compared: the first fault's PC may differ (QEMU's TLB still holds the
 * relocation page's translation at the stop, the emulator's starts empty), the class may not.
 *
 * <pre>
 *   UP(el)                         the new kernel was entered at EL el (QEMU: the second kernel says "started at ELx")
 *   FAULT_LOOP(el, vector, ec)     the same synchronous exception forever: to EL el, at VBAR_ELel + vector, class ec
 *   SPIN_AFTER_EXCEPTION(el, vector, ec)  an exception was taken, then the CPU spins without one (an invalid-vector stub)
 *   SPIN                           the CPU loops without taking an exception and without output
 *   OLD_KERNEL_HANDLER(el, vector, ec)  the fault is taken while the old kernel's TTBR1 and VBAR are still live (before
 *                                  the code's TTBR1 switch): the old kernel's handler runs it (QEMU: "Internal error: Oops")
 *   PANIC                          a kernel panicked (the emulator never predicts this: it does not run kernel handlers)
 *   NOT_REACHED                    nothing to compare (the run did not get to the relocation code, or the emulator stopped)
 * </pre>
 *
 * @param el     target EL (UP: the EL the new kernel starts at), -1 when not applicable
 * @param vector vector offset in the table (0x200: current EL with SP_ELx; 0x400: lower EL AArch64), -1 when not applicable
 * @param ec     exception class of the looping exception (0x21 instruction abort same EL, 0x25 data abort same EL), -1 n/a
 * @param words  the class in words, with what it was read from
 */
public record OutcomeClass(Kind kind, int el, int vector, int ec, String words) {
    public enum Kind { UP, FAULT_LOOP, SPIN_AFTER_EXCEPTION, SPIN, OLD_KERNEL_HANDLER, PANIC, NOT_REACHED }

    /** Same kind, same EL, vector and exception class where they apply. */
    public boolean sameAs(OutcomeClass o) {
        return kind == o.kind && el == o.el && vector == o.vector && ec == o.ec && kind != Kind.NOT_REACHED;
    }

    /** The class alone, without what it was read from: {@code FAULT_LOOP(EL1, VBAR_EL1+0x200, EC 0x21 instruction abort)}. */
    public String label() {
        return switch (kind) {
            case UP -> "UP at EL" + el;
            case FAULT_LOOP, SPIN_AFTER_EXCEPTION -> String.format("%s at VBAR_EL%d+0x%03x (EC 0x%02x %s)", kind == Kind.FAULT_LOOP ? "fault loop"
                    : "spin after an exception", el, vector, ec, ecWords(ec));
            case SPIN -> "spin, no exception";
            case OLD_KERNEL_HANDLER -> String.format("fault into the old kernel's handler at VBAR_EL%d+0x%03x (EC 0x%02x %s): an oops", el, vector,
                    ec, ecWords(ec));
            case PANIC -> "panic";
            case NOT_REACHED -> "not reached";
        };
    }

    @Override
    public String toString() {
        return label();
    }

    static String ecWords(int ec) {
        return switch (ec) {
            case 0x20 -> "instruction abort from a lower EL";
            case 0x21 -> "instruction abort";
            case 0x24 -> "data abort from a lower EL";
            case 0x25 -> "data abort";
            case 0x16 -> "hvc";
            default -> "class";
        };
    }

    /** The class of an emulator run. */
    public static OutcomeClass of(ScenarioRun.Outcome o, List<ExceptionRecord> taken) {
        RunResult r = o.result();
        if (r instanceof RunResult.Completed c) return new OutcomeClass(Kind.UP, c.el(), -1, -1, o.summary());
        if (r instanceof RunResult.Hang h) {
            switch (h.kind()) {
                case FAULT_LOOP -> {
                    ExceptionRecord e = h.loop().get(h.loop().size() - 1);
                    return new OutcomeClass(Kind.FAULT_LOOP, e.toEl(), e.vectorOffset(), e.ec(), o.summary());
                }
                case SPIN, SELF_LOOP, WAIT_FOR_INTERRUPT -> {
                    ExceptionRecord last = taken.isEmpty() ? null : taken.get(taken.size() - 1);
                    if (last != null && last.ec() != 0x16) {
                        return new OutcomeClass(Kind.SPIN_AFTER_EXCEPTION, last.toEl(), last.vectorOffset(), last.ec(), o.summary());
                    }
                    return new OutcomeClass(Kind.SPIN, -1, -1, -1, o.summary());
                }
                default -> {
                    return new OutcomeClass(Kind.NOT_REACHED, -1, -1, -1, o.summary());
                }
            }
        }
        return new OutcomeClass(Kind.NOT_REACHED, -1, -1, -1, o.summary());
    }

    // "256x Prefetch Abort EL1 to EL1 ESR 0x21/0x8600000f FAR 0x... -> EL1 PC 0xffff800008010a00"
    private static final Pattern QEMU_KIND = Pattern.compile("^\\d+x (.+?) EL(\\d) to EL(\\d) ESR 0x([0-9a-f]+)/0x([0-9a-f]+).*-> EL(\\d) PC 0x([0-9a-f]+)");

    private static final Pattern OOPS = Pattern.compile("Internal error: Oops: ([0-9a-f]+)");

    /**
     * The class of a QEMU run: an oops of the first kernel after {@code kexec -e} (in the console tail: no /init line
     * after it but KEXEC_E) first, else by the outcome.
     */
    public static OutcomeClass of(org.kexecverify.groundtruth.kernel.RunResult r) {
        KexecOutcome k = r.outcome();
        boolean afterKexec = k instanceof KexecOutcome.Hang h ? h.phase() != KexecOutcome.Phase.FIRST_KERNEL
                : k instanceof KexecOutcome.Panic p && p.phase() != KexecOutcome.Phase.FIRST_KERNEL;
        boolean before = false;
        for (String l : r.consoleTail()) {
            if (l.equals("KV1: KEXEC_E")) before = false;
            if (l.startsWith("KV1: ") && !l.equals("KV1: KEXEC_E")) before = true; // /init's lines before kexec -e
            Matcher m = OOPS.matcher(l);
            if (afterKexec && !before && m.find()) {
                long esr = Long.parseUnsignedLong(m.group(1), 16);
                return new OutcomeClass(Kind.OLD_KERNEL_HANDLER, r.cpu().kernelEl(), 0x200, (int) ((esr >>> 26) & 0x3f),
                        l.replaceFirst("^\\[[^]]*\\]\\s*", "").strip() + " after kexec -e; then " + r.outcome());
            }
        }
        return of(r.outcome());
    }

    /** The class of a QEMU outcome. */
    public static OutcomeClass of(KexecOutcome k) {
        if (k instanceof KexecOutcome.SecondKernelUp u) return new OutcomeClass(Kind.UP, u.currentEl(), -1, -1, k.toString());
        if (k instanceof KexecOutcome.Panic) return new OutcomeClass(Kind.PANIC, -1, -1, -1, k.toString());
        if (k instanceof KexecOutcome.Hang h && h.phase() == KexecOutcome.Phase.RELOCATION) {
            // every exception since the last console line returned (machine_kexec's own HVC_SET_VECTORS): none caused the hang
            if (h.loop().exceptions() < 100 && h.loop().exceptions() <= h.loop().erets()) return new OutcomeClass(Kind.SPIN, -1, -1, -1, k.toString());
            String key = h.loop().kinds().isEmpty() ? h.loop().last() : h.loop().kinds().get(0);
            String last = h.loop().last().isEmpty() ? key : "1x " + h.loop().last();
            boolean loop = h.loop().exceptions() >= 1000 && h.loop().kinds().size() <= 2;
            Matcher m = QEMU_KIND.matcher(loop ? key : last);
            if (m.find()) {
                int toEl = Integer.parseInt(m.group(6));
                int ec = Integer.parseInt(m.group(4), 16);
                int vector = (int) (Long.parseUnsignedLong(m.group(7), 16) & 0x7ff);
                return new OutcomeClass(loop ? Kind.FAULT_LOOP : Kind.SPIN_AFTER_EXCEPTION, toEl, vector, ec, k.toString());
            }
        }
        return new OutcomeClass(Kind.NOT_REACHED, -1, -1, -1, k.toString());
    }
}
