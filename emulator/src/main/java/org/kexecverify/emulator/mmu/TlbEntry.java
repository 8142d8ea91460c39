package org.kexecverify.emulator.mmu;

/**
 * One cached 4 KB translation: what the tables said for each access type at fill time. An access type the
 * tables denied with a Permission fault keeps that fault, so a stale entry keeps faulting (or keeps
 * permitting) until a TLBI removes it.
 */
public final class TlbEntry {
    final TranslationRegime regime;
    final long vaPage;
    public final long paPage;
    public final MemType type;
    /** Per {@link Access#ordinal()}: the fault the walk gave for that access, or null if permitted. */
    public final Translation.Fault[] denied;
    /** The mapping the entry was filled from (for traces). */
    public final Translation.Mapped mapping;

    TlbEntry(TranslationRegime regime, long vaPage, long paPage, MemType type, Translation.Fault[] denied, Translation.Mapped mapping) {
        this.regime = regime;
        this.vaPage = vaPage;
        this.paPage = paPage;
        this.type = type;
        this.denied = denied;
        this.mapping = mapping;
    }

    public boolean permits(Access a) {
        return denied[a.ordinal()] == null;
    }
}
