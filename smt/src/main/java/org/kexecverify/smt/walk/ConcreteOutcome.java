package org.kexecverify.smt.walk;

import org.kexecverify.model.walk.FaultKind;
import org.kexecverify.model.walk.Translation;

/**
 * A {@link SymOutcome} evaluated at one point (or read off a Java {@link Translation}), in the
 * terms both walks share: fault kind and level, or PA and what the mapping grants.
 *
 * @param kind null when mapped
 */
public record ConcreteOutcome(FaultKind kind, int level, long pa, boolean executable, boolean writable, int memAttr,
                              boolean leafDevice, long leafAddr) {

    public boolean mapped() { return kind == null; }

    /** The Java walk's result in the same terms (leaf address and device-ness from its last step). */
    public static ConcreteOutcome of(Translation t) {
        if (t instanceof Translation.Fault f) return new ConcreteOutcome(f.kind(), f.level(), 0, false, false, 0, false, -1);
        Translation.Mapped m = (Translation.Mapped) t;
        int level = m.steps().isEmpty() ? 0 : m.steps().get(m.steps().size() - 1).level();
        long leaf = m.steps().isEmpty() ? -1 : m.steps().get(m.steps().size() - 1).descriptorAddress();
        return new ConcreteOutcome(null, level, m.pa(), m.attrs().executable(), m.attrs().writable(), m.attrs().memory().attr(), false, leaf);
    }

    /** Equal in everything the Java walk reports (the leaf's raw MAIR type is not part of a Translation). */
    public boolean agreesWith(ConcreteOutcome java) {
        if (mapped() != java.mapped()) return false;
        if (!mapped()) return kind == java.kind && level == java.level;
        return pa == java.pa && executable == java.executable && writable == java.writable && memAttr == java.memAttr
                && level == java.level && leafAddr == java.leafAddr;
    }

    @Override
    public String toString() {
        if (!mapped()) return kind.words() + (kind.hasLevel() ? ", level " + level : "") + " (level field " + level + ")";
        return String.format("mapped at level %d: PA 0x%x, %s%s, attr 0x%02x, leaf entry @0x%x", level, pa, writable ? "W" : "-",
                executable ? "X" : "-", memAttr, leafAddr);
    }
}
