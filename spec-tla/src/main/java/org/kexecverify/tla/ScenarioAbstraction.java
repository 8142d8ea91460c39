package org.kexecverify.tla;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.Region;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * A scenario's {@link RelocationPlan} as a page-granular {@link PageModel}: the real descriptors
 * the builder wrote, the real entry list in memory, the design's instruction order chosen from the
 * builder name and options.
 *
 * <h2>Which pages exist in the instance</h2>
 * Every page that plays a role of its own: control, table, code, vector, argument and kimage
 * pages, indirection pages, the pages of the old image VBAR points into (and, for the v5.16
 * design, the old image page that holds machine_kexec's text and swapper_pg_dir), every
 * destination page equal to one of those, and one representative per uniform run of copies.
 *
 * <h2>The merge rule (exact)</h2>
 * Consecutive copies {@code s_i -> d_i}, {@code s_(i+1) -> d_(i+1)} of the entry list become one
 * abstract copy iff
 * <ol>
 *   <li>{@code d_(i+1) = d_i + PAGE_SIZE} with no IND_DESTINATION between them, and the entries
 *       are read from the same abstract indirection page (see 4);</li>
 *   <li>the destinations have the same role set ({@link #rolesOf}); a role that belongs to one
 *       page only (code, vectors, kimage, argument, indirection, the source of copy #j, the old
 *       image text or VBAR page) names that page, so such a page is never merged; "table page of
 *       ROOT" is shared by every table page of ROOT, which is needed exactly while ROOT is in a
 *       TTBR: the clobber relation (which copy overwrites a page still needed, and when) is the
 *       same for every page of the run;</li>
 *   <li>the destinations, and separately the sources, have the same walk signature: for each
 *       table root the data accesses use, the models' {@code Walker} outcome for read, write and
 *       fetch at the page's VA (fault kind and level, or the leaf's bits with its output page
 *       equal to the page itself); sources must have no role at all (a source that is also a
 *       destination, or anything else, stays alone);</li>
 *   <li>indirection pages that are not destinations and have no other role are merged when their
 *       walk signatures are equal; an IND_INDIRECTION entry to the abstract page the loop already
 *       reads from changes nothing in the instance and is left out.</li>
 * </ol>
 * Every concrete page of a merged run therefore takes, in the instance, the steps its
 * representative takes, with the same translation outcomes and the same membership of
 * {@code Needed}; the run's destinations get consecutive page ids, so {@code x13 += PAGE_SIZE}
 * stays {@code +1}. {@link #verify} re-walks every concrete member and checks the rule.
 *
 * <h2>What is assumed, beyond the plan</h2>
 * The plan describes the relocation tables; the running kernel's tables are not in it. For the
 * v5.16 design, swapper_pg_dir's linear map is represented by its copy (trans_pgd_create_copy
 * copies it entry by entry) and its image mapping of machine_kexec's page is PAGE_KERNEL_ROX;
 * user and reserved_pg_dir tables map none of the instance's VAs. For RFC v2, TCR/MAIR hold the
 * values relocate_kernel.S writes already at entry (the boot code computed them the same way), so
 * the MSRs only make them pending again; the previous TTBR root maps nothing the code uses.
 */
public final class ScenarioAbstraction {
    private ScenarioAbstraction() {}

    /** D-cache maintenance by VA after each copied page: {@code tables.options.dcache_op}. */
    public static final List<String> DCACHE_OPS = List.of("civac", "ivac", "cvac");

    /** One page of the instance and the concrete pages it stands for. */
    public record AbstractPage(int id, String what, List<Long> concrete) {
        public AbstractPage {
            concrete = List.copyOf(concrete);
        }
    }

    /** The instance's input and the page map (for export notes and tests). */
    public record Result(PageModel model, SortedMap<Integer, AbstractPage> pages, String design, String cmo) {}

    private static final long PAGE = PhysicalMemory.PAGE_SIZE;

    private static long pg(long pa) {
        return pa & ~(PAGE - 1);
    }

    /** One raw entry as relocate_kernel.S reads it: kind, address, the page it was read from (-1: kimage->head). */
    record RawEntry(String kind, long addr, long at) {}

    /** One page copy with the entry page its IND_SOURCE was read from. */
    record Copy(int index, long src, long dst, long at) {}

    /** A walk root the Java walker reads: a name, the registers of the phase, the VA range. */
    record JavaRoot(String name, TranslationRegs regs, int range) {}

    // ------------------------------------------------------------------------------------------

    static List<RawEntry> entries(PhysicalMemory mem, long head) {
        List<RawEntry> out = new ArrayList<>();
        long entry = head;
        long ptr = -1;
        long at = -1;
        for (long n = 0; n <= KimageList.MAX_ENTRIES; n++) {
            long addr = entry & KimageList.PAGE_MASK;
            long flag = entry & KimageList.IND_FLAGS;
            if ((entry & KimageList.IND_DONE) != 0) {
                out.add(new RawEntry("done", 0, at));
                return out;
            }
            if (flag == KimageList.IND_INDIRECTION) {
                out.add(new RawEntry("ind", addr, at));
                ptr = addr;
            } else if (flag == KimageList.IND_DESTINATION) {
                out.add(new RawEntry("dest", addr, at));
            } else if (flag == KimageList.IND_SOURCE) {
                out.add(new RawEntry("src", addr, at));
            }
            if (ptr < 0) throw new IllegalStateException("entry list head is not IND_INDIRECTION");
            at = pg(ptr);
            entry = mem.read64(ptr);
            ptr += 8;
        }
        throw new IllegalStateException("entry list without IND_DONE");
    }

    /** Table pages reachable from a TTBR value (the root itself included), read from memory. */
    static Set<Long> tablePages(PhysicalMemory mem, TranslationRegs regs, int range) {
        Set<Long> out = new LinkedHashSet<>();
        long ttbr = range == 0 ? regs.ttbr0() : regs.ttbr1();
        long txsz = regs.tcrField(range == 0 ? "T0SZ" : "T1SZ");
        if (txsz < 16 || txsz > 39) return out;
        int inputBits = 64 - (int) txsz;
        int start = 4 - (int) Math.ceil((inputBits - 12) / 9.0);
        long root = DescriptorBits.ADDRESS.get(ttbr) << 12;
        if (!mem.isRam(root, PAGE)) return out;
        dfs(mem, root, start, out);
        return out;
    }

    private static void dfs(PhysicalMemory mem, long table, int level, Set<Long> out) {
        if (!out.add(table) || level >= 3) return;
        long[] words = mem.pageOrNull(table >>> 12);
        if (words == null) return;
        for (long d : words) {
            if (DescriptorBits.VALID.get(d) == 0 || DescriptorBits.TYPE.get(d) == 0) continue;
            long next = DescriptorBits.ADDRESS.get(d) << 12;
            if (mem.isRam(next, PAGE)) dfs(mem, next, level + 1, out);
        }
    }

    // ------------------------------------------------------------------------------------------

    /** Builds the instance for {@code plan}; {@code options} is the walk policy of the run. */
    public static Result of(RelocationPlan plan, WalkOptions options) throws ScenarioError {
        return new Builder(plan, options).build();
    }

    /**
     * The merge rule, checked again from scratch: every concrete member of every merged page has
     * the representative's roles and walk signature. Returns the violations (empty: exact).
     */
    public static List<String> verify(RelocationPlan plan, WalkOptions options, Result r) throws ScenarioError {
        Builder b = new Builder(plan, options);
        b.prepare();
        List<String> bad = new ArrayList<>();
        for (AbstractPage p : r.pages().values()) {
            if (p.concrete().size() < 2) continue;
            long rep = p.concrete().get(0);
            boolean ind = plan.list().indirectionPages().contains(rep);
            if (ind) {
                // rule 4: indirection pages, no other role, equal walk signatures
                for (long c : p.concrete()) {
                    if (!b.indClass(c).equals(b.indClass(rep)) || !(b.indClass(c) instanceof List<?>)) {
                        bad.add(String.format("page %d (%s): indirection page 0x%x is not like 0x%x: %s", p.id(), p.what(), c, rep, b.indClass(c)));
                    }
                }
                continue;
            }
            Object roles = b.rolesOf(rep);
            List<Object> sig = b.signature(rep);
            for (long c : p.concrete()) {
                if (!Objects.equals(b.rolesOf(c), roles)) bad.add(String.format("page %d (%s): 0x%x has roles %s, representative 0x%x %s",
                        p.id(), p.what(), c, b.rolesOf(c), rep, roles));
                if (!b.signature(c).equals(sig)) bad.add(String.format("page %d (%s): 0x%x walks as %s, representative 0x%x as %s",
                        p.id(), p.what(), c, b.signature(c), rep, sig));
            }
        }
        return bad;
    }

    private static final class Builder {
        final RelocationPlan plan;
        final WalkOptions options;
        final PhysicalMemory mem;
        final String file;
        final String design;
        final Phase reloc;
        final int dataRange;
        final long dataDelta;
        final List<JavaRoot> javaRoots = new ArrayList<>();
        final Map<Long, Set<String>> roles = new HashMap<>();
        final Map<String, Set<Long>> tablesOf = new LinkedHashMap<>();
        final Map<Long, List<Object>> sigCache = new HashMap<>();
        List<RawEntry> raw;
        List<Copy> copies;
        // the pages of the old image the design uses
        long oldText = -1;
        long hypStub = -1;
        final Set<Long> vectorPages = new TreeSet<>();
        long fieldsPage;

        Builder(RelocationPlan plan, WalkOptions options) {
            this.plan = plan;
            this.options = options;
            this.mem = plan.memory();
            this.file = plan.scenario().file();
            this.design = plan.design();
            this.reloc = plan.phases().get(0);
            Region data = reloc.data().stream().filter(r -> r.name().startsWith("source pages")).findFirst()
                    .orElse(reloc.data().isEmpty() ? null : reloc.data().get(reloc.data().size() - 1));
            this.dataDelta = data == null ? 0 : data.va() - data.pa();
            this.dataRange = data != null && reloc.regs().regime().hasTwoRanges() && (data.va() >>> 63) == 1 ? 1 : 0;
        }

        String rootName(int phase, int range) {
            return switch (design) {
                case "upstream-trans-pgd", "hibernate-resume" -> phase > 0 ? "el2_ttbr" + range : range == 0 ? "idmap" : "lm_copy";
                case "rfc-v2-trans-table" -> range == 0 ? "trans_table" : "ttbr1";
                default -> "ttbr" + range + (phase > 0 ? "_phase" + phase : "");
            };
        }

        void role(long page, String r) {
            roles.computeIfAbsent(pg(page), k -> new TreeSet<>()).add(r);
        }

        Set<String> rolesOf(long page) {
            return roles.getOrDefault(pg(page), Set.of());
        }

        void prepare() throws ScenarioError {
            for (int i = 0; i < plan.phases().size(); i++) {
                TranslationRegs regs = plan.phases().get(i).regs();
                if (!regs.mmuOn()) continue;
                int ranges = regs.regime().hasTwoRanges() ? 2 : 1;
                for (int r = 0; r < ranges; r++) {
                    JavaRoot jr = new JavaRoot(rootName(i, r), regs, r);
                    javaRoots.add(jr);
                    Set<Long> t = tablePages(mem, regs, r);
                    tablesOf.put(jr.name(), t);
                    for (long p : t) role(p, "table page of " + jr.name());
                }
            }
            if (design.equals("upstream-trans-pgd")) {
                PhysRegion zero = plan.regions(PhysRegion.Kind.TABLE).stream().filter(r -> r.name().startsWith("zero page")).findFirst().orElse(null);
                if (zero != null) {
                    tablesOf.put("zero_page", Set.of(pg(zero.pa())));
                    role(zero.pa(), "table page of zero_page");
                }
            }
            for (PhysRegion r : plan.regions()) {
                for (long p = pg(r.pa()); Long.compareUnsigned(p, r.end()) < 0; p += PAGE) {
                    switch (r.kind()) {
                        case CODE -> role(p, String.format("code page 0x%x", p));
                        case VECTORS -> {
                            role(p, String.format("vector page 0x%x", p));
                            vectorPages.add(p);
                        }
                        case ARGUMENTS -> role(p, String.format("argument page 0x%x", p));
                        case KIMAGE -> role(p, String.format("struct kimage page 0x%x", p));
                        case INDIRECTION -> role(p, String.format("indirection page 0x%x", p));
                        case TABLE -> {
                            if (rolesOf(p).stream().noneMatch(x -> x.startsWith("table page of"))) role(p, String.format("table page 0x%x", p));
                        }
                        default -> { }
                    }
                }
            }
            for (Phase ph : plan.phases()) {
                if (!ph.exceptions().isEmpty() && identityPa(ph.vbar()) >= 0) vectorPages.add(pg(ph.vbar()));
            }
            for (Phase ph : plan.phases()) {
                long v = identityPa(ph.vbar());
                if (v >= 0) role(v, String.format("vector page 0x%x (VBAR)", pg(v)));
            }
            if (design.equals("upstream-trans-pgd") || design.equals("hibernate-resume")) {
                oldText = pg(plan.scenario().placement().oldKernelBase());
                role(oldText, String.format("old kernel text page 0x%x (machine_kexec, vectors, swapper_pg_dir)", oldText));
                if (plan.scenario().regime() == Regime.EL2 && design.equals("upstream-trans-pgd")) {
                    hypStub = pg(plan.scenario().placement().hypStubVectors());
                    role(hypStub, String.format("__hyp_stub_vectors page 0x%x", hypStub));
                }
            }
            PhysRegion args = plan.regions(PhysRegion.Kind.ARGUMENTS).stream().findFirst().orElse(null);
            fieldsPage = pg(args != null ? args.pa() : plan.scenario().placement().kimage());
            raw = entries(mem, plan.list().head());
            copies = new ArrayList<>();
            long dest = -1;
            for (RawEntry e : raw) {
                if (e.kind().equals("dest")) dest = e.addr();
                if (e.kind().equals("src")) {
                    copies.add(new Copy(copies.size(), e.addr(), dest, e.at()));
                    dest += PAGE;
                }
            }
            Map<Long, Integer> srcIndex = new HashMap<>();
            for (Copy c : copies) srcIndex.put(c.src(), c.index());
            for (Copy c : copies) {
                if (srcIndex.containsKey(c.dst())) role(c.dst(), String.format("source page 0x%x of copy #%d", c.dst(), srcIndex.get(c.dst())));
            }
            Set<Long> dests = new java.util.HashSet<>();
            for (Copy c : copies) dests.add(c.dst());
            for (Copy c : copies) if (dests.contains(c.src())) role(c.src(), String.format("destination page 0x%x", c.src()));
        }

        /** The PA of a VBAR/VA that is a physical address reached with the MMU off or identity-mapped, else -1. */
        long identityPa(long va) {
            return mem.isRam(pg(va), PAGE) ? pg(va) : -1;
        }

        JavaRoot dataRoot() {
            return javaRoots.stream().filter(r -> r.regs() == reloc.regs() && r.range() == dataRange).findFirst().orElse(null);
        }

        /** Walk signature of a page at its data VA: per data root and access, fault or leaf with its output page relative to the page. */
        List<Object> signature(long page) {
            return sigCache.computeIfAbsent(page, p -> {
                List<Object> sig = new ArrayList<>();
                JavaRoot jr = dataRoot();
                if (jr == null) {
                    sig.add("MMU off: flat");
                    return sig;
                }
                long va = p + dataDelta;
                for (AccessType at : AccessType.values()) {
                    Translation t = Walker.translate(jr.regs(), mem, va, at, options);
                    PageModel.Leaf leaf = WalkLeaves.leaf(jr.regs(), t, pa -> pa == p ? 0 : 1);
                    long other = t instanceof Translation.Mapped m && pg(m.pa()) != p ? pg(m.pa()) : -1;
                    sig.add(List.of(at.name(), WalkLeaves.fault(t), t instanceof Translation.Fault f ? f.level() : -1, leaf, other));
                }
                return sig;
            });
        }

        // ---- grouping ---------------------------------------------------------------------------

        /** A merged run of copies. */
        final class Group {
            final List<Copy> copies = new ArrayList<>();
            int destId;
            int srcId;
            boolean contiguousWithPrevious;

            Copy first() { return copies.get(0); }

            Copy last() { return copies.get(copies.size() - 1); }
        }

        List<Object> destKey(long p) {
            return List.of(rolesOf(p), signature(p));
        }

        /** Sources merge only without roles. */
        boolean plainSource(long p) {
            return rolesOf(p).isEmpty();
        }

        Object indClass(long p) {
            Set<String> rs = new TreeSet<>(rolesOf(p));
            rs.removeIf(x -> x.startsWith("indirection page"));
            if (!rs.isEmpty()) return "page " + p;
            return signature(p);
        }

        Result build() throws ScenarioError {
            prepare();
            String cmo = plan.scenario().tables().option("dcache_op", design.equals("hibernate-resume") ? "cvac" : "civac");
            if (!DCACHE_OPS.contains(cmo)) {
                throw new ScenarioError(file, "tables.options.dcache_op", "expected one of " + String.join(", ", DCACHE_OPS) + ", got '" + cmo + "'");
            }
            // pass 1: groups
            List<Group> groups = new ArrayList<>();
            Group g = null;
            Object curInd = null;
            int ci = 0;
            boolean newRun = true;
            for (RawEntry e : raw) {
                switch (e.kind()) {
                    case "ind" -> {
                        Object cls = indClass(e.addr());
                        if (!cls.equals(curInd)) g = null;
                        curInd = cls;
                    }
                    case "dest" -> {
                        g = null;
                        newRun = true;
                    }
                    case "src" -> {
                        Copy c = copies.get(ci++);
                        boolean join = g != null && c.dst() == g.last().dst() + PAGE
                                && destKey(c.dst()).equals(destKey(g.first().dst()))
                                && plainSource(c.src()) && plainSource(g.first().src())
                                && signature(c.src()).equals(signature(g.first().src()));
                        if (join) {
                            g.copies.add(c);
                        } else {
                            Group ng = new Group();
                            ng.copies.add(c);
                            ng.contiguousWithPrevious = !newRun && !groups.isEmpty()
                                    && c.dst() == groups.get(groups.size() - 1).last().dst() + PAGE;
                            groups.add(ng);
                            g = ng;
                        }
                        newRun = false;
                    }
                    default -> { }
                }
            }
            // pass 2: ids. Destination runs first, consecutive inside a run, a gap between runs.
            SortedMap<Integer, AbstractPage> pages = new TreeMap<>();
            Map<Long, Integer> idOf = new HashMap<>();
            int next = 1;
            int prev = -1;
            for (Group gr : groups) {
                int id = gr.contiguousWithPrevious ? prev + 1 : next + (next == 1 ? 0 : 1);
                gr.destId = id;
                prev = id;
                next = id + 1;
                List<Long> cs = gr.copies.stream().map(Copy::dst).toList();
                for (long c : cs) idOf.put(c, id);
                Set<String> rs = rolesOf(gr.first().dst());
                pages.put(id, new AbstractPage(id, "destination" + (cs.size() > 1 ? "s" : "") + String.format(" 0x%x..0x%x", cs.get(0), cs.get(cs.size() - 1))
                        + (rs.isEmpty() ? "" : " (" + String.join("; ", rs) + ")"), cs));
            }
            int[] counter = {next + 1};
            java.util.function.BiFunction<Long, String, Integer> special = (pa, what) -> idOf.computeIfAbsent(pa, k -> {
                int id = counter[0]++;
                pages.put(id, new AbstractPage(id, what, List.of(k)));
                return id;
            });
            for (Map.Entry<Long, Set<String>> e : new TreeMap<>(roles).entrySet()) {
                if (!idOf.containsKey(e.getKey()) && e.getValue().stream().noneMatch(x -> x.startsWith("indirection page"))) {
                    special.apply(e.getKey(), String.join("; ", e.getValue()));
                }
            }
            // indirection pages by class
            Map<Object, Integer> indIds = new HashMap<>();
            Map<Object, List<Long>> indMembers = new LinkedHashMap<>();
            for (long p : plan.list().indirectionPages()) {
                if (idOf.containsKey(p)) continue;
                indMembers.computeIfAbsent(indClass(p), k -> new ArrayList<>()).add(p);
            }
            for (Map.Entry<Object, List<Long>> e : indMembers.entrySet()) {
                int id = counter[0]++;
                indIds.put(e.getKey(), id);
                for (long p : e.getValue()) idOf.put(p, id);
                pages.put(id, new AbstractPage(id, "indirection page" + (e.getValue().size() > 1 ? "s" : "") + " (entry list)", e.getValue()));
            }
            for (Group gr : groups) {
                long s = gr.first().src();
                if (idOf.containsKey(s)) {
                    gr.srcId = idOf.get(s);
                } else {
                    int id = counter[0]++;
                    gr.srcId = id;
                    List<Long> cs = gr.copies.stream().map(Copy::src).toList();
                    if (cs.size() == 1) idOf.put(s, id);
                    for (long c : cs) idOf.putIfAbsent(c, id);
                    pages.put(id, new AbstractPage(id, "source" + (cs.size() > 1 ? "s" : "") + String.format(" 0x%x..0x%x", cs.get(0), cs.get(cs.size() - 1)), cs));
                }
            }
            // pass 3: entries
            List<PageModel.Entry> out = new ArrayList<>();
            int cur = 0;
            ci = 0;
            int gi = -1;
            Group open = null;
            for (RawEntry e : raw) {
                switch (e.kind()) {
                    case "ind" -> {
                        int id = idOf.get(e.addr());
                        if (id != cur || out.isEmpty()) out.add(new PageModel.Entry("ind", id, cur));
                        cur = id;
                    }
                    case "dest" -> out.add(new PageModel.Entry("dest", idOf.get(e.addr()), cur));
                    case "src" -> {
                        Copy c = copies.get(ci++);
                        if (open == null || !open.copies.contains(c)) {
                            open = groups.get(++gi);
                            out.add(new PageModel.Entry("src", open.srcId, cur));
                        }
                    }
                    default -> out.add(new PageModel.Entry("done", 0, cur));
                }
            }
            Programs prog = new Programs(this, idOf, pages, counter, cmo);
            PageModel model = prog.model(out, groups.stream().map(x -> x.destId).toList());
            return new Result(model, pages, design, cmo);
        }
    }

    /** The design's instruction order and the tables, over the page ids. */
    private static final class Programs {
        final Builder b;
        final Map<Long, Integer> idOf;
        final SortedMap<Integer, AbstractPage> pages;
        final int[] counter;
        final String cmo;
        final Map<String, Map<PageModel.Va, PageModel.Leaf>> tables = new LinkedHashMap<>();
        final List<PageModel.WalkFact> facts = new ArrayList<>();
        final Map<PageModel.Va, Long> concreteVa = new LinkedHashMap<>();
        final Set<PageModel.WalkConfig> walkValid = new LinkedHashSet<>();
        final Map<PageModel.VectorSlot, String> vectorCode = new LinkedHashMap<>();
        final Map<String, Set<Integer>> fixedTables = new LinkedHashMap<>();

        Programs(Builder b, Map<Long, Integer> idOf, SortedMap<Integer, AbstractPage> pages, int[] counter, String cmo) {
            this.b = b;
            this.idOf = idOf;
            this.pages = pages;
            this.counter = counter;
            this.cmo = cmo;
        }

        int id(long pa, String what) {
            return idOf.computeIfAbsent(pg(pa), k -> {
                int id = counter[0]++;
                pages.put(id, new AbstractPage(id, what, List.of(k)));
                return id;
            });
        }

        /** A VA that is neither identity nor linear: its own page number. */
        PageModel.Va otherVa(int range, long va, String what) {
            for (Map.Entry<PageModel.Va, Long> e : concreteVa.entrySet()) {
                if (e.getValue() == pg(va) && e.getKey().range() == range && e.getKey().page() >= 1_000_000) return e.getKey();
            }
            PageModel.Va v = new PageModel.Va(range, 1_000_000 + counter[0]++);
            concreteVa.put(v, pg(va));
            return v;
        }

        static String sym(String what, long v) {
            return what + "_" + Long.toHexString(v);
        }

        static PageModel.Sctlr sctlr(TranslationRegs r) {
            return new PageModel.Sctlr(r.sctlrField("M") != 0, r.sctlrField("C") != 0, WalkLeaves.wxn(r));
        }

        static final PageModel.Sctlr OFF = new PageModel.Sctlr(false, false, false);

        static String tcrSym(TranslationRegs r) {
            return sym("tcr_" + r.regime().cliName(), r.tcr());
        }

        static String mairSym(TranslationRegs r) {
            return sym("mair", r.mair());
        }

        static PageModel.Instruction ins(String op, PageModel.Va va, int pa, String src, Object... kv) {
            Map<String, Object> f = new LinkedHashMap<>();
            for (int i = 0; i < kv.length; i += 2) f.put((String) kv[i], kv[i + 1]);
            return new PageModel.Instruction(op, va, pa, src, f);
        }

        /** Leaves and facts of every Java root for every VA of its range. */
        void exportJavaRoots() {
            for (JavaRoot jr : b.javaRoots) {
                Map<PageModel.Va, PageModel.Leaf> leaves = new LinkedHashMap<>();
                for (Map.Entry<PageModel.Va, Long> e : concreteVa.entrySet()) {
                    if (e.getKey().range() != jr.range()) continue;
                    long va = e.getValue();
                    Translation t0 = Walker.translate(jr.regs(), b.mem, va, AccessType.READ, b.options);
                    leaves.put(e.getKey(), WalkLeaves.leaf(jr.regs(), t0, pa -> id(pa, String.format("page 0x%x (mapped, no role)", pg(pa)))));
                    for (AccessType at : AccessType.values()) {
                        Translation t = Walker.translate(jr.regs(), b.mem, va, at, b.options);
                        facts.add(new PageModel.WalkFact(jr.regs().regime().name(), jr.name(), e.getKey(), WalkLeaves.access(at),
                                WalkLeaves.wxn(jr.regs()), WalkLeaves.fault(t)));
                    }
                }
                tables.put(jr.name(), leaves);
                walkValid.add(new PageModel.WalkConfig(jr.regs().regime().name(), tcrSym(jr.regs()), mairSym(jr.regs())));
                Set<Integer> tp = new TreeSet<>();
                for (long p : b.tablesOf.getOrDefault(jr.name(), Set.of())) tp.add(id(p, "table page"));
                fixedTables.put(jr.name(), tp);
            }
        }

        PageModel.Va dataVa(int page) {
            PageModel.Va v = new PageModel.Va(b.dataRange, page);
            AbstractPage ap = pages.get(page);
            if (ap != null && !concreteVa.containsKey(v)) concreteVa.put(v, ap.concrete().get(0) + b.dataDelta);
            return v;
        }

        PageModel.Va idVa(int page) {
            PageModel.Va v = new PageModel.Va(0, page);
            AbstractPage ap = pages.get(page);
            if (ap != null && !concreteVa.containsKey(v)) concreteVa.put(v, ap.concrete().get(0));
            return v;
        }

        PageModel model(List<PageModel.Entry> entries, List<Integer> destIds) throws ScenarioError {
            for (int id : new ArrayList<>(pages.keySet())) dataVa(id);
            return switch (b.design) {
                case "upstream-trans-pgd", "hibernate-resume" -> trampoline(entries, destIds);
                default -> mmuEnable(entries, destIds);
            };
        }

        PageModel finish(String el2Regime, int initEl, List<PageModel.Instruction> prog, Map<String, Object> sys,
                         Set<PageModel.TlbTag> tlb, List<PageModel.Entry> entries, List<Integer> destIds, int fieldsId) {
            String name = "Scenario_" + b.plan.scenario().name().replaceAll("[^A-Za-z0-9]", "_");
            TreeSet<Integer> vectors = new TreeSet<>();
            for (long p : b.vectorPages) vectors.add(id(p, "vector page"));
            return new PageModel(name, el2Regime, initEl, prog, tables, sys, tlb, walkValid, vectorCode, entries,
                    new TreeSet<>(destIds), new TreeSet<>(Set.of(fieldsId)), new TreeSet<>(Set.of(0)), Set.of(), fixedTables,
                    vectors, true, b.options.deviceFetch() == WalkOptions.DeviceFetch.PERMISSION_FAULT, facts);
        }

        /** RFC v2 8/8 (and the explicit builder): relocate_kernel.S turns the MMU on in the boot regime. */
        PageModel mmuEnable(List<PageModel.Entry> entries, List<Integer> destIds) {
            Phase ph = b.reloc;
            TranslationRegs r = ph.regs();
            int el = r.regime().el();
            String x = "_EL" + el;
            long codePa = ph.code().get(0).pa();
            int code = id(codePa, "code page");
            PageModel.Va cva = idVa(code);
            int fields = id(b.fieldsPage, "kimage fields page");
            idVa(fields);
            String s = b.design.equals("rfc-v2-trans-table") ? "relocate_kernel.S (RFC v2 8/8): " : "relocation code: ";
            List<PageModel.Instruction> p = new ArrayList<>();
            boolean late = b.plan.kimageReadAfterCopy();
            p.add(ins("ldr_kimage", cva, code, s + "ldr x16, [x0, #KRELOC_HEAD]", "field", "head", "range", 0));
            if (!late) p.add(ins("ldr_kimage", cva, code, s + "ldr x17, [x0, #KRELOC_ENTRY_ADDR]", "field", "start", "range", 0));
            p.add(ins("tlbi", cva, code, s + (el == 1 ? "tlbi vmalle1" : "tlbi alle2"), "scope", el == 1 ? "vmalle1" : "alle2"));
            p.add(ins("dsb", cva, code, s + "dsb ish"));
            p.add(ins("isb", cva, code, s + "isb"));
            p.add(ins("msr", cva, code, s + "msr ttbr0_el" + el + ", trans_table", "reg", "TTBR0" + x, "val", b.rootName(0, 0)));
            p.add(ins("isb", cva, code, s + "isb"));
            p.add(ins("msr", cva, code, s + "msr tcr_el" + el, "reg", "TCR" + x, "val", tcrSym(r)));
            p.add(ins("msr", cva, code, s + "msr mair_el" + el, "reg", "MAIR" + x, "val", mairSym(r)));
            p.add(ins("msr", cva, code, s + "msr sctlr_el" + el, "reg", "SCTLR" + x, "val", sctlr(r)));
            p.add(ins("ic_iallu", cva, code, s + "ic iallu"));
            p.add(ins("dsb", cva, code, s + "dsb nsh"));
            p.add(ins("isb", cva, code, s + "isb"));
            p.add(ins("copy_loop", cva, code, s + "copy loop", "cmo", cmo, "range", b.dataRange));
            if (late) p.add(ins("ldr_kimage", cva, code, s + "ldr x17, [x0, #KRELOC_ENTRY_ADDR] (after the copy loop)", "field", "start", "range", 0));
            p.add(ins("msr", cva, code, s + "msr sctlr_el" + el + " (MMU off)", "reg", "SCTLR" + x, "val", OFF));
            p.add(ins("isb", cva, code, s + "isb"));
            p.add(ins("ic_iallu", cva, code, s + "ic iallu"));
            p.add(ins("dsb", cva, code, s + "dsb nsh"));
            p.add(ins("isb", cva, code, s + "isb"));
            p.add(ins("br_new_kernel", cva, code, s + "br x17"));

            long vbarPa = b.identityPa(ph.vbar());
            PageModel.Va vbar;
            if (vbarPa >= 0) {
                int vp = id(vbarPa, "vector page (VBAR)");
                vbar = idVa(vp);
                boolean stub = el == 2;
                if (stub) vectorCode.put(new PageModel.VectorSlot(vp, 1024), "el1_sync");
            } else {
                vbar = otherVa(r.regime().hasTwoRanges() ? (int) (ph.vbar() >>> 63) : 0, ph.vbar(), "VBAR");
            }
            exportJavaRoots();
            Map<String, Object> sys = new LinkedHashMap<>();
            for (int e = 1; e <= 2; e++) {
                String y = "_EL" + e;
                boolean mine = e == el;
                sys.put("SCTLR" + y, OFF);
                sys.put("TTBR0" + y, mine ? "prior" : "none");
                sys.put("TTBR1" + y, mine && r.regime().hasTwoRanges() ? b.rootName(0, 1) : "none");
                sys.put("TCR" + y, mine ? tcrSym(r) : "none");
                sys.put("MAIR" + y, mine ? mairSym(r) : "none");
                sys.put("VBAR" + y, mine ? vbar : new PageModel.Va(0, 0));
            }
            tables.put("prior", Map.of());
            return finish(el == 2 ? r.regime().name() : "EL2", el, p, sys,
                    Set.of(new PageModel.TlbTag(r.regime().name(), 0, "prior")), entries, destIds, fields);
        }

        /** v5.16 trans_pgd (and hibernate's exit page): relocation at EL1 through an idmap and a linear-map copy. */
        PageModel trampoline(List<PageModel.Entry> entries, List<Integer> destIds) throws ScenarioError {
            boolean hib = b.design.equals("hibernate-resume");
            Phase ph = b.reloc;
            TranslationRegs r = ph.regs();
            if (r.regime() != Regime.EL1_0) {
                throw new ScenarioError(b.file, "regime", "the tla engine models the " + b.design + " design at EL1 (booted at el1 or el2), not " + r.regime().cliName());
            }
            boolean nvhe = b.plan.phases().size() > 1;
            int text = id(b.oldText, "old kernel text page");
            PageModel.Va img = otherVa(1, b.plan.scenario().placement().kernelVectors(), "kernel image");
            long codePa = ph.code().get(0).pa();
            int code = id(codePa, "code page");
            PageModel.Va cva = idVa(code);
            int fields = id(b.fieldsPage, "struct kimage page");
            dataVa(fields);
            String k = hib ? "hibernate.c swsusp_arch_resume: " : "machine_kexec.c: ";
            String s = hib ? "hibernate-asm.S swsusp_arch_suspend_exit: " : "relocate_kernel.S: ";
            List<PageModel.Instruction> p = new ArrayList<>();
            int vec = -1;
            if (nvhe) {
                vec = id(b.plan.phases().get(1).vbar(), "EL2 vector copy");
                p.add(ins("hvc", img, text, k + "__hyp_set_vectors(kimage->arch.el2_vectors): hvc #0", "fn", "HVC_SET_VECTORS", "arg", idVa(vec)));
            }
            p.add(ins("msr", img, text, k + "cpu_install_ttbr0: cpu_set_reserved_ttbr0: msr ttbr0_el1", "reg", "TTBR0_EL1", "val", "reserved"));
            p.add(ins("isb", img, text, k + "cpu_install_ttbr0: isb"));
            p.add(ins("tlbi", img, text, k + "cpu_install_ttbr0: local_flush_tlb_all: tlbi vmalle1", "scope", "vmalle1"));
            p.add(ins("dsb", img, text, k + "cpu_install_ttbr0: local_flush_tlb_all: dsb nsh"));
            p.add(ins("isb", img, text, k + "cpu_install_ttbr0: local_flush_tlb_all: isb"));
            p.add(ins("msr", img, text, k + "cpu_install_ttbr0: __cpu_set_tcr_t0sz: msr tcr_el1", "reg", "TCR_EL1", "val", tcrSym(r)));
            p.add(ins("msr", img, text, k + "cpu_install_ttbr0: msr ttbr0_el1", "reg", "TTBR0_EL1", "val", b.rootName(0, 0)));
            p.add(ins("isb", img, text, k + "cpu_install_ttbr0: isb"));
            p.add(ins("branch", img, text, k + (hib ? "hibernate_exit(): blr to the safe exit page" : "kern_reloc(kimage): blr to the idmapped relocation code")));
            boolean late = b.plan.kimageReadAfterCopy();
            if (!hib && !late) {
                p.add(ins("ldr_kimage", cva, code, s + "ldr x28, [x0, #KIMAGE_START]", "field", "start", "range", 1));
                p.add(ins("ldr_kimage", cva, code, s + "ldr x27, [x0, #KIMAGE_ARCH_EL2_VECTORS]", "field", "el2_vectors", "range", 1));
                p.add(ins("ldr_kimage", cva, code, s + "ldr x26, [x0, #KIMAGE_ARCH_DTB_MEM]", "field", "dtb_mem", "range", 1));
            }
            if (!hib) p.add(ins("ldr_kimage", cva, code, s + "ldr x17, [x0, #KIMAGE_ARCH_TTBR1]", "field", "ttbr1", "range", 1));
            p.add(ins("ldr_kimage", cva, code, s + (hib ? "restore_pblist (x3)" : "ldr x16, [x0, #KIMAGE_HEAD]"), "field", "head", "range", 1));
            String zero = b.tablesOf.containsKey("zero_page") ? "zero_page" : "reserved";
            p.add(ins("msr", cva, code, s + "break_before_make_ttbr_switch: msr ttbr1_el1, zero_page", "reg", "TTBR1_EL1", "val", zero));
            p.add(ins("isb", cva, code, s + "break_before_make_ttbr_switch: isb"));
            p.add(ins("tlbi", cva, code, s + "break_before_make_ttbr_switch: tlbi vmalle1", "scope", "vmalle1"));
            p.add(ins("dsb", cva, code, s + "break_before_make_ttbr_switch: dsb nsh"));
            p.add(ins("msr", cva, code, s + "break_before_make_ttbr_switch: msr ttbr1_el1, x17", "reg", "TTBR1_EL1", "val", b.rootName(0, 1)));
            p.add(ins("isb", cva, code, s + "break_before_make_ttbr_switch: isb"));
            p.add(ins("copy_loop", cva, code, s + (hib ? "copy_page; dc cvau (modelled as dc cvac)" : ".Lloop"), "cmo", cmo, "range", 1));
            p.add(ins("dsb", cva, code, s + "dsb nsh"));
            p.add(ins("ic_iallu", cva, code, s + "ic iallu"));
            p.add(ins("dsb", cva, code, s + "dsb nsh"));
            p.add(ins("isb", cva, code, s + "isb"));
            if (!hib && late) {
                p.add(ins("ldr_kimage", cva, code, s + "ldr x4, [x0, #KIMAGE_START]", "field", "start", "range", 1));
                p.add(ins("ldr_kimage", cva, code, s + "ldr x1, [x0, #KIMAGE_ARCH_EL2_VECTORS]", "field", "el2_vectors", "range", 1));
                p.add(ins("ldr_kimage", cva, code, s + "ldr x0, [x0, #KIMAGE_ARCH_DTB_MEM]", "field", "dtb_mem", "range", 1));
            }
            if (hib) {
                p.add(ins("br_new_kernel", cva, code, s + "ret (into the restored kernel, MMU on)"));
            } else {
                p.add(ins("msr", cva, code, s + "turn_off_mmu: msr sctlr_el1", "reg", "SCTLR_EL1", "val", OFF));
                p.add(ins("isb", cva, code, s + "turn_off_mmu: isb"));
                p.add(nvhe ? ins("hvc", cva, code, s + "hvc #0 (HVC_SOFT_RESTART)", "fn", "HVC_SOFT_RESTART", "arg", new PageModel.Va(0, 0))
                        : ins("br_new_kernel", cva, code, s + "br x4 (new kernel at EL1)"));
            }
            // the running kernel's roots: swapper's linear map as its copy, its image page ROX; user/reserved map nothing
            exportJavaRoots();
            Map<PageModel.Va, PageModel.Leaf> swapper = new LinkedHashMap<>();
            tables.get(b.rootName(0, 1)).forEach((va, leaf) -> {
                if (va.page() < 1_000_000) swapper.put(va, leaf);
            });
            swapper.put(img, new PageModel.Leaf(true, 3, text, true, true, false, false, true, false, false, false, false));
            tables.put("swapper", swapper);
            Map<PageModel.Va, PageModel.Leaf> none = new LinkedHashMap<>();
            none.put(cva, PageModel.Leaf.invalid(0));
            tables.put("user", none);
            tables.put("reserved", none);
            fixedTables.put("swapper", Set.of(text));
            fixedTables.put("reserved", Set.of(text));
            if (b.tablesOf.containsKey("zero_page")) {
                int z = id(b.tablesOf.get("zero_page").iterator().next(), "zero page");
                fixedTables.put("zero_page", Set.of(z));
                Map<PageModel.Va, PageModel.Leaf> zl = new LinkedHashMap<>();
                // the zero page as a level-0 table: every entry invalid (checked by the Java walk below)
                TranslationRegs zr = r.withTtbr1(b.tablesOf.get("zero_page").iterator().next());
                for (Map.Entry<PageModel.Va, Long> e : concreteVa.entrySet()) {
                    if (e.getKey().range() != 1) continue;
                    for (AccessType at : AccessType.values()) {
                        Translation t = Walker.translate(zr, b.mem, e.getValue(), at, b.options);
                        if (at == AccessType.READ) zl.put(e.getKey(), WalkLeaves.leaf(zr, t, pa -> id(pa, "page")));
                        facts.add(new PageModel.WalkFact("EL1_0", "zero_page", e.getKey(), WalkLeaves.access(at), WalkLeaves.wxn(zr), WalkLeaves.fault(t)));
                    }
                }
                tables.put("zero_page", zl);
            }
            String kernelTcr = sym("tcr_el1", b.plan.scenario().register(org.kexecverify.model.reg.SysReg.TCR_EL1, r.tcr()));
            walkValid.add(new PageModel.WalkConfig("EL1_0", kernelTcr, mairSym(r)));
            Map<String, Object> sys = new LinkedHashMap<>();
            sys.put("SCTLR_EL1", sctlr(r));
            sys.put("TTBR0_EL1", "user");
            sys.put("TTBR1_EL1", "swapper");
            sys.put("TCR_EL1", kernelTcr);
            sys.put("MAIR_EL1", mairSym(r));
            sys.put("VBAR_EL1", img);
            TranslationRegs el2 = nvhe ? b.plan.phases().get(1).regs() : null;
            sys.put("SCTLR_EL2", el2 == null ? OFF : sctlr(el2));
            sys.put("TTBR0_EL2", el2 != null && el2.mmuOn() ? b.rootName(1, 0) : "none");
            sys.put("TTBR1_EL2", "none");
            sys.put("TCR_EL2", el2 != null && el2.mmuOn() ? tcrSym(el2) : "none");
            sys.put("MAIR_EL2", el2 != null && el2.mmuOn() ? mairSym(el2) : "none");
            if (el2 == null || !el2.mmuOn()) walkValid.add(new PageModel.WalkConfig("EL2", "none", "none"));
            if (nvhe) {
                int stub = id(b.hypStub, "__hyp_stub_vectors page");
                sys.put("VBAR_EL2", idVa(stub));
                vectorCode.put(new PageModel.VectorSlot(stub, 1024), "el1_sync");
                vectorCode.put(new PageModel.VectorSlot(vec, 1024), "el1_sync");
            } else {
                sys.put("VBAR_EL2", new PageModel.Va(0, 0));
            }
            return finish("EL2", 1, p, sys, Set.of(new PageModel.TlbTag("EL1_0", 0, "user"), new PageModel.TlbTag("EL1_0", 1, "swapper")),
                    entries, destIds, fields);
        }
    }
}
