package org.kexecverify.model.kimage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.kexecverify.model.mem.PhysicalMemory;

/**
 * The kexec entry list (include/linux/kexec.h): 64-bit entries, a page-aligned physical address in
 * bits [63:12] plus one flag: {@code IND_DESTINATION} 0x1 (set the copy destination),
 * {@code IND_INDIRECTION} 0x2 (continue in another entry page), {@code IND_DONE} 0x4 (end),
 * {@code IND_SOURCE} 0x8 (copy this page to the destination, which then advances one page).
 *
 * @param head            kimage-&gt;head, the first entry
 * @param indirectionPages entry pages in list order (never destinations)
 * @param copies          the page copies the list describes, in order
 */
public record KimageList(long head, List<Long> indirectionPages, List<Copy> copies) {

    public static final long IND_DESTINATION = 0x1;
    public static final long IND_INDIRECTION = 0x2;
    public static final long IND_DONE = 0x4;
    public static final long IND_SOURCE = 0x8;
    public static final long IND_FLAGS = 0xf;
    public static final long PAGE_MASK = ~(PhysicalMemory.PAGE_SIZE - 1);
    /** Entries per indirection page: 512 slots, the last one kept for the next IND_INDIRECTION. */
    public static final int SLOTS = (int) (PhysicalMemory.PAGE_SIZE / 8);

    public KimageList {
        indirectionPages = List.copyOf(indirectionPages);
        copies = List.copyOf(copies);
    }

    /** One page copy: {@code source} to {@code destination}. */
    public record Copy(long source, long destination) {}

    /** A malformed list in memory: looping, unterminated, pointing outside RAM, or misaligned. */
    public static final class ListError extends Exception {
        public ListError(String msg) { super(msg, null, false, false); }
    }

    /** Upper bound on entries parsed: 2^24 (64 GiB of pages). */
    public static final long MAX_ENTRIES = 1L << 24;

    /**
     * Writes the list for {@code copies} into memory, the way kimage_add_entry() does: the head is an
     * IND_INDIRECTION to the first entry page; each destination run starts with IND_DESTINATION;
     * a full entry page ends with IND_INDIRECTION to the next; the list ends with IND_DONE.
     *
     * @param entryPages allocator of indirection pages (must never return a destination)
     */
    public static KimageList write(PhysicalMemory mem, List<Copy> copies, java.util.function.LongSupplier entryPages) {
        List<Long> pages = new ArrayList<>();
        long first = entryPages.getAsLong();
        pages.add(first);
        long head = first | IND_INDIRECTION;
        long[] cursor = {first, 0};
        long expectedDest = -1;
        for (Copy c : copies) {
            if (c.destination() != expectedDest) {
                put(mem, cursor, pages, entryPages, c.destination() | IND_DESTINATION);
            }
            put(mem, cursor, pages, entryPages, c.source() | IND_SOURCE);
            expectedDest = c.destination() + PhysicalMemory.PAGE_SIZE;
        }
        put(mem, cursor, pages, entryPages, IND_DONE);
        return new KimageList(head, pages, copies);
    }

    private static void put(PhysicalMemory mem, long[] cursor, List<Long> pages, java.util.function.LongSupplier alloc, long entry) {
        if (cursor[1] == SLOTS - 1 && entry != IND_DONE) {
            long next = alloc.getAsLong();
            mem.write64(cursor[0] + 8 * cursor[1], next | IND_INDIRECTION);
            pages.add(next);
            cursor[0] = next;
            cursor[1] = 0;
        }
        mem.write64(cursor[0] + 8 * cursor[1], entry);
        cursor[1]++;
    }

    /**
     * Parses the list at {@code head} back from memory, as relocate_kernel.S walks it, with guards
     * against loops (an indirection page visited twice), runaway lists and entries outside RAM.
     */
    public static KimageList parse(PhysicalMemory mem, long head) throws ListError {
        List<Long> pages = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        List<Copy> copies = new ArrayList<>();
        long entry = head;
        long ptr = -1;
        int slotsLeft = 0;
        long dest = -1;
        for (long n = 0; (entry & IND_DONE) == 0; n++) {
            if (n > MAX_ENTRIES) throw new ListError("entry list longer than " + MAX_ENTRIES + " entries without IND_DONE");
            long addr = entry & PAGE_MASK;
            long flag = entry & IND_FLAGS;
            if (Long.bitCount(flag) > 1) throw new ListError(String.format("entry 0x%x has several flags set", entry));
            if (flag == IND_INDIRECTION) {
                if (!seen.add(addr)) throw new ListError(String.format("entry list loops: indirection page 0x%x reached twice", addr));
                if (!mem.isRam(addr, PhysicalMemory.PAGE_SIZE)) throw new ListError(String.format("indirection page 0x%x is outside RAM", addr));
                pages.add(addr);
                ptr = addr;
                slotsLeft = SLOTS;
            } else if (flag == IND_DESTINATION) {
                dest = addr;
            } else if (flag == IND_SOURCE) {
                if (dest < 0) throw new ListError(String.format("IND_SOURCE 0x%x before any IND_DESTINATION", addr));
                if (!mem.isRam(addr, PhysicalMemory.PAGE_SIZE)) throw new ListError(String.format("source page 0x%x is outside RAM", addr));
                if (!mem.isRam(dest, PhysicalMemory.PAGE_SIZE)) throw new ListError(String.format("destination page 0x%x is outside RAM", dest));
                copies.add(new Copy(addr, dest));
                dest += PhysicalMemory.PAGE_SIZE;
            }
            if (ptr < 0) throw new ListError(String.format("head entry 0x%x is neither IND_INDIRECTION nor IND_DONE", head));
            if (slotsLeft == 0) {
                throw new ListError(String.format("entry page 0x%x ends without IND_INDIRECTION or IND_DONE", ptr - PhysicalMemory.PAGE_SIZE));
            }
            entry = mem.read64(ptr);
            ptr += 8;
            slotsLeft--;
        }
        return new KimageList(head, pages, copies);
    }

    public List<Long> destinationPages() {
        return copies.stream().map(Copy::destination).toList();
    }

    public List<Long> sourcePages() {
        return copies.stream().map(Copy::source).toList();
    }
}
