package org.kexecverify.model.scenario;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kexecverify.model.mem.RamRange;

/**
 * Hands out 4 KB pages upward from a start address, inside RAM, never the same page twice. With
 * {@code avoid} set it skips destination pages, as kimage_alloc_control_pages() and
 * kimage_alloc_page() do.
 */
final class PageAllocator {
    private final List<RamRange> ram;
    private final Set<Long> used;
    private final Set<Long> avoid;
    private long cursor;
    private final String what;

    PageAllocator(String what, long start, List<RamRange> ram, Set<Long> used, Set<Long> avoid) {
        this.what = what;
        this.cursor = start;
        this.ram = ram;
        this.used = used;
        this.avoid = avoid == null ? new HashSet<>() : avoid;
    }

    long next() {
        for (long tries = 0; tries < (1L << 26); tries++) {
            long p = cursor;
            cursor += 4096;
            if (Long.compareUnsigned(cursor, p) < 0) break;
            if (!inRam(p)) {
                long nextRam = nextRamAfter(p);
                if (nextRam < 0) break;
                cursor = nextRam;
                continue;
            }
            if (avoid.contains(p) || !used.add(p)) continue;
            return p;
        }
        throw new IllegalStateException(what + ": no free page left in RAM after 0x" + Long.toHexString(cursor));
    }

    private boolean inRam(long p) {
        for (RamRange r : ram) if (r.containsRange(p, 4096)) return true;
        return false;
    }

    private long nextRamAfter(long p) {
        long best = -1;
        for (RamRange r : ram) {
            if (Long.compareUnsigned(r.base(), p) > 0 && (best < 0 || Long.compareUnsigned(r.base(), best) < 0)) best = r.base();
        }
        return best;
    }
}
