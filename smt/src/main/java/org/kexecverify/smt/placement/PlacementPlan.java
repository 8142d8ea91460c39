package org.kexecverify.smt.placement;

import java.util.List;
import java.util.OptionalLong;
import org.kexecverify.model.mem.PhysicalMemory;

/**
 * The relocation's copies and the objects that must survive them, with what the kernel's allocator
 * guarantees about where each object may lie (kernel/kexec_core.c):
 * control pages (trans_pgd tables, relocation code, EL2 vector copy) and indirection pages avoid
 * every segment destination; a source page is its own destination or no destination at all; the
 * {@code struct kimage} (kzalloc) has no guarantee.
 *
 * @param segments             kimage segments in copy order (page-aligned destinations)
 * @param objects              pages that must not be overwritten while still needed
 * @param sourcesKeepInvariant kimage_alloc_page's invariant holds for source pages
 */
public record PlacementPlan(List<Segment> segments, List<PlacedObject> objects, boolean sourcesKeepInvariant) {

    public PlacementPlan {
        segments = List.copyOf(segments);
        objects = List.copyOf(objects);
    }

    /** A segment's destination {@code [dest, dest + size)}, copied page by page. */
    public record Segment(String name, long dest, long size) {
        public long pages() { return (size + PhysicalMemory.PAGE_SIZE - 1) >>> PhysicalMemory.PAGE_SHIFT; }
    }

    /** Where the allocator may put an object. */
    public enum Guarantee {
        /** kimage_alloc_control_pages / indirection pages: never inside a segment destination. */
        AVOIDS_DESTINATIONS,
        /** kzalloc'd (struct kimage, DTB buffer): anywhere in RAM. */
        ANYWHERE_IN_RAM,
        /** Placed by the scenario at a fixed PA. */
        FIXED
    }

    /**
     * @param neededUntilCopy the object's last use happens after this many page copies; -1 for the
     *                        whole relocation (tables, code, vectors, lists)
     */
    public record PlacedObject(String name, Guarantee guarantee, OptionalLong fixedAt, long size, long neededUntilCopy) {
        public static PlacedObject controlPage(String name) {
            return new PlacedObject(name, Guarantee.AVOIDS_DESTINATIONS, OptionalLong.empty(), PhysicalMemory.PAGE_SIZE, -1);
        }

        /** The struct kimage, whose fields are last read after {@code copies} page copies (0 = before the first copy). */
        public static PlacedObject kimage(long copies) {
            return new PlacedObject("struct kimage", Guarantee.ANYWHERE_IN_RAM, OptionalLong.empty(), PhysicalMemory.PAGE_SIZE, copies);
        }
    }

    public long totalPages() { return segments.stream().mapToLong(Segment::pages).sum(); }

    /** Destination PA of global copy number {@code i} (0-based), or -1 past the end. */
    public long destinationOf(long i) {
        for (Segment s : segments) {
            if (i < s.pages()) return s.dest() + (i << PhysicalMemory.PAGE_SHIFT);
            i -= s.pages();
        }
        return -1;
    }

    public boolean isDestination(long pa) {
        for (Segment s : segments) if (Long.compareUnsigned(pa - s.dest(), s.pages() << PhysicalMemory.PAGE_SHIFT) < 0) return true;
        return false;
    }
}
