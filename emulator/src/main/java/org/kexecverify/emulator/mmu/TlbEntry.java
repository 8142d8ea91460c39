package org.kexecverify.emulator.mmu;

import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;

/**
 * One cached 4 KB translation: what the tables said for each access type at fill time, and the leaf's
 * MAIR attribute as MAIR held it then. An access type the tables denied keeps its Permission fault, so a
 * stale entry keeps faulting (or keeps permitting) until a TLBI removes it.
 */
public final class TlbEntry {
    final Regime regime;
    final long vaPage;
    public final long paPage;
    /** The leaf's memory attribute (before SCTLR_ELx.C/I, which the machine applies per access). */
    public final MemoryAttribute attr;
    /** Per {@link AccessType#ordinal()}: the fault the walk gave for that access, or null if permitted. */
    public final Translation.Fault[] denied;
    /** A successful walk of the page (for traces). */
    public final Translation.Mapped mapping;

    TlbEntry(Regime regime, long vaPage, long paPage, MemoryAttribute attr, Translation.Fault[] denied, Translation.Mapped mapping) {
        this.regime = regime;
        this.vaPage = vaPage;
        this.paPage = paPage;
        this.attr = attr;
        this.denied = denied;
        this.mapping = mapping;
    }

    public boolean permits(AccessType a) {
        return denied[a.ordinal()] == null;
    }
}
