package org.kexecverify.emulator.mmu;

import java.util.HashMap;
import java.util.Map;

import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.FaultKind;
import org.kexecverify.model.walk.Translation;

/**
 * A TLB with unbounded capacity that keeps every entry until a TLBI removes it (so a missing TLBI shows
 * stale translations, as on hardware that happens to keep them; QEMU instead flushes on every SCTLR write).
 * Entries are per 4 KB page and per regime; ASIDs and VMIDs are not modelled, so VMALLE1 and ALLE1 both drop
 * every EL1&amp;0 entry. Walks that fault for every access type are never cached; a page that maps for some
 * access types and has Permission faults for others is cached with those faults.
 */
public final class Tlb {
    private final Map<Long, TlbEntry> entries = new HashMap<>();
    private long fills;
    private long flushes;

    private static final int[] SHIFTS = {12, 21, 30};

    private static long key(Regime r, long va, int sizeCode) {
        return ((va >>> SHIFTS[sizeCode]) << 4) | ((long) sizeCode << 2) | r.ordinal();
    }

    public TlbEntry lookup(Regime r, long va) {
        for (int s = 0; s < SHIFTS.length; s++) {
            TlbEntry e = entries.get(key(r, va, s));
            if (e != null) {
                return e;
            }
        }
        return null;
    }

    /**
     * Fills an entry from the three walks of one page (fetch, read, write, in {@code AccessType} order), or
     * returns null when the page does not enter the TLB (some walk ended in a non-permission fault).
     */
    public TlbEntry fill(Regime r, long va, long mair, Translation[] walks) {
        Translation.Mapped any = null;
        Translation.Fault[] denied = new Translation.Fault[walks.length];
        for (int i = 0; i < walks.length; i++) {
            if (walks[i] instanceof Translation.Mapped m) {
                if (any == null) {
                    any = m;
                }
            } else {
                Translation.Fault f = (Translation.Fault) walks[i];
                if (f.kind() != FaultKind.PERMISSION) {
                    return null;
                }
                denied[i] = f;
            }
        }
        if (any == null) {
            return null;
        }
        int idx = any.attrs().mairIndex();
        MemoryAttribute attr = MemoryAttribute.decode((int) ((mair >>> (8 * Math.max(idx, 0))) & 0xff));
        int level = any.steps().isEmpty() ? 3 : any.steps().get(any.steps().size() - 1).level();
        int sizeCode = Math.max(0, 3 - level);
        long size = 1L << SHIFTS[sizeCode];
        long vaBase = va & -size;
        TlbEntry e = new TlbEntry(r, vaBase, any.pa() - (va - vaBase), size, attr, denied, any);
        entries.put(key(r, va, sizeCode), e);
        fills++;
        return e;
    }

    /** Removes every entry of the given regimes. */
    public void invalidate(Regime... regimes) {
        entries.values().removeIf(e -> {
            for (Regime r : regimes) {
                if (e.regime == r) {
                    return true;
                }
            }
            return false;
        });
        flushes++;
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
