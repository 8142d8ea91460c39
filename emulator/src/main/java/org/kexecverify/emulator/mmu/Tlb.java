package org.kexecverify.emulator.mmu;

import java.util.HashMap;
import java.util.Map;

/**
 * A TLB with unbounded capacity that keeps every entry until a TLBI removes it (so a missing TLBI
 * shows stale translations, as on hardware that happens to keep them). Entries are per 4 KB page and per
 * regime; ASIDs and VMIDs are not modelled, so VMALLE1 and ALLE1 both drop every EL1&amp;0 entry.
 * Faulting walks (other than Permission faults on some access types) are never cached.
 */
public final class Tlb {
    private final Map<Long, TlbEntry> entries = new HashMap<>();
    private long generation;
    private long fills;
    private long flushes;

    private static long key(TranslationRegime r, long vaPage) {
        return (vaPage & ~0xfffL) | r.ordinal();
    }

    public TlbEntry lookup(TranslationRegime r, long va) {
        return entries.get(key(r, va & ~0xfffL));
    }

    /**
     * Fills an entry from the three walks of one page (fetch, read, write), or returns the fault that keeps
     * the page out of the TLB when no access type maps it.
     */
    public Object fill(TranslationRegime r, long va, Translation fetch, Translation read, Translation write) {
        Translation[] ts = {fetch, read, write};
        Translation.Mapped any = null;
        for (Translation t : ts) {
            if (t instanceof Translation.Mapped m) {
                any = m;
                break;
            }
        }
        if (any == null) {
            // no access type maps: a translation / access-flag / address-size fault, or permission denied for all
            for (Translation t : ts) {
                Translation.Fault f = (Translation.Fault) t;
                if (f.kind() != FaultKind.PERMISSION) {
                    return null;
                }
            }
        }
        Translation.Fault[] denied = new Translation.Fault[3];
        for (int i = 0; i < 3; i++) {
            if (ts[i] instanceof Translation.Fault f) {
                if (f.kind() != FaultKind.PERMISSION) {
                    return null;
                }
                denied[i] = f;
            }
        }
        Translation.Mapped src = any;
        long pa = src == null ? 0 : src.pa() & ~0xfffL;
        MemType type = src == null ? MemType.NORMAL_NC : src.type();
        TlbEntry e = new TlbEntry(r, va & ~0xfffL, pa, type, denied, src);
        entries.put(key(r, va & ~0xfffL), e);
        fills++;
        return e;
    }

    /** Removes every entry of the given regimes. */
    public void invalidate(TranslationRegime... regimes) {
        entries.values().removeIf(e -> {
            for (TranslationRegime r : regimes) {
                if (e.regime == r) {
                    return true;
                }
            }
            return false;
        });
        generation++;
        flushes++;
    }

    /** Changes whenever entries are removed, so micro-TLBs in front of this one know to drop their copy. */
    public long generation() {
        return generation;
    }

    public int size() {
        return entries.size();
    }

    public long fills() {
        return fills;
    }

    public long flushes() {
        return flushes;
    }
}
