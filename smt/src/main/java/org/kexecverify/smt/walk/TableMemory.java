package org.kexecverify.smt.walk;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.mem.RamRange;

/**
 * The table memory a walk can read, as a Z3 term over a symbolic address.
 *
 * <p>Only table pages are taken from the {@link PhysicalMemory}: the pages reachable from the
 * translation table roots through at most three table descriptors (read both little- and
 * big-endian, so SCTLR_ELx.EE cannot lead the walk elsewhere). Their non-zero 8-byte words are
 * grouped into <em>runs</em>: consecutive entries whose values grow by a constant stride, as an
 * identity map's entries do ({@code pa | attrs}, {@code pa + 4 KB | attrs}, ...). A read is an
 * if-then-else over the runs with a default of zero (untouched memory reads as zero), so a 25 MiB
 * or a 1 TiB identity map costs a handful of runs, not one term per page:
 *
 * <pre>
 *   read(a) = a in run0 ? v0 + ((a - base0) / 8) * stride0
 *           : a in run1 ? ...
 *           : 0
 * </pre>
 *
 * Individual entries may be overridden by arbitrary terms, and whole runs may be XOR-ed with a
 * term (repair search). RAM membership is kept for the External-abort-on-walk case.
 */
public final class TableMemory {

    /**
     * Consecutive non-zero entries {@code base + 8*i = v0 + i*stride}, {@code i < count}.
     *
     * @param flip XOR applied to every entry of the run, or null
     */
    public record Run(long base, long count, long v0, long stride, BitVecExpr flip) {
        public long end() { return base + 8 * count; }

        public long valueAt(long i) { return v0 + i * stride; }

        public boolean contains(long pa) { return Long.compareUnsigned(pa - base, 8 * count) < 0; }

        Run withFlip(BitVecExpr f) { return new Run(base, count, v0, stride, f); }
    }

    private final Bv bv;
    private final List<Run> runs;
    private final Map<Long, BitVecExpr> overrides;
    private final List<RamRange> ram;
    private final Set<Long> tablePages;

    private TableMemory(Bv bv, List<Run> runs, Map<Long, BitVecExpr> overrides, List<RamRange> ram, Set<Long> tablePages) {
        this.bv = bv;
        this.runs = List.copyOf(runs);
        this.overrides = new LinkedHashMap<>(overrides);
        this.ram = List.copyOf(ram);
        this.tablePages = Set.copyOf(tablePages);
    }

    /**
     * Table memory for walks starting at the given root table addresses.
     *
     * @param rootTables physical addresses of the tables TTBRx point at (any offset in the page)
     */
    public static TableMemory of(Bv bv, PhysicalMemory mem, Collection<Long> rootTables) {
        Set<Long> pages = tablePages(mem, rootTables);
        List<Run> runs = new ArrayList<>();
        long base = 0;
        long count = 0;
        long v0 = 0;
        long stride = 0;
        for (long pfn : new TreeSet<>(pages)) {
            long[] words = mem.pageOrNull(pfn);
            if (words == null) continue;
            long pageBase = pfn << PhysicalMemory.PAGE_SHIFT;
            for (int i = 0; i < words.length; i++) {
                long v = words[i];
                long pa = pageBase + 8L * i;
                if (v == 0) {
                    if (count > 0) runs.add(new Run(base, count, v0, stride, null));
                    count = 0;
                    continue;
                }
                if (count > 0 && base + 8 * count == pa && (count == 1 || v0 + count * stride == v)) {
                    if (count == 1) stride = v - v0;
                    count++;
                } else {
                    if (count > 0) runs.add(new Run(base, count, v0, stride, null));
                    base = pa;
                    count = 1;
                    v0 = v;
                    stride = 0;
                }
            }
        }
        if (count > 0) runs.add(new Run(base, count, v0, stride, null));
        return new TableMemory(bv, runs, Map.of(), mem.ram(), pages);
    }

    /** Page frame numbers reachable from the roots through up to three table descriptors. */
    static Set<Long> tablePages(PhysicalMemory mem, Collection<Long> rootTables) {
        Set<Long> seen = new HashSet<>();
        Deque<long[]> work = new ArrayDeque<>();
        for (long r : rootTables) {
            long pfn = r >>> PhysicalMemory.PAGE_SHIFT;
            if (seen.add(pfn)) work.add(new long[] {pfn, 0});
        }
        while (!work.isEmpty()) {
            long[] e = work.poll();
            if (e[1] >= 3) continue;
            long[] words = mem.pageOrNull(e[0]);
            if (words == null) continue;
            long tableBits = DescriptorBits.VALID.mask() | DescriptorBits.TYPE.mask();
            long last = -1;
            for (long w : words) {
                if (w == 0 || w == last) continue;
                last = w;
                for (int k = 0; k < 2; k++) {
                    long d = k == 0 ? w : Long.reverseBytes(w);
                    if ((d & tableBits) == tableBits) {
                        long next = DescriptorBits.ADDRESS.get(d);
                        if (seen.add(next)) work.add(new long[] {next, e[1] + 1});
                    }
                }
            }
        }
        return seen;
    }

    public List<Run> runs() { return runs; }

    public Set<Long> tablePages() { return tablePages; }

    public List<RamRange> ram() { return ram; }

    /** The run holding {@code pa}, if any. */
    public Run runAt(long pa) {
        for (Run r : runs) if (r.contains(pa)) return r;
        return null;
    }

    /** A copy where the 8-byte entry at {@code pa} reads as {@code value}. */
    public TableMemory withEntry(long pa, BitVecExpr value) {
        Map<Long, BitVecExpr> o = new LinkedHashMap<>(overrides);
        o.put(pa, value);
        return new TableMemory(bv, runs, o, ram, tablePages);
    }

    /** A copy whose runs are XOR-ed with {@code flip.apply(run)} (null: unchanged). */
    public TableMemory withRunFlips(Function<Run, BitVecExpr> flip) {
        List<Run> rs = new ArrayList<>();
        for (Run r : runs) rs.add(r.withFlip(flip.apply(r)));
        return new TableMemory(bv, rs, overrides, ram, tablePages);
    }

    /** The 64-bit word at {@code addr} (8-byte aligned, as every descriptor address is). */
    public BitVecExpr read(BitVecExpr addr) {
        BitVecExpr out = bv.num(0);
        for (int i = runs.size() - 1; i >= 0; i--) {
            Run r = runs.get(i);
            BitVecExpr off = bv.sub(addr, bv.num(r.base()));
            BitVecExpr v;
            BoolExpr in;
            if (r.count() == 1) {
                in = bv.eq(addr, bv.num(r.base()));
                v = bv.num(r.v0());
            } else {
                in = bv.ult(off, bv.num(8 * r.count()));
                v = bv.add(bv.num(r.v0()), bv.mul(bv.lshr(off, 3), bv.num(r.stride())));
            }
            if (r.flip() != null) v = bv.xor(v, r.flip());
            out = bv.ite(in, v, out);
        }
        for (Map.Entry<Long, BitVecExpr> e : overrides.entrySet()) {
            out = bv.ite(bv.eq(addr, bv.num(e.getKey())), e.getValue(), out);
        }
        return out;
    }

    /** {@link PhysicalMemory#isRam(long, long)} as a term. */
    public BoolExpr isRam(BitVecExpr pa, long len) {
        List<BoolExpr> any = new ArrayList<>();
        BitVecExpr last = bv.add(pa, bv.num(len - 1));
        for (RamRange r : ram) {
            BoolExpr first = bv.ult(bv.sub(pa, bv.num(r.base())), bv.num(r.size()));
            BoolExpr lastIn = bv.ult(bv.sub(last, bv.num(r.base())), bv.num(r.size()));
            any.add(bv.and(first, lastIn, bv.ule(pa, last)));
        }
        return any.isEmpty() ? bv.f() : bv.or(any.toArray(new BoolExpr[0]));
    }
}
