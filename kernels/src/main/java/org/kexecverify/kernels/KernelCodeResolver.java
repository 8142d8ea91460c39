package org.kexecverify.kernels;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.kexecverify.kernels.debian.DebianArchive.Suite;
import org.kexecverify.kernels.debian.DebianArchive.Unavailable;
import org.kexecverify.kernels.debian.DebianKernelBuild;
import org.kexecverify.kernels.debian.DebianKernelBuild.Built;
import org.kexecverify.model.program.ArmImage;
import org.kexecverify.model.program.AsmOffsets;
import org.kexecverify.model.program.CodeReader;
import org.kexecverify.model.program.CodeResolver;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.DesignCode.Blob;
import org.kexecverify.model.program.Elf64;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.SymbolMap;

/**
 * The {@link CodeResolver} of the tool: Debian's kernels (fetched and built on first use), ELF objects or a vmlinux,
 * an Image with a System.map or kallsyms, a project .S assembled with GNU as. Relative paths are read from the
 * scenario's directory.
 */
public final class KernelCodeResolver implements CodeResolver {
    /** Vector tables taken along when the code provides them: the old kernel's EL2 stub (hyp-stub.S). */
    public static final List<String> EXTRA_VECTORS = List.of("__hyp_stub_vectors");
    /** GNU as for aarch64; the system property {@code kexecverify.gnu-as} names another (a path or a command). */
    public static final String GNU_AS = "aarch64-linux-gnu-as";

    private static String gnuAs() {
        return System.getProperty("kexecverify.gnu-as", GNU_AS);
    }

    @Override
    public DesignCode resolve(CodeSpec spec, Path scenarioDir) throws CodeUnavailable, BadCode {
        Path dir = scenarioDir == null ? Path.of(".") : scenarioDir;
        DesignCode c;
        if (spec.source() instanceof CodeSpec.DebianKernel d) {
            c = debian(spec, d, dir);
        } else if (spec.source() instanceof CodeSpec.Objects o) {
            c = objects(spec, o, dir);
        } else if (spec.source() instanceof CodeSpec.ImageWithSymbols i) {
            c = image(spec, i, dir);
        } else if (spec.source() instanceof CodeSpec.Assembly a) {
            c = assembly(spec, a, dir);
        } else {
            throw new IllegalStateException("unknown code source " + spec.source());
        }
        checkVersion(spec, c);
        return c;
    }

    // ---- Debian ------------------------------------------------------------------------------------

    private DesignCode debian(CodeSpec spec, CodeSpec.DebianKernel d, Path dir) throws CodeUnavailable, BadCode {
        Suite suite;
        try {
            suite = Suite.of(d.suite());
        } catch (IllegalArgumentException e) {
            throw new BadCode("code.kernel", e.getMessage());
        }
        Built b;
        try {
            b = DebianKernelBuild.get(suite);
        } catch (Unavailable e) {
            throw new CodeUnavailable(e.getMessage());
        }
        List<Elf64> elves = new ArrayList<>();
        for (Path f : b.objects()) elves.add(elf(f));
        Map<String, Blob> blobs = CodeReader.fromObjects(elves, spec.entry(), spec.vectors(), EXTRA_VECTORS);
        StringBuilder origin = new StringBuilder();
        origin.append("Debian ").append(suite.codename()).append(' ').append(b.get("image.package")).append(' ').append(b.get("image.version"))
                .append(": ").append(String.join(", ", DebianKernelBuild.OBJECTS.stream().map(o -> Path.of(o).getFileName().toString()).toList()))
                .append(" built from ").append(b.get("source.package")).append(' ').append(b.get("source.version")).append(" with ")
                .append(b.get("config").replaceAll(" options differ.*", " options changed")).append(" (").append(b.get("compiler")).append(')');
        String image = b.get("image.file");
        for (Blob x : blobs.values()) {
            String at = b.imageOffsets(x.sha256());
            boolean entry = x.name().equals(spec.entry());
            if (at.isEmpty()) {
                origin.append("; ").append(x.name()).append(": not looked for in ").append(image);
            } else if (at.equals("none") || at.contains(",")) {
                String why = String.format("%s as built from %s (%d bytes, sha256 %s) occurs %s in Debian's %s", x.name(), b.get("source.package"),
                        x.size(), x.sha256(), at.equals("none") ? "nowhere" : at.split(",").length + " times (" + at + ")", image);
                if (entry) throw new CodeUnavailable(why + ": that build is not the code Debian ships, so it is not used");
                origin.append("; ").append(why);
            } else {
                origin.append("; ").append(x.name()).append(entry ? ": the same bytes at offset " : " at offset ").append(at).append(" of ").append(image);
            }
        }
        if (!b.note().isEmpty()) origin.append("; ").append(b.note());
        KimageOffsets off = offsets(spec, dir, () -> AsmOffsets.kimage(b.asmOffsets().toString(), read(b.asmOffsets())));
        return new DesignCode(origin.toString(), b.kernelVersion(), spec.entry(), spec.vectors(), off, blobs);
    }

    // ---- files ---------------------------------------------------------------------------------------

    private DesignCode objects(CodeSpec spec, CodeSpec.Objects o, Path dir) throws BadCode {
        List<Elf64> elves = new ArrayList<>();
        String version = null;
        for (String f : o.files()) {
            Path p = dir.resolve(f);
            byte[] bytes = bytes(p);
            Elf64 e = Elf64.parse(p.toString(), bytes);
            elves.add(e);
            if (!e.relocatable() && version == null) version = ArmImage.version(bytes).orElse(null);
        }
        Map<String, Blob> blobs = CodeReader.fromObjects(elves, spec.entry(), spec.vectors(), EXTRA_VECTORS);
        KimageOffsets off = offsets(spec, dir, () -> CodeReader.offsetsFromSymbols(elves));
        String origin = "ELF " + String.join(", ", elves.stream().map(Elf64::file).toList());
        return new DesignCode(origin, version(version, spec), spec.entry(), spec.vectors(), off, blobs);
    }

    private DesignCode image(CodeSpec spec, CodeSpec.ImageWithSymbols i, Path dir) throws BadCode {
        Path ip = dir.resolve(i.image());
        Path mp = dir.resolve(i.symbols());
        ArmImage img = ArmImage.parse(ip.toString(), bytes(ip));
        SymbolMap map = SymbolMap.parse(mp.toString(), read(mp));
        Map<String, Blob> blobs = CodeReader.fromImage(img, map, spec.entry(), spec.vectors(), EXTRA_VECTORS);
        KimageOffsets off = offsets(spec, dir, () -> {
            throw new BadCode(ip.toString(), "an Image carries no struct kimage offsets: give offsets: or asm_offsets: in the scenario's code section");
        });
        Blob e = blobs.get(spec.entry());
        String origin = String.format("Image %s with symbols from %s (%s at file offset 0x%x)", ip, mp, spec.entry(), e.fileOffset() + e.entryOffset());
        return new DesignCode(origin, version(img.version().orElse(null), spec), spec.entry(), spec.vectors(), off, blobs);
    }

    private DesignCode assembly(CodeSpec spec, CodeSpec.Assembly a, Path dir) throws CodeUnavailable, BadCode {
        List<Elf64> objects = new java.util.ArrayList<>();
        List<String> names = new java.util.ArrayList<>();
        for (String f : a.files()) {
            Path src = dir.resolve(f).normalize();
            objects.add(assemble(src));
            names.add(src.toString());
        }
        Map<String, Blob> blobs = CodeReader.fromObjects(objects, spec.entry(), spec.vectors(), EXTRA_VECTORS);
        KimageOffsets off = offsets(spec, dir, () -> CodeReader.offsetsFromSymbols(objects));
        String origin = "project assembly " + String.join(" + ", names) + (spec.version() == null ? "" : " (in the shape of Linux " + spec.version() + ")");
        return new DesignCode(origin, "project", spec.entry(), spec.vectors(), off, blobs);
    }

    /** One project .S assembled by GNU as into an object, read back. */
    private Elf64 assemble(Path src) throws CodeUnavailable, BadCode {
        if (!Files.isRegularFile(src)) throw new BadCode(src.toString(), "cannot read (no such file)");
        String as = gnuAs();
        if (!onPath(as)) {
            throw new CodeUnavailable("assembling " + src + " needs GNU as for aarch64 (" + as + " not found; apt-get install binutils-aarch64-linux-gnu)");
        }
        Path tmp = null;
        try {
            tmp = Files.createTempFile("kexec-verify-asm", ".o");
            Process p = new ProcessBuilder(as, "-o", tmp.toString(), src.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new CodeUnavailable(as + " " + src + " ran past 120 s");
            }
            if (p.exitValue() != 0) {
                String err = out.lines().filter(l -> l.contains("Error")).findFirst().orElse(out.strip().lines().reduce((x, y) -> y).orElse(""));
                String prefix = src + ":";
                if (err.startsWith(prefix)) err = "line " + err.substring(prefix.length());
                throw new BadCode(src.toString(), as + ": " + err.strip());
            }
            return Elf64.parse(src + " (assembled by " + as + ")", Files.readAllBytes(tmp));
        } catch (IOException e) {
            throw new CodeUnavailable(GNU_AS + " " + src + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CodeUnavailable(GNU_AS + " interrupted");
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file left behind
                }
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    private interface FromCode {
        KimageOffsets get() throws BadCode;
    }

    private static KimageOffsets offsets(CodeSpec spec, Path dir, FromCode fromCode) throws BadCode {
        CodeSpec.Offsets o = spec.offsets() == null ? new CodeSpec.FromCode() : spec.offsets();
        if (o instanceof CodeSpec.Given g) return AsmOffsets.of("code.offsets", g.values());
        if (o instanceof CodeSpec.Header h) {
            Path p = dir.resolve(h.file());
            return AsmOffsets.kimage(p.toString(), read(p));
        }
        return fromCode.get();
    }

    private static String version(String found, CodeSpec spec) {
        if (found != null) return found;
        return spec.version() == null ? "unstated" : spec.version() + " (as the scenario states)";
    }

    /** A version the scenario states must be the code's: "6.1" fits "6.1.192-3 (...)", not "6.12.118-1". */
    private static void checkVersion(CodeSpec spec, DesignCode c) throws BadCode {
        String want = spec.version();
        if (want == null || spec.source() instanceof CodeSpec.Assembly) return;
        String have = c.kernelVersion();
        if (have.equals("unstated") || have.endsWith("(as the scenario states)")) return;
        if (!(have.equals(want) || have.startsWith(want + ".") || have.startsWith(want + "-") || have.startsWith(want + " "))) {
            throw new BadCode("code.version", "the scenario says " + want + " but the code is " + have + " (" + c.origin().split(":")[0] + ")");
        }
    }

    private static Elf64 elf(Path p) throws BadCode {
        return Elf64.parse(p.toString(), bytes(p));
    }

    private static byte[] bytes(Path p) throws BadCode {
        try {
            if (Files.size(p) > (1L << 30)) throw new BadCode(p.toString(), "larger than 1 GiB: not a kernel Image or object");
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new BadCode(p.toString(), "cannot read (" + (e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage()) + ")");
        }
    }

    private static String read(Path p) throws BadCode {
        return new String(bytes(p), StandardCharsets.UTF_8);
    }

    static boolean onPath(String cmd) {
        if (cmd.contains("/")) return Files.isExecutable(Path.of(cmd));
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, cmd))) return true;
        }
        return false;
    }
}
