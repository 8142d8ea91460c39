package org.kexecverify.model.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kexecverify.model.desc.Pgprot;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.reg.U64;
import org.kexecverify.model.regime.Regime;

/**
 * Reads a scenario YAML file (format in README.md, schema in {@code scenario.schema.json}) and
 * validates every field: unknown keys, wrong types, sizes past 2^64, misaligned or overlapping
 * addresses are {@link ScenarioError}s naming the file and field path.
 */
public final class ScenarioLoader {
    // Duplicate keys are rejected: two TTBR0_EL2 lines must not silently keep the last one.
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    // Possessive quantifiers: a long run of blanks must not make the match quadratic.
    private static final Pattern SIZE = Pattern.compile("(?i)^\\s*+(0x[0-9a-f_]++|[0-9_]++)\\s*+(k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib|p|pib)?\\s*+$");
    /** Longer number strings cannot fit 64 bits; BigInteger parsing of huge decimals is quadratic. */
    private static final int MAX_NUMBER_CHARS = 128;
    /** The old kernel image is enumerated page by page, like the segments. */
    private static final long MAX_OLD_KERNEL_BYTES = 16L << 30;
    /** Scenario files larger than this are rejected before parsing. */
    public static final long MAX_FILE_BYTES = 4L << 20;

    private ScenarioLoader() {}

    public static Scenario load(Path file) throws ScenarioError {
        String f = file.toString();
        String text;
        try {
            if (Files.isDirectory(file)) throw new ScenarioError(f, "-", "is a directory, not a scenario file");
            // a FIFO would block the read, a device (/dev/zero, /dev/urandom) never ends: only regular files are read
            if (Files.exists(file) && !Files.isRegularFile(file)) throw new ScenarioError(f, "-", "not a regular file (FIFOs, devices and sockets are not read)");
            if (Files.size(file) > MAX_FILE_BYTES) throw new ScenarioError(f, "-", "file larger than " + (MAX_FILE_BYTES >> 20) + " MiB");
            text = Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new ScenarioError(f, "-", "not UTF-8 text");
        } catch (IOException | RuntimeException e) {
            throw new ScenarioError(f, "-", "cannot read (" + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : "I/O error") + ")");
        }
        return parse(f, text);
    }

    public static Scenario parse(String f, String text) throws ScenarioError {
        JsonNode root;
        try (com.fasterxml.jackson.core.JsonParser p = YAML.getFactory().createParser(text)) {
            root = YAML.readTree(p);
            if (root != null && p.nextToken() != null) {
                throw new ScenarioError(f, "-", "more than one YAML document (the second starts at line " + p.currentLocation().getLineNr() + ")");
            }
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw new ScenarioError(f, "-", "not valid YAML" + loc + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new ScenarioError(f, "-", "not valid YAML" + (m.isEmpty() ? "" : ": " + m));
        }
        if (root == null || !root.isObject()) throw new ScenarioError(f, "-", "top level must be a mapping");
        // every section is validated even when an earlier one is broken, so one run names every problem of the file
        // (up to Problems.LIMIT); a section that needs another (segments need ram) is skipped when that one is broken
        final JsonNode top = root;
        Problems pr = new Problems();
        pr.run(() -> allowOnly(f, "", top, Set.of("name", "description", "regime", "registers", "dump", "ram", "kimage", "placement", "tables", "code", "captured")));
        String name = pr.get(() -> name(f, top));
        String description = pr.get(() -> top.has("description") ? text(f, "description", top.get("description"), false) : "");
        Regime regime = pr.get(() -> {
            String rt = text(f, "regime", top.get("regime"), true);
            try {
                return Regime.parse(rt);
            } catch (IllegalArgumentException e) {
                throw new ScenarioError(f, "regime", e.getMessage());
            }
        });

        List<String> warnings = new ArrayList<>();
        Map<SysReg, Long> regs = new EnumMap<>(SysReg.class);
        Map<SysReg, String> regField = new EnumMap<>(SysReg.class);   // where the user wrote each register
        if (root.has("dump")) {
            pr.run(() -> {
                String d = text(f, "dump", top.get("dump"), true);
                try {
                    RegisterDump parsed = RegisterDump.parse(d);
                    for (RegisterDump.Entry e : parsed.entries()) {
                        regs.put(e.register(), e.value());
                        regField.put(e.register(), "dump (line " + e.line() + ")");
                    }
                    for (RegisterDump.Skipped k : parsed.skipped()) warnings.add("dump (line " + k.line() + "): " + k.why());
                } catch (RegisterDump.DumpError e) {
                    throw new ScenarioError(f, "dump (line " + e.line() + ")", e.getMessage());
                }
            });
        }
        JsonNode rn = root.get("registers");
        if (rn != null && !rn.isObject()) {
            pr.add(new ScenarioError(f, "registers", "must be a mapping REGISTER: value"));
        } else if (rn != null) {
            Iterator<Map.Entry<String, JsonNode>> it = rn.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                pr.run(() -> {
                    SysReg r;
                    try {
                        r = SysReg.parse(e.getKey());
                    } catch (IllegalArgumentException ex) {
                        throw new ScenarioError(f, "registers." + e.getKey(), ex.getMessage());
                    }
                    long v = number(f, "registers." + e.getKey(), e.getValue());
                    Long fromDump = regs.get(r);
                    if (fromDump != null && fromDump != v) {
                        throw new ScenarioError(f, "registers." + e.getKey(), String.format(
                                "0x%x contradicts the pasted dump, which says 0x%x", v, fromDump));
                    }
                    regs.put(r, v);
                    regField.put(r, "registers." + e.getKey());
                });
            }
        }
        if (regime != null) {
            Long hcr = regs.get(SysReg.HCR_EL2);
            if (hcr != null && regime != Regime.EL1_0) {
                boolean e2h = org.kexecverify.model.reg.Layouts.of(SysReg.HCR_EL2, regime).get("E2H", hcr) != 0;
                if (e2h != (regime == Regime.EL2_0)) {
                    pr.add(new ScenarioError(f, regField.get(SysReg.HCR_EL2), String.format("HCR_EL2 = 0x%x has E2H=%d but the scenario's regime is %s",
                            hcr, e2h ? 1 : 0, regime.cliName())));
                }
            }
            // registers that describe the CPU (read-only ID registers, CurrentEL) are input, not design: a reserved encoding
            // or a set RES0 bit there is not a CPU the models can stand for, so the file is rejected rather than proved
            for (Map.Entry<SysReg, Long> e : regs.entrySet()) {
                if (!describesTheCpu(e.getKey())) continue;
                Regime as = org.kexecverify.model.reg.Layouts.exists(e.getKey(), regime) ? regime : org.kexecverify.model.reg.Layouts.defaultRegime(e.getKey());
                if (!org.kexecverify.model.reg.Layouts.exists(e.getKey(), as)) continue;
                for (org.kexecverify.model.reg.Finding fi : org.kexecverify.model.reg.Layouts.of(e.getKey(), as).validate(e.getValue())) {
                    if (fi.isError()) {
                        pr.add(new ScenarioError(f, regField.get(e.getKey()),
                                String.format("0x%x is not a value this CPU register can hold: %s", e.getValue(), fi.message())));
                        break;
                    }
                }
            }
        }

        List<RamRange> ram = pr.get(() -> ram(f, top));
        List<Segment> segments = ram == null ? null : pr.get(() -> segments(f, top, ram));
        Placement placement = ram == null || regime == null ? null : pr.get(() -> placement(f, top, ram, regime));

        JsonNode tn = root.get("tables");
        String builder = pr.get(() -> {
            JsonNode t = require(f, "tables", tn);
            if (!t.isObject()) throw new ScenarioError(f, "tables", "must be a mapping with 'builder'");
            allowOnly(f, "tables", t, Set.of("builder", "options", "mappings", "entries"));
            String b = text(f, "tables.builder", t.get("builder"), true);
            if (!ScenarioBuilders.NAMES.contains(b)) {
                throw new ScenarioError(f, "tables.builder", "unknown builder '" + b + "' (known: " + String.join(", ", ScenarioBuilders.NAMES) + ")");
            }
            return b;
        });
        Map<String, String> options = builder == null ? null : pr.get(() -> options(f, tn, builder));
        List<TableSpec.Mapping> mappings = builder == null || regime == null ? null : pr.get(() -> mappings(f, tn, builder, regime, regs));
        List<TableSpec.RawEntry> entries = builder == null || ram == null ? null : pr.get(() -> entries(f, tn, ram));
        CodeSpec code = root.has("code") ? pr.get(() -> code(f, top.get("code"))) : null;
        org.kexecverify.model.capture.Capture captured = null;
        if (builder != null && ram != null && options != null && mappings != null && entries != null && (root.has("captured") || builder.equals("captured"))) {
            // a captured scenario: the state comes from captured: (format in README.md, "Captured scenarios")
            captured = pr.get(() -> {
                if (!builder.equals("captured")) throw new ScenarioError(f, "captured", "belongs with tables: {builder: captured}");
                if (!mappings.isEmpty() || !entries.isEmpty() || !options.isEmpty()) throw new ScenarioError(f, "tables", "a captured scenario takes no options, mappings or entries");
                return org.kexecverify.model.capture.CapturedFormat.parse(f, require(f, "captured", top.get("captured")), ram);
            });
        }
        pr.throwIfAny();
        return new Scenario(name, description, f, regime, regs, ram, segments, placement, new TableSpec(builder, options, mappings, entries, captured),
                code, null, warnings);
    }

    /** The problems of one file: each section reports its first, the run stops collecting at {@link #LIMIT}. */
    private static final class Problems {
        static final int LIMIT = 20;
        final List<ScenarioError> found = new ArrayList<>();

        interface Section<T> {
            T get() throws ScenarioError;
        }

        interface Check {
            void run() throws ScenarioError;
        }

        void add(ScenarioError e) {
            if (found.size() < LIMIT) found.add(e);
        }

        <T> T get(Section<T> s) {
            try {
                return s.get();
            } catch (ScenarioError e) {
                add(e);
                return null;
            }
        }

        void run(Check c) {
            try {
                c.run();
            } catch (ScenarioError e) {
                add(e);
            }
        }

        /** One line: the first problem as file: field: message, then every other one as field: message. */
        void throwIfAny() throws ScenarioError {
            if (found.isEmpty()) return;
            ScenarioError first = found.get(0);
            if (found.size() == 1) throw first;
            StringBuilder more = new StringBuilder();
            for (ScenarioError e : found.subList(1, found.size())) {
                more.append(more.length() == 0 ? "" : "; ").append(e.field()).append(": ").append(e.getMessage());
            }
            throw new ScenarioError(first.file(), first.field(), first.getMessage() + " [and " + (found.size() - 1)
                    + (found.size() == LIMIT ? " or more" : "") + " more problem(s): " + more + "]");
        }
    }

    private static String name(String f, JsonNode root) throws ScenarioError {
        String name = text(f, "name", root.get("name"), true);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
            // the name labels output files (NAME.OBLIGATION.ENGINE.itf.json): a safe file-name alphabet, nothing else
            throw new ScenarioError(f, "name", "'" + printable(name) + "' is not a scenario name: 1 to 100 of A-Z a-z 0-9 . _ -, "
                    + "starting with a letter or digit (it names the output files)");
        }
        return name;
    }

    private static List<RamRange> ram(String f, JsonNode root) throws ScenarioError {
        List<RamRange> ram = new ArrayList<>();
        JsonNode rams = require(f, "ram", root.get("ram"));
        if (!rams.isArray() || rams.isEmpty()) throw new ScenarioError(f, "ram", "must be a non-empty list of {base, size}");
        Intervals<RamRange> ramSeen = new Intervals<>();
        for (int i = 0; i < rams.size(); i++) {
            String p = "ram[" + i + "]";
            JsonNode n = rams.get(i);
            if (!n.isObject()) throw new ScenarioError(f, p, "must be a mapping {base, size}");
            allowOnly(f, p, n, Set.of("base", "size"));
            long base = number(f, p + ".base", require(f, p + ".base", n.get("base")));
            long size = size(f, p + ".size", require(f, p + ".size", n.get("size")));
            pageAligned(f, p + ".base", base);
            pageAligned(f, p + ".size", size);
            if (size == 0) throw new ScenarioError(f, p + ".size", "must be positive");
            if (Long.compareUnsigned(base + size - 1, base) < 0) throw new ScenarioError(f, p, "range wraps past 2^64");
            if (size < 0) throw new ScenarioError(f, p + ".size", String.format("0x%x: RAM ranges of 2^63 bytes or more are not modelled", size));
            RamRange r = new RamRange(base, size);
            if (ramSeen.overlapping(base, size) != null) throw new ScenarioError(f, p, "overlaps an earlier RAM range");
            ramSeen.add(base, size, r);
            ram.add(r);
        }
        return ram;
    }

    private static List<Segment> segments(String f, JsonNode root, List<RamRange> ram) throws ScenarioError {
        List<Segment> segments = new ArrayList<>();
        Intervals<Segment> segSeen = new Intervals<>();
        JsonNode kimage = require(f, "kimage", root.get("kimage"));
        if (!kimage.isObject()) throw new ScenarioError(f, "kimage", "must be a mapping with 'segments'");
        allowOnly(f, "kimage", kimage, Set.of("segments"));
        JsonNode segs = require(f, "kimage.segments", kimage.get("segments"));
        if (!segs.isArray() || segs.isEmpty()) throw new ScenarioError(f, "kimage.segments", "must be a non-empty list of {name, size, dest}");
        for (int i = 0; i < segs.size(); i++) {
            String p = "kimage.segments[" + i + "]";
            JsonNode n = segs.get(i);
            if (!n.isObject()) throw new ScenarioError(f, p, "must be a mapping {name, size, dest}");
            allowOnly(f, p, n, Set.of("name", "size", "dest"));
            String sn = text(f, p + ".name", n.get("name"), true);
            long size = size(f, p + ".size", require(f, p + ".size", n.get("size")));
            long dest = number(f, p + ".dest", require(f, p + ".dest", n.get("dest")));
            if (size == 0) throw new ScenarioError(f, p + ".size", "must be positive");
            pageAligned(f, p + ".dest", dest);
            long bytes = ((size + 4095) >>> 12) << 12;
            if (bytes == 0 || Long.compareUnsigned(dest + bytes - 1, dest) < 0) throw new ScenarioError(f, p, "segment wraps past 2^64");
            if (ram.stream().noneMatch(r -> r.containsRange(dest, bytes))) {
                throw new ScenarioError(f, p, String.format("destination [0x%x, 0x%x) is not inside one RAM range", dest, dest + bytes));
            }
            Segment clash = segSeen.overlapping(dest, bytes);
            if (clash != null) throw new ScenarioError(f, p + ".dest", "overlaps segment '" + clash.name() + "'");
            Segment sg = new Segment(sn, size, dest);
            segSeen.add(dest, bytes, sg);
            segments.add(sg);
        }
        return segments;
    }

    private static Placement placement(String f, JsonNode root, List<RamRange> ram, Regime regime) throws ScenarioError {
        JsonNode pl = require(f, "placement", root.get("placement"));
        if (!pl.isObject()) throw new ScenarioError(f, "placement", "must be a mapping");
        allowOnly(f, "placement", pl, Set.of("control_pages", "table_pages", "sources", "kimage", "old_kernel", "hyp_stub_vectors", "kernel_vectors"));
        long control = ramAddress(f, "placement.control_pages", pl, ram, true);
        long tablePages = pl.has("table_pages") ? ramAddress(f, "placement.table_pages", pl, ram, true) : -1;
        long sources = ramAddress(f, "placement.sources", pl, ram, true);
        long kimageAt = ramAddress(f, "placement.kimage", pl, ram, false);
        if ((kimageAt & 7) != 0) throw new ScenarioError(f, "placement.kimage", "struct kimage must be 8-byte aligned");
        JsonNode ok = require(f, "placement.old_kernel", pl.get("old_kernel"));
        if (!ok.isObject()) throw new ScenarioError(f, "placement.old_kernel", "must be a mapping {base, size}");
        allowOnly(f, "placement.old_kernel", ok, Set.of("base", "size"));
        long okBase = number(f, "placement.old_kernel.base", require(f, "placement.old_kernel.base", ok.get("base")));
        long okSize = size(f, "placement.old_kernel.size", require(f, "placement.old_kernel.size", ok.get("size")));
        pageAligned(f, "placement.old_kernel.base", okBase);
        if (okSize == 0) throw new ScenarioError(f, "placement.old_kernel.size", "must be positive");
        if (Long.compareUnsigned(okSize, MAX_OLD_KERNEL_BYTES) > 0) {
            throw new ScenarioError(f, "placement.old_kernel.size", "past the 16 GiB the model enumerates page by page");
        }
        if (ram.stream().noneMatch(r -> r.containsRange(okBase, okSize))) throw new ScenarioError(f, "placement.old_kernel", "not inside one RAM range");
        if (pl.has("hyp_stub_vectors") && regime == Regime.EL1_0) {
            throw new ScenarioError(f, "placement.hyp_stub_vectors", "the scenario boots at EL1 (regime: el1): there is no EL2 and no "
                    + "__hyp_stub_vectors to place (give regime: el2 or el2h for a kernel booted at EL2)");
        }
        long stub = pl.has("hyp_stub_vectors") ? number(f, "placement.hyp_stub_vectors", pl.get("hyp_stub_vectors")) : okBase + 0x1000;
        if ((stub & 0x7ff) != 0) throw new ScenarioError(f, "placement.hyp_stub_vectors", "vectors must be 2 KB aligned");
        long kvec = pl.has("kernel_vectors") ? number(f, "placement.kernel_vectors", pl.get("kernel_vectors")) : 0xffff800010010800L;
        if ((kvec & 0x7ff) != 0) throw new ScenarioError(f, "placement.kernel_vectors", "vectors must be 2 KB aligned");
        return new Placement(control, tablePages, sources, kimageAt, okBase, okSize, stub, kvec);
    }

    private static Map<String, String> options(String f, JsonNode tn, String builder) throws ScenarioError {
        Map<String, String> options = new LinkedHashMap<>();
        JsonNode on = tn.get("options");
        if (on != null) {
            if (!on.isObject()) throw new ScenarioError(f, "tables.options", "must be a mapping");
            Iterator<Map.Entry<String, JsonNode>> it = on.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("kimage_reads") || e.getKey().equals("dcache_op")) {
                    throw new ScenarioError(f, "tables.options." + e.getKey(), "no longer an option: when struct kimage is read and which "
                            + "dc op cleans the copies is what the code does; name the code under code: (e.g. asm: designs/relocate_kernel_v5_16_dc_ivac.S)");
                }
                if (!ScenarioBuilders.OPTIONS.contains(e.getKey())) {
                    throw new ScenarioError(f, "tables.options." + e.getKey(), "unknown option (known: " + String.join(", ", ScenarioBuilders.OPTIONS) + ")");
                }
                List<String> takes = ScenarioBuilders.OPTIONS_BY_BUILDER.get(builder);
                if (!takes.contains(e.getKey())) {
                    throw new ScenarioError(f, "tables.options." + e.getKey(), "builder " + builder + " does not use this option ("
                            + (takes.isEmpty() ? "it takes none" : "it takes " + String.join(", ", takes)) + ")");
                }
                if (!e.getValue().isValueNode()) throw new ScenarioError(f, "tables.options." + e.getKey(), "must be a scalar");
                options.put(e.getKey(), e.getValue().asText());
            }
        }
        return options;
    }

    private static List<TableSpec.Mapping> mappings(String f, JsonNode tn, String builder, Regime regime, Map<SysReg, Long> regs) throws ScenarioError {
        List<TableSpec.Mapping> mappings = new ArrayList<>();
        JsonNode mn = tn.get("mappings");
        if (mn != null) {
            if (!builder.equals("explicit")) {
                throw new ScenarioError(f, "tables.mappings", "builder " + builder + " builds its own tables and does not use mappings "
                        + "(mappings belong with builder: explicit; to change a built descriptor, give tables.entries)");
            }
            if (!mn.isArray()) throw new ScenarioError(f, "tables.mappings", "must be a list");
            for (int i = 0; i < mn.size(); i++) {
                String p = "tables.mappings[" + i + "]";
                JsonNode n = mn.get(i);
                if (!n.isObject()) throw new ScenarioError(f, p, "must be a mapping {va, pa, size, prot|attrs}");
                allowOnly(f, p, n, Set.of("va", "pa", "size", "prot", "attrs"));
                long va = number(f, p + ".va", require(f, p + ".va", n.get("va")));
                long pa = n.has("pa") ? number(f, p + ".pa", n.get("pa")) : va;
                long size = n.has("size") ? size(f, p + ".size", n.get("size")) : 4096;
                pageAligned(f, p + ".va", va);
                pageAligned(f, p + ".pa", pa);
                if (Long.compareUnsigned(size, 1L << 40) > 0) throw new ScenarioError(f, p + ".size", "page-by-page explicit mappings are limited to 1 TiB");
                long attrs;
                if (n.has("prot") == n.has("attrs")) throw new ScenarioError(f, p, "give exactly one of 'prot' (a Linux pgprot) or 'attrs' (raw bits)");
                if (n.has("prot")) {
                    // PTE_ATTRINDX(MT_NORMAL) as the kernel running with this scenario's MAIR encodes it
                    SysReg mairReg = regime.el() == 1 ? SysReg.MAIR_EL1 : SysReg.MAIR_EL2;
                    Long mair = regs.get(mairReg);
                    int mtNormal = mair == null ? -1 : org.kexecverify.model.desc.LinuxMair.mtNormalIndex(mair);
                    if (mtNormal < 0) throw new ScenarioError(f, p + ".prot", mair == null
                            ? "a Linux pgprot needs registers." + mairReg.name() + " (MT_NORMAL's AttrIndx comes from it)"
                            : String.format("registers.%s = 0x%x has no Normal Write-Back attribute (0xff) for MT_NORMAL", mairReg.name(), mair));
                    try {
                        attrs = org.kexecverify.model.desc.PgprotExpression.attributes(n.get("prot").asText(), mtNormal);
                    } catch (IllegalArgumentException e) {
                        throw new ScenarioError(f, p + ".prot", e.getMessage());
                    }
                } else {
                    attrs = number(f, p + ".attrs", n.get("attrs"));
                }
                long pages = (size + 4095) >>> 12;
                if (size == 0) throw new ScenarioError(f, p + ".size", "must be positive");
                if (Long.compareUnsigned(va + pages * 4096 - 1, va) < 0) throw new ScenarioError(f, p, "VA range wraps past 2^64");
                for (TableSpec.Mapping o : mappings) {
                    if (overlaps(o.va(), ((o.size() + 4095) >>> 12) * 4096, va, pages * 4096)) {
                        throw new ScenarioError(f, p + ".va", "overlaps " + o.field() + ": a VA is mapped once");
                    }
                }
                mappings.add(new TableSpec.Mapping(p, va, pa, size, attrs));
            }
        }
        return mappings;
    }

    private static List<TableSpec.RawEntry> entries(String f, JsonNode tn, List<RamRange> ram) throws ScenarioError {
        List<TableSpec.RawEntry> entries = new ArrayList<>();
        JsonNode en = tn.get("entries");
        if (en != null) {
            if (!en.isArray()) throw new ScenarioError(f, "tables.entries", "must be a list");
            for (int i = 0; i < en.size(); i++) {
                String p = "tables.entries[" + i + "]";
                JsonNode n = en.get(i);
                if (!n.isObject()) throw new ScenarioError(f, p, "must be a mapping {address, value}");
                allowOnly(f, p, n, Set.of("address", "value"));
                long a = number(f, p + ".address", require(f, p + ".address", n.get("address")));
                if ((a & 7) != 0) throw new ScenarioError(f, p + ".address", "descriptor address must be 8-byte aligned");
                if (ram.stream().noneMatch(r -> r.contains(a))) throw new ScenarioError(f, p + ".address", "outside RAM");
                entries.add(new TableSpec.RawEntry(p, a, number(f, p + ".value", require(f, p + ".value", n.get("value")))));
            }
        }
        return entries;
    }

    private static final Pattern SYMBOL = Pattern.compile("[A-Za-z_.$][A-Za-z0-9_.$]*+");

    /** The {@code code:} section: where the machine code comes from, its entry and vectors, the struct kimage offsets. */
    static CodeSpec code(String f, JsonNode n) throws ScenarioError {
        if (n == null || !n.isObject()) throw new ScenarioError(f, "code", "must be a mapping (kernel: | objects: | image: + symbols: | asm:, entry:, ...)");
        allowOnly(f, "code", n, Set.of("kernel", "objects", "image", "symbols", "asm", "entry", "vectors", "offsets", "asm_offsets", "version"));
        List<String> sources = new ArrayList<>();
        for (String k : List.of("kernel", "objects", "image", "asm")) {
            if (n.has(k)) sources.add(k);
        }
        if (sources.isEmpty()) throw new ScenarioError(f, "code", "names no code: give one of kernel: (bookworm | trixie), objects:, image: + symbols:, asm:");
        if (sources.size() > 1) throw new ScenarioError(f, "code." + sources.get(1), "give one source of code, not both " + sources.get(0) + " and " + sources.get(1));
        if (n.has("symbols") && !n.has("image")) throw new ScenarioError(f, "code.symbols", "belongs with image: (a System.map or kallsyms of that Image)");
        CodeSpec.Source source;
        switch (sources.get(0)) {
            case "kernel" -> {
                String suite = text(f, "code.kernel", n.get("kernel"), true);
                if (!CodeSpec.DebianKernel.SUITES.containsKey(suite)) {
                    throw new ScenarioError(f, "code.kernel", "unknown Debian suite '" + suite + "' (known: bookworm = Linux 6.1, trixie = Linux 6.12)");
                }
                source = new CodeSpec.DebianKernel(suite);
            }
            case "objects" -> {
                JsonNode o = n.get("objects");
                if (o == null || !o.isArray() || o.isEmpty()) throw new ScenarioError(f, "code.objects", "must be a non-empty list of ELF files (objects or a vmlinux)");
                List<String> files = new ArrayList<>();
                for (int i = 0; i < o.size(); i++) files.add(text(f, "code.objects[" + i + "]", o.get(i), true));
                source = new CodeSpec.Objects(files);
            }
            case "image" -> source = new CodeSpec.ImageWithSymbols(text(f, "code.image", n.get("image"), true),
                    text(f, "code.symbols", n.get("symbols"), true));
            default -> {
                JsonNode a = n.get("asm");
                List<String> files = new ArrayList<>();
                if (a != null && a.isArray()) {
                    if (a.isEmpty()) throw new ScenarioError(f, "code.asm", "must be a .S file or a non-empty list of them");
                    for (int i = 0; i < a.size(); i++) files.add(text(f, "code.asm[" + i + "]", a.get(i), true));
                } else {
                    files.add(text(f, "code.asm", a, true));
                }
                source = new CodeSpec.Assembly(files);
            }
        }
        String entry = text(f, "code.entry", n.get("entry"), true);
        if (!SYMBOL.matcher(entry).matches()) throw new ScenarioError(f, "code.entry", "'" + entry + "' is not a symbol name");
        String vectors = null;
        if (n.has("vectors")) {
            vectors = text(f, "code.vectors", n.get("vectors"), true);
            if (!SYMBOL.matcher(vectors).matches()) throw new ScenarioError(f, "code.vectors", "'" + vectors + "' is not a symbol name");
        }
        if (n.has("offsets") && n.has("asm_offsets")) throw new ScenarioError(f, "code.asm_offsets", "give offsets: or asm_offsets:, not both");
        CodeSpec.Offsets offsets = new CodeSpec.FromCode();
        if (n.has("offsets")) {
            JsonNode o = n.get("offsets");
            if (!o.isObject()) throw new ScenarioError(f, "code.offsets", "must be a mapping KIMAGE_NAME: byte offset");
            Map<String, Long> v = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = o.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!List.of(KimageOffsets.NAMES).contains(e.getKey())) {
                    throw new ScenarioError(f, "code.offsets." + e.getKey(), "unknown field (known: " + String.join(", ", KimageOffsets.NAMES) + ")");
                }
                v.put(e.getKey(), number(f, "code.offsets." + e.getKey(), e.getValue()));
            }
            try {
                KimageOffsets.of(v);
            } catch (IllegalArgumentException e) {
                throw new ScenarioError(f, "code.offsets", e.getMessage());
            }
            offsets = new CodeSpec.Given(v);
        } else if (n.has("asm_offsets")) {
            offsets = new CodeSpec.Header(text(f, "code.asm_offsets", n.get("asm_offsets"), true));
        } else if (source instanceof CodeSpec.Objects || source instanceof CodeSpec.ImageWithSymbols) {
            throw new ScenarioError(f, "code.offsets", "missing: " + (source instanceof CodeSpec.Objects ? "objects" : "an Image")
                    + " carry no struct kimage offsets; give offsets: {KIMAGE_HEAD: 0, ...} or asm_offsets: (a build's include/generated/asm-offsets.h)");
        }
        String version = null;
        if (n.has("version")) {
            JsonNode v = n.get("version");
            if (v.isNumber()) throw new ScenarioError(f, "code.version", "must be a quoted string (\"" + v.asText() + "\"): YAML reads 6.10 as the number 6.1");
            version = text(f, "code.version", v, true);
            if (!version.matches("\\d+\\.\\d+[0-9A-Za-z.+~-]*")) throw new ScenarioError(f, "code.version", "'" + version + "' is not a kernel version such as 6.1 or 6.12.117");
        }
        return new CodeSpec(source, entry, vectors, offsets, version);
    }

    // ---- field helpers --------------------------------------------------------------------------

    private static void allowOnly(String f, String path, JsonNode n, Set<String> keys) throws ScenarioError {
        Iterator<String> it = n.fieldNames();
        while (it.hasNext()) {
            String k = it.next();
            if (!keys.contains(k)) throw new ScenarioError(f, (path.isEmpty() ? "" : path + ".") + k, "unknown field");
        }
    }

    private static JsonNode require(String f, String path, JsonNode n) throws ScenarioError {
        if (n == null || n.isNull()) throw new ScenarioError(f, path, "missing");
        return n;
    }

    private static String text(String f, String path, JsonNode n, boolean required) throws ScenarioError {
        if (n == null || n.isNull()) {
            if (required) throw new ScenarioError(f, path, "missing");
            return "";
        }
        if (!n.isTextual()) throw new ScenarioError(f, path, "must be a string");
        if (required && n.asText().isBlank()) throw new ScenarioError(f, path, "must not be empty");
        String bad = badCharacter(n.asText(), path.equals("dump") || path.equals("description"));
        if (bad != null) throw new ScenarioError(f, path, "contains " + bad + " (only printable text is read)");
        return n.asText();
    }

    /** Read-only registers that describe the machine rather than the design: ID registers, CTR_EL0, CurrentEL. */
    public static boolean describesTheCpu(SysReg r) {
        return r.name().startsWith("ID_") || r == SysReg.CTR_EL0 || r == SysReg.CURRENTEL;
    }

    /**
     * The first character of {@code s} a scenario string may not hold, described ({@code "U+0000 at character 4"}), or
     * null: control characters (tab and line breaks only where {@code multiline}), and lone surrogates.
     */
    static String badCharacter(String s, boolean multiline) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            boolean ok;
            if (Character.isHighSurrogate(ch)) {
                ok = i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
                if (ok) {
                    i++;
                    continue;
                }
            } else if (Character.isLowSurrogate(ch)) {
                ok = false;
            } else if (multiline && (ch == '\n' || ch == '\t' || ch == '\r')) {
                ok = true;
            } else {
                ok = !Character.isISOControl(ch);
            }
            if (!ok) return String.format("%s U+%04X at character %d", Character.isSurrogate(ch) ? "a lone surrogate" : "the control character", (int) ch, i + 1);
        }
        return null;
    }

    /** An unsigned 64-bit number: YAML int or string in hex/binary/decimal. */
    static long number(String f, String path, JsonNode n) throws ScenarioError {
        if (n.isTextual() && n.asText().length() > MAX_NUMBER_CHARS) {
            throw new ScenarioError(f, path, "value of " + n.asText().length() + " characters is wider than 64 bits");
        }
        try {
            if (n.isIntegralNumber()) return U64.fit(n.bigIntegerValue(), n.asText());
            if (n.isTextual()) return U64.parse(n.asText());
        } catch (IllegalArgumentException e) {
            throw new ScenarioError(f, path, "value " + e.getMessage());
        }
        throw new ScenarioError(f, path, "must be a number, got " + n.getNodeType().name().toLowerCase(Locale.ROOT));
    }

    /** A size: number of bytes, or with a K/M/G/T/P suffix (binary units). */
    static long size(String f, String path, JsonNode n) throws ScenarioError {
        if (n.isIntegralNumber()) return number(f, path, n);
        if (!n.isTextual()) throw new ScenarioError(f, path, "must be a size such as 25M, 4G or 0x1000");
        if (n.asText().length() > MAX_NUMBER_CHARS) throw new ScenarioError(f, path, "value of " + n.asText().length() + " characters is not a size (too long for 64 bits)");
        Matcher m = SIZE.matcher(n.asText());
        if (!m.matches()) throw new ScenarioError(f, path, "value '" + n.asText() + "' is not a size (e.g. 25M, 4G, 0x1000)");
        String num = m.group(1).replace("_", "");
        if (num.isEmpty() || num.equalsIgnoreCase("0x")) throw new ScenarioError(f, path, "value '" + n.asText() + "' has no digits");
        BigInteger v = num.toLowerCase(Locale.ROOT).startsWith("0x") ? new BigInteger(num.substring(2), 16) : new BigInteger(num);
        String unit = m.group(2) == null ? "" : m.group(2).substring(0, 1).toLowerCase(Locale.ROOT);
        int shift = switch (unit) {
            case "k" -> 10; case "m" -> 20; case "g" -> 30; case "t" -> 40; case "p" -> 50; default -> 0;
        };
        v = v.shiftLeft(shift);
        try {
            return U64.fit(v, n.asText());
        } catch (IllegalArgumentException e) {
            throw new ScenarioError(f, path, "size '" + n.asText() + "' is past 2^64");
        }
    }

    private static void pageAligned(String f, String path, long v) throws ScenarioError {
        if ((v & 0xfff) != 0) throw new ScenarioError(f, path, String.format("0x%x is not 4 KB aligned", v));
    }

    private static long ramAddress(String f, String path, JsonNode parent, List<RamRange> ram, boolean page) throws ScenarioError {
        String key = path.substring(path.lastIndexOf('.') + 1);
        long v = number(f, path, require(f, path, parent.get(key)));
        if (page) pageAligned(f, path, v);
        if (ram.stream().noneMatch(r -> r.contains(v))) throw new ScenarioError(f, path, String.format("0x%x is outside RAM", v));
        return v;
    }

    /** Whether [a, a + alen) and [b, b + blen) share a byte; unsigned, inclusive ends, so a range ending at 2^64 is compared right. */
    static boolean overlaps(long a, long alen, long b, long blen) {
        if (alen == 0 || blen == 0) return false;
        return Long.compareUnsigned(a, b + blen - 1) <= 0 && Long.compareUnsigned(b, a + alen - 1) <= 0;
    }

    /**
     * Disjoint address ranges by base (unsigned), for overlap checks in O(log n) each: a new range overlaps some
     * range iff it overlaps its floor or ceiling neighbour, since the ranges held are disjoint.
     */
    static final class Intervals<T> {
        private record Item<T>(long base, long len, T value) {}

        private final java.util.TreeMap<Long, Item<T>> byBase = new java.util.TreeMap<>(Long::compareUnsigned);

        T overlapping(long base, long len) {
            var lo = byBase.floorEntry(base);
            if (lo != null && overlaps(lo.getValue().base(), lo.getValue().len(), base, len)) return lo.getValue().value();
            var hi = byBase.ceilingEntry(base);
            if (hi != null && overlaps(hi.getValue().base(), hi.getValue().len(), base, len)) return hi.getValue().value();
            return null;
        }

        void add(long base, long len, T value) {
            byBase.put(base, new Item<>(base, len, value));
        }
    }

    /** {@code s} with control characters, non-ASCII and overlong tails shown as escapes, for one-line messages. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 60; i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f) b.append(c);
            else b.append(String.format("\\u%04x", (int) c));
        }
        return b.length() < 60 ? b.toString() : b + "...";
    }
}
