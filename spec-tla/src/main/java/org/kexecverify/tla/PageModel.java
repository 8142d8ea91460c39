package org.kexecverify.tla;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A kexec design at page granularity: what the TLA+ instance of {@code KexecVerify} is made of.
 * This is the exporter's input; it is exact about what it abstracts:
 *
 * <ul>
 *   <li>Physical pages are small integers, numbered in physical-address order, with the pages of
 *       one destination run consecutive (the copy loop's {@code x13 += PAGE_SIZE} is {@code +1}).
 *       Only pages that play a role (destinations, sources, indirection, control, kimage
 *       candidates, vectors, tables) exist.</li>
 *   <li>A VA is {@code <<range, page>>}: range 0 the TTBR0 half, 1 the TTBR1 half; page an
 *       abstract VA page. Every VA an instruction fetches or a data access uses must be listed
 *       in {@link #tables} for each root that can be live, or it is treated as invalid.</li>
 *   <li>{@link Leaf}: the raw bits of the leaf descriptor reached by the walk of that VA, with the
 *       table descriptors' XNTable/PXNTable/APTable[1] already OR-ed in; the meaning per regime
 *       is decided by {@code Vmsa.tla}. {@link #walkFacts} are outcomes of the Java walk that the
 *       exported instance ASSUMEs, so TLC refuses to start if the two readings disagree.</li>
 *   <li>Cache lines: one per destination page. TCR/MAIR: symbolic values; {@link #walkValid}
 *       lists the combinations for which {@link #tables} is the walk.</li>
 * </ul>
 */
public record PageModel(String name, String el2Regime, int initEl, int bootEl, List<Instruction> program,
                        Map<String, Map<Va, Leaf>> tables, Map<String, Object> initSys, Set<TlbTag> initTlb,
                        Set<WalkConfig> walkValid, Map<VectorSlot, String> vectorCode, List<Entry> entries,
                        SortedSet<Integer> destPages, SortedSet<Integer> kimageCands, SortedSet<Integer> tableCands,
                        Set<String> placedRoots, Map<String, Set<Integer>> fixedTablePages,
                        SortedSet<Integer> vectorPages, boolean initIcStale, boolean deviceFetchFaults,
                        List<WalkFact> walkFacts) {

    public PageModel {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[A-Za-z][A-Za-z0-9_]*")) throw new IllegalArgumentException("name: not a TLA+ module name: " + name);
        if (!Set.of("EL2", "EL2_0").contains(el2Regime)) throw new IllegalArgumentException("el2Regime: EL2 or EL2_0, not " + el2Regime);
        if (initEl != 1 && initEl != 2) throw new IllegalArgumentException("initEl: 1 or 2, not " + initEl);
        if (bootEl != 1 && bootEl != 2) throw new IllegalArgumentException("bootEl: 1 or 2, not " + bootEl);
        if (program.isEmpty()) throw new IllegalArgumentException("program: empty");
        if (entries.isEmpty()) throw new IllegalArgumentException("entries: empty (the head is entry 1)");
        program = List.copyOf(program);
        tables = Map.copyOf(tables);
        initSys = Map.copyOf(initSys);
        initTlb = Set.copyOf(initTlb);
        walkValid = Set.copyOf(walkValid);
        vectorCode = Map.copyOf(vectorCode);
        entries = List.copyOf(entries);
        destPages = new TreeSet<>(destPages);
        kimageCands = new TreeSet<>(kimageCands);
        tableCands = new TreeSet<>(tableCands);
        placedRoots = Set.copyOf(placedRoots);
        fixedTablePages = Map.copyOf(fixedTablePages);
        vectorPages = new TreeSet<>(vectorPages);
        walkFacts = List.copyOf(walkFacts);
        if (kimageCands.isEmpty()) throw new IllegalArgumentException("kimageCands: empty");
        if (tableCands.isEmpty()) throw new IllegalArgumentException("tableCands: empty");
    }

    /** A VA page: range 0 (TTBR0) or 1 (TTBR1), abstract page number. */
    public record Va(int range, int page) {
        public Va {
            if (range != 0 && range != 1) throw new IllegalArgumentException("range: 0 or 1, not " + range);
        }
    }

    /** SCTLR_ELx as the model reads it. */
    public record Sctlr(boolean m, boolean c, boolean wxn) {}

    /**
     * A leaf as the walk reached it (see Vmsa.tla). {@code valid = false}: a fault at {@code level}
     * before a leaf (invalid descriptor, or an address-size problem).
     */
    public record Leaf(boolean valid, int level, int pa, boolean af, boolean ap2, boolean ap1, boolean pxn,
                       boolean bit54, boolean pxnTable, boolean xnTable, boolean apTable2, boolean device) {
        public static Leaf invalid(int level) {
            return new Leaf(false, level, 0, false, false, false, false, false, false, false, false, false);
        }
    }

    /**
     * One kernel instruction. {@code op} is one of msr, isb, dsb, tlbi, ic_iallu, branch, hvc,
     * ldr_kimage, copy_loop, br_new_kernel, spin; {@code fields} holds the op's operands (reg/val,
     * scope, fn/arg, field/range, cmo/range).
     */
    public record Instruction(String op, Va va, int pa, String src, Map<String, Object> fields) {
        public Instruction {
            fields = Map.copyOf(fields);
        }
    }

    public record TlbTag(String regime, int range, String root) {}

    public record WalkConfig(String regime, String tcr, String mair) {}

    public record VectorSlot(int pa, int offset) {}

    /** One value x16 takes: kind ind/dest/src/done, its page, and the page it is loaded from (0: kimage->head). */
    public record Entry(String kind, int page, int at) {
        public Entry {
            if (!Set.of("ind", "dest", "src", "done").contains(kind)) throw new IllegalArgumentException("entry kind: " + kind);
        }
    }

    /**
     * An outcome of the Java walk the instance must agree with: translating {@code va} through
     * {@code root} in {@code regime} for {@code access} (fetch/read/write) with SCTLR.WXN = wxn
     * gives {@code fault} ("NONE" or a FaultKind name).
     */
    public record WalkFact(String regime, String root, Va va, String access, boolean wxn, String fault) {}
}
