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
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.tla.program.DerivedProgram;
import org.kexecverify.tla.program.ProgramDerivation;
import org.kexecverify.tla.program.ProgramUnsupported;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.scenario.ScenarioError;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.Walker;

/**
 * A scenario's {@link RelocationPlan} as a page-granular {@link PageModel}: the real descriptors
 * the builder wrote, the real entry list in memory, and the instruction sequence of the scenario's
 * own machine code ({@code plan.scenario().code()}), read by {@link ProgramDerivation}. No builder,
 * design or scenario name is read to decide anything.
 *
 * <h2>Where the instance starts</h2>
 * At the first instruction of the relocation code, in the state the plan says. What runs before it
 * (machine_kexec's C prelude: {@code __hyp_set_vectors}, {@code cpu_install_ttbr0}) is not in the
 * relocation code and is not derived: the code resolvers give the relocation code and the stub
 * vectors, not a second blob for the prelude, and a hand list of it would be a second copy of the
 * design. Its outcome is the plan's phase state:
 * <ul>
 *   <li>every register of the relocation regime the code does not write before its loop holds the
 *       plan's value (TTBR0 = the plan's idmap, TCR with its T0SZ, MAIR, SCTLR, VBAR); a TTBR the code
 *       writes before its loop holds the running kernel's root ({@code prior_ttbrN}): for TTBR1 with
 *       the MMU on, swapper_pg_dir, represented by the plan's linear-map copy (trans_pgd_create_copy
 *       copies it entry by entry) plus the PAGE_KERNEL_ROX image page VBAR points into; otherwise a
 *       root that maps nothing the code uses;</li>
 *   <li>code that writes SCTLR with M = 1 before its loop turns the MMU on itself: it is entered with
 *       the MMU off (after HVC_SOFT_RESTART) and TCR/MAIR already hold the plan's values (the boot code
 *       computed them the same way); a value the code computes from registers the scenario does not
 *       give is taken to be the plan's, a different computed value is not modelled (INCONCLUSIVE);</li>
 *   <li>the other exception level holds its phase's registers (VBAR_EL2 = the vector copy for nVHE),
 *       or the MMU off;</li>
 *   <li>the TLB may hold entries of every root live at entry (those of a root the code replaces turn
 *       stale), the I-cache may be stale.</li>
 * </ul>
 * A scenario without code, or with code the derivation does not understand, throws
 * {@link ProgramUnsupported}: the engine answers INCONCLUSIVE with that reason.
 *
 * <h2>Which pages exist in the instance</h2>
 * Every page that plays a role of its own: control, table, code, vector, argument and kimage
 * pages, indirection pages, the page of the old image VBAR points into (when the running
 * kernel's TTBR1 is live at entry), every destination page equal to one of those, and one
 * representative per uniform run of copies.
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
 * The struct kimage field values the code reads are those the plan's builder wrote at the code's
 * own offsets ({@link DesignCode#offsets()}). The old kernel's __hyp_stub_vectors,
 * where VBAR_EL2 points when the code runs at EL2 without a vector copy of its own, has the 2019
 * layout (el1_sync at +0x400, {@code b .} at +0x200).
 */
public final class ScenarioAbstraction {
    private ScenarioAbstraction() {}

    /** One page of the instance and the concrete pages it stands for. */
    public record AbstractPage(int id, String what, List<Long> concrete) {
        public AbstractPage {
            concrete = List.copyOf(concrete);
        }
    }

    /** The instance's input and the page map (for export notes and tests). */
    public record Result(PageModel model, SortedMap<Integer, AbstractPage> pages, DerivedProgram program, String cmo) {}

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
    public static Result of(RelocationPlan plan, WalkOptions options) throws ScenarioError, ProgramUnsupported {
        return new Builder(plan, options).build();
    }

    /**
     * The merge rule, checked again from scratch: every concrete member of every merged page has
     * the representative's roles and walk signature. Returns the violations (empty: exact).
     */
    public static List<String> verify(RelocationPlan plan, WalkOptions options, Result r) throws ScenarioError, ProgramUnsupported {
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
        final DesignCode code;
        final DerivedProgram prog;
        final Phase reloc;
        final int dataRange;
        final long dataDelta;
        final List<JavaRoot> javaRoots = new ArrayList<>();
        final Map<Long, Set<String>> roles = new HashMap<>();
        final Map<String, Set<Long>> tablesOf = new LinkedHashMap<>();
        final Map<Long, List<Object>> sigCache = new HashMap<>();
        /** TTBR values the code writes that are no phase's root (e.g. the zero page of a break-before-make): name -> PA. */
        final Map<String, Long> extraRoots = new LinkedHashMap<>();
        /** Registers the code writes before its relocation loop (their entry value is the running kernel's). */
        final Set<SysRegId> writtenBefore = new java.util.HashSet<>();
        /** The code turns the MMU on itself before the loop: it is entered with the MMU off. */
        final boolean enablesMmu;
        List<RawEntry> raw;
        List<Copy> copies;
        // the page of the old image VBAR points into, when the running kernel's TTBR1 is live at entry
        long oldText = -1;
        final Set<Long> vectorPages = new TreeSet<>();
        long fieldsPage;

        Builder(RelocationPlan plan, WalkOptions options) throws ProgramUnsupported {
            this.plan = plan;
            this.options = options;
            this.mem = plan.memory();
            this.file = plan.scenario().file();
            this.reloc = plan.phases().get(0);
            ProgramCode pc = plan.scenario().code();
            if (pc.get().isEmpty()) throw new ProgramUnsupported("no machine code for the tla engine to derive the instance from: " + pc.reason());
            this.code = pc.get().get();
            this.prog = ProgramDerivation.derive(code, entryState());
            DerivedProgram.RelocationLoop loop = null;
            boolean enables = false;
            for (DerivedProgram.Step st : prog.steps()) {
                if (st instanceof DerivedProgram.RelocationLoop l) {
                    loop = l;
                    break;
                }
                if (st instanceof DerivedProgram.SysRegWrite w) {
                    writtenBefore.add(w.reg());
                    if (w.reg().name().startsWith("SCTLR") && w.value() != null && (w.value() & 1) != 0) enables = true;
                }
            }
            this.enablesMmu = enables;
            if (loop != null) {
                this.dataDelta = loop.delta();
            } else {
                // no relocation loop in the code (it spins before it): the plan's mapping of the first source page
                long src = plan.list().copies().isEmpty() ? -1 : plan.list().copies().get(0).source();
                Region data = reloc.data().stream().filter(r -> Long.compareUnsigned(src, r.pa()) >= 0
                        && Long.compareUnsigned(src, r.pa() + r.size()) < 0).findFirst().orElse(null);
                this.dataDelta = data == null ? 0 : data.va() - data.pa();
            }
            this.dataRange = dataDelta != 0 && reloc.regs().regime().hasTwoRanges() && (((plan.list().head() & KimageList.PAGE_MASK) + dataDelta) >>> 63) == 1 ? 1 : 0;
        }

        /** What the plan says holds when the code is entered: the level, the registers it may read, the struct kimage fields. */
        ProgramDerivation.EntryState entryState() {
            Map<SysRegId, Long> regs = new HashMap<>();
            for (Map.Entry<SysReg, Long> e : plan.scenario().registers().entrySet()) {
                SysRegId id = SysRegId.byName(e.getKey().name());
                if (id != null) regs.put(id, e.getValue());
            }
            // the builders write struct kimage at the code's own offsets: read each field where the code reads it
            Map<String, Long> k = new HashMap<>();
            long base = plan.scenario().placement().kimage();
            for (Map.Entry<String, Integer> f : code.offsets().asMap().entrySet()) {
                if (f.getKey().equals("KIMAGE_SIZE")) continue;
                if (mem.isRam(base + f.getValue(), 8)) k.put(f.getKey(), mem.read64(base + f.getValue()));
            }
            return new ProgramDerivation.EntryState(reloc.regs().regime().el(), reloc.regs().regime() == Regime.EL2_0, regs, k);
        }

        String rootName(int phase, int range) {
            TranslationRegs r = plan.phases().get(phase).regs();
            long v = range == 0 ? r.ttbr0() : r.ttbr1();
            return String.format("ttbr%d@0x%x", range, DescriptorBits.ADDRESS.get(v) << 12);
        }

        /** The root a TTBR write of {@code value} installs: a phase's root, or a page the code names (walked too). */
        String rootOf(SysRegId reg, long value) {
            int range = reg.name().startsWith("TTBR1") ? 1 : 0;
            long pa = DescriptorBits.ADDRESS.get(value) << 12;
            for (JavaRoot jr : javaRoots) {
                long t = jr.range() == 0 ? jr.regs().ttbr0() : jr.regs().ttbr1();
                if (jr.range() == range && (DescriptorBits.ADDRESS.get(t) << 12) == pa) return jr.name();
            }
            return String.format("ttbr%d@0x%x", range, pa);
        }

        /** The running kernel's root of {@code range} at entry, when the code replaces it before the loop. */
        static String priorRoot(int range) {
            return "prior_ttbr" + range;
        }

        void role(long page, String r) {
            roles.computeIfAbsent(pg(page), k -> new TreeSet<>()).add(r);
        }

        Set<String> rolesOf(long page) {
            return roles.getOrDefault(pg(page), Set.of());
        }

        /** The TTBR of {@code range} in the relocation regime is written before the loop, the MMU being on at entry. */
        boolean priorLive(int range) {
            TranslationRegs r = reloc.regs();
            String reg = (range == 0 ? "TTBR0" : "TTBR1") + (r.regime().el() == 1 ? "_EL1" : "_EL2");
            return !enablesMmu && writtenBefore.contains(SysRegId.valueOf(reg));
        }

        void prepare() throws ScenarioError, ProgramUnsupported {
            for (int i = 0; i < plan.phases().size(); i++) {
                TranslationRegs regs = plan.phases().get(i).regs();
                if (!regs.mmuOn()) continue;
                int ranges = regs.regime().hasTwoRanges() ? 2 : 1;
                for (int r = 0; r < ranges; r++) {
                    JavaRoot jr = new JavaRoot(rootName(i, r), regs, r);
                    if (javaRoots.stream().anyMatch(x -> x.name().equals(jr.name()))) continue;
                    javaRoots.add(jr);
                    Set<Long> t = tablePages(mem, regs, r);
                    tablesOf.put(jr.name(), t);
                    for (long p : t) role(p, "table page of " + jr.name());
                }
            }
            for (DerivedProgram.Step st : prog.steps()) {
                if (!(st instanceof DerivedProgram.SysRegWrite w) || !w.reg().name().startsWith("TTBR")) continue;
                if (w.value() == null) throw new ProgramUnsupported(w.src() + ": writes " + w.reg().asmName() + " with " + w.from() + ", which the plan does not give");
                String name = rootOf(w.reg(), w.value());
                if (tablesOf.containsKey(name)) continue;
                long pa = DescriptorBits.ADDRESS.get(w.value()) << 12;
                if (!mem.isRam(pa, PAGE)) throw new ProgramUnsupported(w.src() + String.format(": installs a table at 0x%x, which is not RAM", pa));
                int range = w.reg().name().startsWith("TTBR1") ? 1 : 0;
                extraRoots.put(name, pa);
                TranslationRegs rr = range == 1 ? reloc.regs().withTtbr1(pa) : reloc.regs().withTtbr0(pa);
                javaRoots.add(new JavaRoot(name, rr, range));
                Set<Long> t = tablePages(mem, rr, range);
                tablesOf.put(name, t);
                for (long p : t) role(p, "table page of " + name);
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
            long vbar = reloc.vbar();
            if (priorLive(1) && identityPa(vbar) < 0 && (vbar >>> 63) == 1) {
                // VBAR_ELx points into the running kernel's image, mapped by the TTBR1 the code replaces
                oldText = pg(plan.scenario().placement().oldKernelBase());
                role(oldText, String.format("old kernel text page 0x%x (the running kernel's vectors, VBAR)", oldText));
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

        Result build() throws ScenarioError, ProgramUnsupported {
            prepare();
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
            Programs progs = new Programs(this, idOf, pages, counter);
            PageModel model = progs.model(out, groups.stream().map(x -> x.destId).toList());
            String cmo = prog.steps().stream().filter(x -> x instanceof DerivedProgram.RelocationLoop)
                    .map(x -> ((DerivedProgram.RelocationLoop) x).cmo()).findFirst().orElse("no relocation loop");
            return new Result(model, pages, prog, cmo);
        }
    }

    /** The derived instruction sequence and the tables, over the page ids. */
    private static final class Programs {
        final Builder b;
        final Map<Long, Integer> idOf;
        final SortedMap<Integer, AbstractPage> pages;
        final int[] counter;
        final Map<String, Map<PageModel.Va, PageModel.Leaf>> tables = new LinkedHashMap<>();
        final List<PageModel.WalkFact> facts = new ArrayList<>();
        final Map<PageModel.Va, Long> concreteVa = new LinkedHashMap<>();
        final Set<PageModel.WalkConfig> walkValid = new LinkedHashSet<>();
        final Map<PageModel.VectorSlot, String> vectorCode = new LinkedHashMap<>();
        final Map<String, Set<Integer>> fixedTables = new LinkedHashMap<>();

        Programs(Builder b, Map<Long, Integer> idOf, SortedMap<Integer, AbstractPage> pages, int[] counter) {
            this.b = b;
            this.idOf = idOf;
            this.pages = pages;
            this.counter = counter;
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

        PageModel model(List<PageModel.Entry> entries, List<Integer> destIds) throws ScenarioError, ProgramUnsupported {
            for (int id : new ArrayList<>(pages.keySet())) dataVa(id);
            return instance(entries, destIds);
        }

        PageModel finish(String el2Regime, int initEl, List<PageModel.Instruction> prog, Map<String, Object> sys,
                         Set<PageModel.TlbTag> tlb, List<PageModel.Entry> entries, List<Integer> destIds, int fieldsId) {
            String name = "Scenario_" + b.plan.scenario().name().replaceAll("[^A-Za-z0-9]", "_");
            TreeSet<Integer> vectors = new TreeSet<>();
            for (long p : b.vectorPages) vectors.add(id(p, "vector page"));
            return new PageModel(name, el2Regime, initEl, b.plan.scenario().regime().el(), prog, tables, sys, tlb, walkValid, vectorCode, entries,
                    new TreeSet<>(destIds), new TreeSet<>(Set.of(fieldsId)), new TreeSet<>(Set.of(0)), Set.of(), fixedTables,
                    vectors, true, b.options.deviceFetch() == WalkOptions.DeviceFetch.PERMISSION_FAULT, facts);
        }

        /** SCTLR as the spec reads it: M (bit 0), C (bit 2), WXN (bit 19). */
        static PageModel.Sctlr sctlrOf(long v) {
            return new PageModel.Sctlr((v & 1) != 0, (v & 4) != 0, ((v >>> 19) & 1) != 0);
        }

        /** The TCR/MAIR value the code writes, as the symbol the tables were walked for; a different value is not modelled. */
        Object tcrMair(DerivedProgram.SysRegWrite w, TranslationRegs phase, boolean tcr) throws ProgramUnsupported {
            long planned = tcr ? phase.tcr() : phase.mair();
            if (w.value() != null && w.value() != planned) {
                throw new ProgramUnsupported(w.src() + String.format(": writes 0x%x (%s), but the plan's tables are walked for 0x%x",
                        w.value(), w.from(), planned));
            }
            return tcr ? tcrSym(phase) : mairSym(phase);
        }

        /**
         * The derived steps as instance instructions, the state at entry from the plan (see the class comment),
         * the running kernel's roots where the code replaces them.
         */
        PageModel instance(List<PageModel.Entry> entries, List<Integer> destIds) throws ProgramUnsupported {
            Phase ph = b.reloc;
            TranslationRegs r = ph.regs();
            int el = r.regime().el();
            String x = "_EL" + el;
            long codePa = ph.code().get(0).pa() + b.code.entry().entryOffset();
            long codeVa = ph.code().get(0).va() + b.code.entry().entryOffset();
            Region kreg = kimageRegion();
            int fields = id(b.fieldsPage, "struct kimage fields page");
            boolean fieldsIdentity = kreg == null || kreg.va() == kreg.pa();
            PageModel.Va fva = fieldsIdentity ? idVa(fields) : dataVa(fields);
            if (!fieldsIdentity && kreg.va() - kreg.pa() != b.dataDelta) {
                throw new ProgramUnsupported(b.code.entrySymbol() + ": struct kimage is reached at another offset than the entry pages");
            }
            List<PageModel.Instruction> p = new ArrayList<>();
            for (DerivedProgram.Step st : b.prog.steps()) {
                long pa = codePa + st.offset();
                if (pg(pa) != pg(codePa) && ph.code().stream().noneMatch(c -> Long.compareUnsigned(pa, c.pa()) >= 0 && Long.compareUnsigned(pa, c.pa() + c.size()) < 0)) {
                    throw new ProgramUnsupported(st.src() + ": outside the plan's code pages");
                }
                int cp = id(pa, "code page");
                PageModel.Va cva = new PageModel.Va(0, cp);
                concreteVa.putIfAbsent(cva, pg(codeVa + st.offset()));
                String s = st.src();
                if (st instanceof DerivedProgram.KimageLoad k) {
                    p.add(ins("ldr_kimage", cva, cp, s, "field", fieldName(k.field()), "range", fva.range()));
                } else if (st instanceof DerivedProgram.Isb) {
                    p.add(ins("isb", cva, cp, s));
                } else if (st instanceof DerivedProgram.Dsb) {
                    p.add(ins("dsb", cva, cp, s));
                } else if (st instanceof DerivedProgram.Tlbi t) {
                    p.add(ins("tlbi", cva, cp, s, "scope", t.op().opName()));
                } else if (st instanceof DerivedProgram.IcInvalidateAll) {
                    p.add(ins("ic_iallu", cva, cp, s));
                } else if (st instanceof DerivedProgram.RelocationLoop l) {
                    p.add(ins("copy_loop", cva, cp, s, "cmo", l.cmo(), "range", b.dataRange));
                } else if (st instanceof DerivedProgram.Hvc) {
                    p.add(ins("hvc", cva, cp, s, "fn", "HVC_SOFT_RESTART", "arg", new PageModel.Va(0, 0)));
                } else if (st instanceof DerivedProgram.BranchToNewKernel) {
                    p.add(ins("br_new_kernel", cva, cp, s));
                } else if (st instanceof DerivedProgram.DcSetWay sw) {
                    p.add(ins("dc_sw", cva, cp, s, "cmo", sw.op()));
                } else if (st instanceof DerivedProgram.Spin) {
                    p.add(ins("spin", cva, cp, s));
                } else if (st instanceof DerivedProgram.SysRegWrite w) {
                    String reg = w.reg().name();
                    TranslationRegs phase = phaseOf(reg);
                    Object val;
                    if (reg.startsWith("SCTLR")) {
                        if (w.value() != null) {
                            val = sctlrOf(w.value());
                        } else if ((w.knownZero() & 5) == 5) {
                            // M and C cleared by the code (bic): the MMU is off, so WXN does not matter
                            val = OFF;
                            s = s + " (M and C cleared; the rest of " + w.from() + " is not given)";
                        } else {
                            throw new ProgramUnsupported(s + ": writes " + w.reg().asmName() + " with " + w.from() + ", which the plan does not give");
                        }
                    } else if (reg.startsWith("TTBR")) {
                        val = b.rootOf(w.reg(), w.value());
                    } else if (reg.startsWith("TCR") || reg.startsWith("MAIR")) {
                        if (phase == null) throw new ProgramUnsupported(s + ": writes " + w.reg().asmName() + " of a level the plan has no phase for");
                        val = tcrMair(w, phase, reg.startsWith("TCR"));
                        if (w.value() == null) s = s + " (" + w.from() + ": the plan's value)";
                    } else {
                        throw new ProgramUnsupported(s + ": a write of " + w.reg().asmName() + " (not in the spec's relocation vocabulary)");
                    }
                    p.add(ins("msr", cva, cp, s, "reg", reg, "val", val));
                }
            }
            // vectors: VBAR of every level, and what the code's vectors do
            PageModel.Va vbar = vbarVa(ph);
            long vbarPa = b.identityPa(ph.vbar());
            if (vbarPa >= 0 && el == 2 && b.plan.regions(PhysRegion.Kind.VECTORS).stream().noneMatch(v -> pg(v.pa()) == pg(vbarPa))) {
                // the running kernel's __hyp_stub_vectors (2019 layout: el1_sync at +0x400, b . at +0x200)
                vectorCode.put(new PageModel.VectorSlot(id(vbarPa, "vector page (VBAR)"), 1024), "el1_sync");
            }
            for (PhysRegion v : b.plan.regions(PhysRegion.Kind.VECTORS)) {
                if (b.prog.vectorSlots().isEmpty()) continue;
                int vp = id(v.pa(), "vector page");
                b.prog.vectorSlots().forEach((off, what) -> {
                    if (!what.equals("b .")) vectorCode.put(new PageModel.VectorSlot(vp, off), what);
                });
            }
            if (p.stream().anyMatch(i -> i.op().equals("hvc")) && b.plan.phases().size() < 2) {
                throw new ProgramUnsupported(b.code.entrySymbol() + ": the code takes hvc #0 but the plan has no EL2 phase (VBAR_EL2, vectors) for it");
            }
            // the running kernel's roots the code replaces before its loop
            Map<String, Object> sys = new LinkedHashMap<>();
            Set<PageModel.TlbTag> tlb = new LinkedHashSet<>();
            exportJavaRoots();
            int ranges = r.regime().hasTwoRanges() ? 2 : 1;
            for (int range = 0; range < ranges; range++) {
                String reg = "TTBR" + range + x;
                String root;
                if (b.writtenBefore.contains(SysRegId.valueOf(reg))) {
                    root = Builder.priorRoot(range);
                    tables.putIfAbsent(root, priorLeaves(range));
                    if (b.oldText >= 0 && range == 1) {
                        fixedTables.put(root, Set.of(id(b.oldText, "old kernel text page")));
                    }
                } else {
                    root = b.rootName(0, range);
                }
                sys.put(reg, root);
                if (b.enablesMmu ? range == 0 : !root.startsWith("prior") || b.oldText >= 0) tlb.add(new PageModel.TlbTag(r.regime().name(), range, root));
            }
            if (tables.containsKey(Builder.priorRoot(0)) || tables.containsKey(Builder.priorRoot(1))) {
                tables.putIfAbsent(Builder.priorRoot(0), Map.of());
            }
            sys.put("SCTLR" + x, b.enablesMmu ? OFF : sctlr(r));
            sys.put("TCR" + x, tcrSym(r));
            sys.put("MAIR" + x, mairSym(r));
            sys.put("VBAR" + x, vbar);
            if (ranges == 1) sys.put("TTBR1" + x, "none");
            // the other level: its phase if the plan has one, else off
            int other = el == 1 ? 2 : 1;
            String y = "_EL" + other;
            Phase oph = b.plan.phases().stream().filter(q -> q.regs().regime().el() == other).findFirst().orElse(null);
            TranslationRegs o = oph == null ? null : oph.regs();
            sys.put("SCTLR" + y, o == null ? OFF : sctlr(o));
            sys.put("TTBR0" + y, o != null && o.mmuOn() ? b.rootName(b.plan.phases().indexOf(oph), 0) : "none");
            sys.put("TTBR1" + y, "none");
            sys.put("TCR" + y, o != null && o.mmuOn() ? tcrSym(o) : "none");
            sys.put("MAIR" + y, o != null && o.mmuOn() ? mairSym(o) : "none");
            sys.put("VBAR" + y, oph == null ? new PageModel.Va(0, 0) : vbarVa(oph));
            if (o == null || !o.mmuOn()) walkValid.add(new PageModel.WalkConfig(other == 1 ? "EL1_0" : "EL2", "none", "none"));
            String el2Regime = el == 2 ? r.regime().name() : "EL2";
            return finish(el2Regime, el, p, sys, tlb, entries, destIds, fields);
        }

        /** The data region the struct kimage (or argument) page is read through. */
        Region kimageRegion() {
            for (Region d : b.reloc.data()) {
                if (Long.compareUnsigned(b.fieldsPage, pg(d.pa())) >= 0 && Long.compareUnsigned(b.fieldsPage, d.pa() + d.size()) < 0) {
                    return d;
                }
            }
            return null;
        }

        TranslationRegs phaseOf(String reg) {
            int el = reg.endsWith("EL1") ? 1 : 2;
            return b.plan.phases().stream().map(Phase::regs).filter(q -> q.regime().el() == el).findFirst().orElse(null);
        }

        PageModel.Va vbarVa(Phase q) {
            long pa = b.identityPa(q.vbar());
            if (pa >= 0) return idVa(id(pa, "vector page (VBAR)"));
            if (b.oldText >= 0 && q == b.reloc) {
                PageModel.Va v = otherVa(1, q.vbar(), "kernel image");
                return v;
            }
            return otherVa(q.regs().regime().hasTwoRanges() ? (int) (q.vbar() >>> 63) : 0, q.vbar(), "VBAR");
        }

        /**
         * The running kernel's root of a range the code replaces: for TTBR1 with the MMU on, swapper_pg_dir, whose
         * linear map the plan's copy reproduces (trans_pgd_create_copy copies it entry by entry) and whose image
         * mapping of the page VBAR points into is PAGE_KERNEL_ROX; otherwise a root that maps nothing the code uses.
         */
        Map<PageModel.Va, PageModel.Leaf> priorLeaves(int range) {
            Map<PageModel.Va, PageModel.Leaf> out = new LinkedHashMap<>();
            if (range == 1 && b.oldText >= 0) {
                String copy = b.rootName(0, 1);
                tables.getOrDefault(copy, Map.of()).forEach((va, leaf) -> {
                    if (va.page() < 1_000_000) out.put(va, leaf);
                });
                int text = id(b.oldText, "old kernel text page");
                out.put(vbarVa(b.reloc), new PageModel.Leaf(true, 3, text, true, true, false, false, true, false, false, false, false));
                return out;
            }
            for (PageModel.Va va : concreteVa.keySet()) if (va.range() == range) out.put(va, PageModel.Leaf.invalid(0));
            return out;
        }

        /** {@code KIMAGE_ARCH_EL2_VECTORS} -> {@code el2_vectors}. */
        static String fieldName(String asm) {
            return asm.replaceFirst("^KIMAGE_ARCH_", "").replaceFirst("^KIMAGE_", "").toLowerCase(java.util.Locale.ROOT);
        }
    }
}
