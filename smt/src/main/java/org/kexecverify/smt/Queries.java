package org.kexecverify.smt;

import com.microsoft.z3.BitVecExpr;
import com.microsoft.z3.BoolExpr;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.reg.Field;
import org.kexecverify.model.reg.FieldKind;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.MemoryAttribute;
import org.kexecverify.model.reg.RegisterLayout;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.verdict.Obligation;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.smt.ObligationQuery.Named;
import org.kexecverify.smt.walk.Bv;
import org.kexecverify.smt.walk.SymOutcome;
import org.kexecverify.smt.walk.SymRegs;
import org.kexecverify.smt.walk.SymWalker;

/**
 * Builds the negation of each walk obligation over one symbolic VA: a region is one constraint
 * {@code start <= va < end}, so a query's size does not depend on how large the region is.
 */
public final class Queries {
    private final Bv bv;
    private final SmtInput in;
    private final Encoding enc;

    public Queries(Bv bv, SmtInput in, Encoding enc) {
        this.bv = bv;
        this.in = in;
        this.enc = enc;
    }

    /** The query for an obligation, or null when the input says nothing it could be about. */
    public ObligationQuery of(Obligation o, BitVecExpr va) {
        return switch (o) {
            case IDMAP_COVERS_CODE -> idmap(va);
            case DATA_ACCESSIBLE -> data(va);
            case VECTORS_EXECUTABLE -> vectors(va);
            case REGISTERS_VALID -> registers();
            default -> null;
        };
    }

    BoolExpr inRange(BitVecExpr va, long start, long end) {
        return bv.and(bv.ule(bv.num(start), va), bv.ult(va, bv.num(end)));
    }

    private SymOutcome walk(BitVecExpr va, AccessType at, int size) {
        return SymWalker.translate(bv, enc.regs(), enc.mem(), va, at, size, in.walkOptions());
    }

    /** Mapped to VA + delta (VA==PA for an identity map), executable, Normal memory. */
    public BoolExpr codeOk(SymOutcome o, BitVecExpr va, long delta) {
        return bv.and(o.isMapped(bv), bv.eq(o.pa(), bv.add(va, bv.num(delta))), o.executable(), bv.not(o.leafDevice()));
    }

    public ObligationQuery idmap(BitVecExpr va) {
        List<Region> code = in.regions().stream().filter(r -> r.access() == AccessType.FETCH).toList();
        if (code.isEmpty()) return null;
        SymOutcome o = walk(va, AccessType.FETCH, 1);
        List<Named> named = new ArrayList<>();
        List<BoolExpr> any = new ArrayList<>();
        long bytes = 0;
        for (Region r : code) {
            BoolExpr c = bv.and(inRange(va, r.start(), r.end()), bv.not(codeOk(o, va, r.paDelta())));
            named.add(new Named(r.name(), c));
            any.add(c);
            bytes += r.size();
        }
        return new ObligationQuery(Obligation.IDMAP_COVERS_CODE, bv.or(any.toArray(new BoolExpr[0])), Map.of("va", va), named,
                pages(bytes));
    }

    public ObligationQuery data(BitVecExpr va) {
        List<Region> data = in.regions().stream().filter(r -> r.access() != AccessType.FETCH).toList();
        if (data.isEmpty()) return null;
        Map<String, SymOutcome> walks = new LinkedHashMap<>();
        List<Named> named = new ArrayList<>();
        List<BoolExpr> any = new ArrayList<>();
        long bytes = 0;
        for (Region r : data) {
            SymOutcome o = walks.computeIfAbsent(r.access() + "/" + r.accessSize(), k -> walk(va, r.access(), r.accessSize()));
            BoolExpr ok = r.checkPa() ? bv.and(o.isMapped(bv), bv.eq(o.pa(), bv.add(va, bv.num(r.paDelta())))) : o.isMapped(bv);
            BoolExpr aligned = bv.eq(bv.and(va, bv.num(r.accessSize() - 1)), 0);
            BoolExpr c = bv.and(inRange(va, r.start(), r.end()), aligned, bv.not(ok));
            named.add(new Named(r.name(), c));
            any.add(c);
            bytes += r.size();
        }
        return new ObligationQuery(Obligation.DATA_ACCESSIBLE, bv.or(any.toArray(new BoolExpr[0])), Map.of("va", va), named, pages(bytes));
    }

    /** Vector base as the VBAR field table reads it. */
    public BitVecExpr vectorBase() {
        Field vba = Layouts.of(vbarReg(), in.regs().regime()).field("VBA");
        return bv.and(enc.vbar(), bv.num(vba.mask()));
    }

    SysReg vbarReg() { return in.regs().regime().el() == 1 ? SysReg.VBAR_EL1 : SysReg.VBAR_EL2; }

    public ObligationQuery vectors(BitVecExpr va) {
        if (in.vbar().isEmpty() || in.vectorOffsets().isEmpty()) return null;
        SymOutcome o = walk(va, AccessType.FETCH, 1);
        BoolExpr ok = bv.and(o.isMapped(bv), o.executable());
        BitVecExpr base = vectorBase();
        List<Named> named = new ArrayList<>();
        List<BoolExpr> any = new ArrayList<>();
        for (long off : in.vectorOffsets()) {
            BitVecExpr lo = bv.add(base, bv.num(off));
            BitVecExpr hi = bv.add(lo, bv.num(SmtInput.VECTOR_ENTRY_SIZE));
            BoolExpr c = bv.and(bv.ule(lo, va), bv.ult(va, hi), bv.not(ok));
            named.add(new Named(String.format("%s+0x%x", vbarReg(), off), c));
            any.add(c);
        }
        return new ObligationQuery(Obligation.VECTORS_EXECUTABLE, bv.or(any.toArray(new BoolExpr[0])), Map.of("va", va), named,
                in.vectorOffsets().size() + " vector entries");
    }

    // ---- REGISTERS_VALID ---------------------------------------------------------------------

    /** One register value under its field table. */
    record RegTerm(SysReg reg, RegisterLayout layout, BitVecExpr value) {}

    List<RegTerm> registerTerms() {
        SymRegs r = enc.regs();
        Regime g = r.regime();
        List<RegTerm> out = new ArrayList<>();
        out.add(new RegTerm(r.names().sctlrReg(), r.sctlrLayout(), r.sctlr()));
        out.add(new RegTerm(r.names().tcrReg(), r.tcrLayout(), r.tcr()));
        out.add(new RegTerm(r.names().mairReg(), r.mairLayout(), r.mair()));
        out.add(new RegTerm(r.names().ttbrReg(0), r.ttbrLayout(0), r.ttbr0()));
        if (g.hasTwoRanges()) out.add(new RegTerm(r.names().ttbrReg(1), r.ttbrLayout(1), r.ttbr1()));
        if (in.vbar().isPresent()) out.add(new RegTerm(vbarReg(), Layouts.of(vbarReg(), g), enc.vbar()));
        return out;
    }

    public ObligationQuery registers() {
        List<Named> named = new ArrayList<>();
        SymRegs r = enc.regs();
        // with the MMU off the translation registers are not in use: only SCTLR and VBAR must be valid
        BoolExpr mmuOn = bv.isSet(r.sctlrField("M"), r.sctlr());
        for (RegTerm t : registerTerms()) {
            boolean always = t.reg() == r.names().sctlrReg() || t.reg() == vbarReg();
            for (Field f : t.layout().fields()) {
                String where = t.reg() + "." + f.name() + " [" + f.bits() + "]";
                BoolExpr live = always ? bv.t() : mmuOn;
                if (f.kind() == FieldKind.RES0) named.add(new Named(where + " is RES0 but set", bv.and(live, bv.isSet(f, t.value()))));
                if (f.kind() == FieldKind.RES1) {
                    named.add(new Named(where + " is RES1 but clear", bv.and(live, bv.not(bv.fieldEq(f, t.value(), f.mask() >>> f.lsb())))));
                }
                for (long code : f.reserved()) {
                    named.add(new Named(where + " = " + f.format(code) + " is reserved", bv.and(live, bv.fieldEq(f, t.value(), code))));
                }
                if (t.layout().register().name().startsWith("MAIR") && f.name().startsWith("Attr")) {
                    List<BoolExpr> res = new ArrayList<>();
                    for (int v = 0; v < (1 << f.width()); v++) if (MemoryAttribute.decode(v).reserved()) res.add(bv.fieldEq(f, t.value(), v));
                    named.add(new Named(where + " holds an UNPREDICTABLE attribute", bv.and(live, bv.or(res.toArray(new BoolExpr[0])))));
                }
            }
        }
        BitVecExpr paBits = SymWalker.effectivePaBits(bv, r);
        int ranges = r.regime().hasTwoRanges() ? 2 : 1;
        for (int i = 0; i < ranges; i++) {
            String sz = i == 0 ? "T0SZ" : "T1SZ";
            Field tg = r.tcrField(i == 0 ? "TG0" : "TG1");
            BoolExpr live = ranges == 2 && i == 1 ? bv.and(mmuOn, bv.not(bv.isSet(r.tcrField("EPD1"), r.tcr()))) : mmuOn;
            BoolExpr fourK = bv.fieldEq(tg, r.tcr(), SymWalker.fourKEncoding(tg));
            BitVecExpr txsz = bv.get(r.tcrField(sz), r.tcr());
            BoolExpr inRange = bv.and(bv.ule(bv.num(SymWalker.MIN_TXSZ), txsz), bv.ule(txsz, bv.num(SymWalker.MAX_TXSZ)));
            named.add(new Named(r.names().tcrReg() + "." + tg.name() + " selects a granule other than 4 KB", bv.and(live, bv.not(fourK))));
            named.add(new Named(r.names().tcrReg() + "." + sz + " outside " + SymWalker.MIN_TXSZ + ".." + SymWalker.MAX_TXSZ,
                    bv.and(live, fourK, bv.not(inRange))));
            Field baddr = r.ttbrLayout(i).field("BADDR");
            BitVecExpr base = bv.and(r.ttbr(i), bv.num(baddr.mask()));
            BitVecExpr tableBytes = SymWalker.rootTableBytes(bv, txsz);
            String ttbr = r.names().ttbrReg(i).name();
            named.add(new Named(ttbr + " base not aligned to its start-level table",
                    bv.and(live, fourK, inRange, bv.ne(bv.and(base, bv.sub(tableBytes, bv.num(1))), 0))));
            named.add(new Named(ttbr + " base beyond the PA size (" + r.names().tcrReg() + "." + r.names().paSizeFieldName() + ", PARange)",
                    bv.and(live, bv.ne(bv.lshr(base, paBits), 0))));
        }
        BoolExpr any = bv.or(named.stream().map(Named::condition).toArray(BoolExpr[]::new));
        return new ObligationQuery(Obligation.REGISTERS_VALID, any, Map.of(), named, registerTerms().size() + " registers");
    }

    static String pages(long bytes) {
        return String.format("%d pages (%s)", (bytes + PhysicalMemory.PAGE_SIZE - 1) >>> PhysicalMemory.PAGE_SHIFT, human(bytes));
    }

    static String human(long bytes) {
        if (bytes >= 1L << 40 && bytes % (1L << 40) == 0) return (bytes >> 40) + " TiB";
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) return (bytes >> 30) + " GiB";
        if (bytes >= 1L << 20 && bytes % (1L << 20) == 0) return (bytes >> 20) + " MiB";
        return bytes + " bytes";
    }

}
