package org.kexecverify.emulator.mmu;

import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;

/**
 * One cached translation of a page or block (4 KB, 2 MB or 1 GB, as the leaf descriptor maps it): what the tables said for each access type at fill time, and the leaf's
 * MAIR attribute as MAIR held it then. An access type the tables denied keeps its Permission fault, so a
 * stale entry keeps faulting (or keeps permitting) until a TLBI removes it.
 */
public final class TlbEntry {
    final Regime regime;
    final long vaBase;
    /** Output address of the first byte of the page or block. */
    public final long paBase;
    /** Bytes covered: 4 KB (page), 2 MB or 1 GB (block). */
    public final long size;
    /** The leaf's memory attribute (before SCTLR_ELx.C/I, which the machine applies per access). */
    public final MemoryAttribute attr;
    /** Per {@link AccessType#ordinal()}: the fault the walk gave for that access, or null if permitted. */
    public final Translation.Fault[] denied;
    /** A successful walk of the page (for traces). */
    public final Translation.Mapped mapping;

    TlbEntry(Regime regime, long vaBase, long paBase, long size, MemoryAttribute attr, Translation.Fault[] denied, Translation.Mapped mapping) {
        this.regime = regime;
        this.vaBase = vaBase;
        this.paBase = paBase;
        this.size = size;
        this.attr = attr;
        this.denied = denied;
        this.mapping = mapping;
    }

    /** The output address of {@code va} (which must lie in this entry). */
    public long pa(long va) {
        return paBase + (va - vaBase);
    }

    public boolean permits(AccessType a) {
        return denied[a.ordinal()] == null;
    }
}
