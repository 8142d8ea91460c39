package org.kexecverify.smt.repair;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import com.microsoft.z3.Context;
import com.microsoft.z3.Model;
import com.microsoft.z3.Optimize;
import com.microsoft.z3.Params;
import com.microsoft.z3.Status;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.verdict.Verdict;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;
import org.kexecverify.smt.Encoding;
import org.kexecverify.smt.ObligationQuery;
import org.kexecverify.smt.Queries;
import org.kexecverify.smt.SmtEngine;
import org.kexecverify.smt.SmtInput;
import org.kexecverify.smt.walk.Bv;
import org.kexecverify.smt.walk.SymRegs;
import org.kexecverify.smt.walk.TableMemory;

/**
 * Repair hints: the smallest set of descriptor and register bit changes that makes the walk
 * obligations hold, found with Z3's Optimize (MaxSMT, one soft constraint per candidate change),
 * applied to a copy of the input and re-proved.
 *
 * <pre>
 *   candidates: per run of table entries, flip one of PTE_UXN/PTE_PXN/PTE_RDONLY/PTE_USER/PTE_AF or
 *               PMD_TABLE_UXN/PXN, APTable[1:0];  SCTLR.WXN/A;  TCR.HPD;  point VBAR at a new base;
 *               write an executable identity entry where VBAR's walk hits an invalid one
 *   loop:  minimise #changes s.t. ok(va) for every sample VA  -&gt; apply to a copy -&gt; re-prove
 *          refuted again? add its witness VA to the samples and repeat (CEGIS)
 * </pre>
 */
public final class Repair {
    /** Descriptor fields the search may flip, per run of entries. */
    static final List<Field> ENTRY_FIELDS = List.of(DescriptorBits.UXN, DescriptorBits.PXN, DescriptorBits.AP2, DescriptorBits.AP1, DescriptorBits.AF,
            DescriptorBits.UXN_TABLE, DescriptorBits.PXN_TABLE, DescriptorBits.AP_TABLE1, DescriptorBits.AP_TABLE0);
    static final List<String> SCTLR_FIELDS = List.of("WXN", "A");
    static final int MAX_ROUNDS = 16;

    /** One change, in kernel terms, with what applying it does to a copy. */
    public record Hint(String words) {}

    /**
     * @param hints     the changes, smallest set first found
     * @param repaired  the input with the changes applied
     * @param reproved  the obligations re-decided on the repaired input
     */
    public record Result(boolean found, String why, List<Hint> hints, SmtInput repaired, List<Verdict> reproved) {}

    private final SmtEngine engine;
    private final Bv bv;
    private final Context ctx;

    public Repair(SmtEngine engine) {
        this.engine = engine;
        this.bv = engine.bv();
        this.ctx = engine.context();
    }

    private record EntryVar(TableMemory.Run run, Field field, BoolExpr var) {}

    private record RegVar(String reg, Field field, BoolExpr var) {}

    public Result search(SmtInput in, List<Obligation> obligations) {
        TranslationRegs r = in.regs();
        TableMemory base = TableMemory.of(bv, in.mem(), Encoding.roots(r));
        List<EntryVar> entryVars = new ArrayList<>();
        Map<TableMemory.Run, BitVecExpr> flips = new HashMap<>();
        int k = 0;
        for (TableMemory.Run run : base.runs()) {
            BitVecExpr f = bv.num(0);
            for (Field fd : ENTRY_FIELDS) {
                BoolExpr v = ctx.mkBoolConst("flip" + (k++) + "_" + fd.name());
                entryVars.add(new EntryVar(run, fd, v));
                f = bv.or(f, bv.ite(v, bv.num(fd.mask()), bv.num(0)));
            }
            flips.put(run, f);
        }
        TableMemory mem = base.withRunFlips(flips::get);
        // registers
        List<RegVar> regVars = new ArrayList<>();
        BitVecExpr sctlrFlip = bv.num(0);
        for (String n : SCTLR_FIELDS) {
            Field f = r.sctlrLayout().field(n);
            BoolExpr v = ctx.mkBoolConst("flip_" + r.sctlrReg() + "_" + n);
            regVars.add(new RegVar(r.sctlrReg().name(), f, v));
            sctlrFlip = bv.or(sctlrFlip, bv.ite(v, bv.num(f.mask()), bv.num(0)));
        }
        BitVecExpr tcrFlip = bv.num(0);
        for (Field f : r.tcrLayout().fields()) {
            if (!f.name().startsWith("HPD")) continue;
            BoolExpr v = ctx.mkBoolConst("flip_" + r.tcrReg() + "_" + f.name());
            regVars.add(new RegVar(r.tcrReg().name(), f, v));
            tcrFlip = bv.or(tcrFlip, bv.ite(v, bv.num(f.mask()), bv.num(0)));
        }
        SymRegs sr = SymRegs.of(bv, r);
        sr = sr.withSctlr(bv.xor(sr.sctlr(), sctlrFlip)).withTcr(bv.xor(sr.tcr(), tcrFlip));
        // VBAR: retarget, or map its page
        BoolExpr moveVbar = ctx.mkBoolConst("move_vbar");
        BitVecExpr newVbar = bv.var("new_vbar");
        SysReg vbarReg = r.regime().el() == 1 ? SysReg.VBAR_EL1 : SysReg.VBAR_EL2;
        RegisterLayout vbarLayout = Layouts.of(vbarReg, r.regime());
        BitVecExpr vbar = bv.ite(moveVbar, newVbar, bv.num(in.vbar().orElse(0)));
        List<BoolExpr> hard = new ArrayList<>();
        hard.add(bv.eq(bv.and(newVbar, bv.num(vbarLayout.res0Mask())), 0));
        BoolExpr mapVbar = null;
        long mapAt = -1;
        long mapValue = 0;
        int mapLevel = -1;
        if (in.vbar().isPresent() && in.regs().mmuOn()) {
            long va = in.vbar().getAsLong() + SmtInput.VECTOR_CURRENT_EL_SPX_SYNC;
            Translation t = Walker.translate(r, in.mem(), va, AccessType.FETCH);
            if (t instanceof Translation.Fault f && !f.steps().isEmpty() && f.steps().get(f.steps().size() - 1).kind() == WalkStep.Kind.INVALID) {
                WalkStep s = f.steps().get(f.steps().size() - 1);
                if (s.level() > 0) {
                    mapLevel = s.level();
                    mapAt = s.descriptorAddress();
                    mapValue = identityLeaf(r, va, s.level());
                    mapVbar = ctx.mkBoolConst("map_vbar_page");
                    mem = mem.withEntry(mapAt, bv.ite(mapVbar, bv.num(mapValue), bv.num(s.descriptor())));
                }
            }
        }
        Encoding enc = new Encoding(sr, mem, vbar);
        Queries qs = new Queries(bv, in, enc);
        if (in.vbar().isPresent() && obligations.contains(Obligation.VECTORS_EXECUTABLE)) {
            // a vector entry is 0x80 bytes inside one page (VBAR is 2 KB aligned): one point per entry covers it
            for (long off : in.vectorOffsets()) {
                ObligationQuery q = qs.vectors(bv.add(qs.vectorBase(), bv.num(off)));
                if (q != null) hard.add(bv.not(q.bad()));
            }
            // a moved vector table goes where the relocation code already is mapped (a copy of the stub vectors in a control page)
            List<BoolExpr> inCode = new ArrayList<>();
            for (var reg : in.regions()) {
                if (reg.access() != AccessType.FETCH) continue;
                inCode.add(bv.and(bv.ule(bv.num(reg.start()), newVbar), bv.ule(bv.add(newVbar, bv.num(~vbarLayout.field("VBA").mask() + 1)), bv.num(reg.end()))));
            }
            if (!inCode.isEmpty()) hard.add(bv.or(inCode.toArray(new BoolExpr[0])));
        }

        List<long[]> samples = new ArrayList<>(); // {obligation ordinal, va}
        Map<Long, Integer> levelOf = new HashMap<>();
        SmtInput current = in;
        List<Verdict> verdicts = decide(current, obligations);
        for (Verdict v : verdicts) addSample(samples, levelOf, in, v);
        if (verdicts.stream().noneMatch(v -> v instanceof Verdict.Refuted)) {
            return new Result(false, "nothing to repair: no obligation is refuted", List.of(), in, verdicts);
        }
        for (int round = 0; round < MAX_ROUNDS; round++) {
            Optimize opt = ctx.mkOptimize();
            Params p = ctx.mkParams();
            p.add("timeout", (int) Math.min(Integer.MAX_VALUE, engine.options().timeoutMillis()));
            opt.setParameters(p);
            for (BoolExpr h : hard) opt.Add(h);
            if (obligations.contains(Obligation.REGISTERS_VALID)) {
                ObligationQuery q = qs.registers();
                opt.Add(bv.not(q.bad()));
            }
            for (long[] s : samples) {
                ObligationQuery q = qs.of(Obligation.values()[(int) s[0]], bv.num(s[1]));
                if (q != null) opt.Add(bv.not(q.bad()));
            }
            for (EntryVar e : entryVars) opt.AssertSoft(bv.not(e.var()), 1, "changes");
            for (RegVar e : regVars) opt.AssertSoft(bv.not(e.var()), 1, "changes");
            opt.AssertSoft(bv.not(moveVbar), 1, "changes");
            if (mapVbar != null) opt.AssertSoft(bv.not(mapVbar), 1, "changes");
            Status st = opt.Check();
            if (st != Status.SATISFIABLE) {
                return new Result(false, st == Status.UNKNOWN ? "Z3 Optimize answered unknown: " + opt.getReasonUnknown()
                        : "no combination of the candidate bit changes makes the obligations hold", List.of(), in, verdicts);
            }
            Model m = opt.getModel();
            List<Hint> hints = new ArrayList<>();
            PhysicalMemory copy = in.mem().copyOf();
            TranslationRegs nr = r;
            long nvbar = in.vbar().orElse(0);
            for (EntryVar e : entryVars) {
                if (!m.eval(e.var(), true).isTrue()) continue;
                TableMemory.Run run = e.run();
                for (long i = 0; i < run.count(); i++) copy.write64(run.base() + 8 * i, copy.read64(run.base() + 8 * i) ^ e.field().mask());
                boolean set = e.field().get(run.v0()) != 0;
                Integer lvl = levelOf.get(run.base());
                String where = String.format("%s%s at 0x%x%s", run.count() == 1 ? "the " : "the " + run.count() + " ",
                        (lvl == null ? "" : "level-" + lvl + " ") + (run.count() == 1 ? "entry" : "entries"), run.base(),
                        run.count() == 1 ? "" : String.format("..0x%x", run.end() - 8));
                hints.add(new Hint(String.format("%s %s in %s", set ? "clear" : "set", DescriptorBits.linuxName(e.field(), r.regime()), where)));
            }
            for (RegVar e : regVars) {
                if (!m.eval(e.var(), true).isTrue()) continue;
                boolean sctlr = e.reg().startsWith("SCTLR");
                long val = sctlr ? nr.sctlr() : nr.tcr();
                boolean set = e.field().get(val) != 0;
                long nv = val ^ e.field().mask();
                nr = sctlr ? nr.withSctlr(nv) : nr.withTcr(nv);
                hints.add(new Hint(String.format("%s %s.%s (bit %s)", set ? "clear" : "set", e.reg(), e.field().name(), e.field().bits())));
            }
            if (m.eval(moveVbar, true).isTrue()) {
                nvbar = ((com.microsoft.z3.BitVecNum) m.eval(newVbar, true)).getBigInteger().longValue();
                hints.add(new Hint(String.format("point %s at 0x%x (a copy of the vectors in an executable, mapped page) instead of 0x%x", vbarReg, nvbar,
                        in.vbar().orElse(0))));
            }
            if (mapVbar != null && m.eval(mapVbar, true).isTrue()) {
                copy.write64(mapAt, mapValue);
                hints.add(new Hint(String.format("map %s's page executable: write the level-%d entry at 0x%x = 0x%016x (identity, %s)", vbarReg, mapLevel,
                        mapAt, mapValue, r.regime().singlePrivilege() ? "PAGE_HYP_EXEC" : "PAGE_KERNEL_ROX")));
            }
            current = new SmtInput(in.name() + " (repaired)", nr, copy, in.regions(), in.vbar().isPresent() ? java.util.OptionalLong.of(nvbar) : in.vbar(),
                    in.vectorOffsets(), in.walkOptions(), in.placement());
            verdicts = decide(current, obligations);
            if (verdicts.stream().allMatch(v -> v instanceof Verdict.Proved)) return new Result(true, "re-proved", hints, current, verdicts);
            int before = samples.size();
            for (Verdict v : verdicts) addSample(samples, levelOf, current, v);
            if (samples.size() == before) {
                return new Result(false, "the repaired copy is still not proved and gives no new witness", hints, current, verdicts);
            }
        }
        return new Result(false, "no repair within " + MAX_ROUNDS + " rounds", List.of(), current, verdicts);
    }

    private List<Verdict> decide(SmtInput in, List<Obligation> obligations) {
        List<Verdict> out = new ArrayList<>();
        for (Obligation o : obligations) out.add(engine.decide(in, o));
        return out;
    }

    private static void addSample(List<long[]> samples, Map<Long, Integer> levelOf, SmtInput in, Verdict v) {
        if (!(v instanceof Verdict.Refuted ref)) return;
        Object va = ref.counterexample().witness().get("va");
        if (!(va instanceof Long l)) return;
        for (long[] s : samples) if (s[0] == v.obligation().ordinal() && s[1] == l) return;
        samples.add(new long[] {v.obligation().ordinal(), l});
        Translation t = Walker.translate(in.regs(), in.mem(), l, AccessType.FETCH);
        for (WalkStep s : t.steps()) levelOf.putIfAbsent(s.descriptorAddress(), s.level());
    }

    /**
     * An identity leaf for {@code va} at {@code level}: executable, read-only, Normal (MT_NORMAL), in the regime's reading.
     * MT_NORMAL's AttrIndx is the one the regime's MAIR gives Normal Write-Back memory (v5.3-era index 4 when it has none).
     */
    static long identityLeaf(TranslationRegs r, long va, int level) {
        var prot = r.regime().singlePrivilege() ? org.kexecverify.model.desc.Pgprot.PAGE_HYP_EXEC : org.kexecverify.model.desc.Pgprot.PAGE_KERNEL_ROX;
        int mtNormal = org.kexecverify.model.desc.LinuxMair.mtNormalIndex(r.mair());
        long attrs = prot.bits(mtNormal >= 0 ? mtNormal : org.kexecverify.model.desc.LinuxMair.V5_3.mtNormal());
        if (!r.regime().singlePrivilege()) attrs = DescriptorBits.UXN.set(attrs, 1);
        int shift = PhysicalMemory.PAGE_SHIFT + (PhysicalMemory.PAGE_SHIFT - 3) * (3 - level);
        long oa = va & ~((1L << shift) - 1);
        if (level < 3) attrs = DescriptorBits.TYPE.set(attrs, 0);
        return DescriptorBits.ADDRESS.set(attrs, DescriptorBits.ADDRESS.get(oa));
    }
}
