package org.kexecverify.groundtruth.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.kexecverify.model.capture.Capture;
import org.kexecverify.model.desc.DescriptorBits;
import org.kexecverify.model.kimage.KimageList;
import org.kexecverify.model.mem.DescriptorSource;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Granule;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;

/**
 * Reads, at the stop at {@code kimage->arch.kern_reloc} ({@link StopAtRelocation}), the memory the relocation uses:
 * struct kimage, every table page reachable from TTBR0 (the idmap) and {@code kimage->arch.ttbr1} (the linear-map
 * copy), the zero page, the entry list's indirection pages, the control pages holding the code and the EL2 vectors,
 * the source pages (hashed; kept when asked), and where the running kernel sits (walked through its own TTBR1 with
 * the models' {@code Walker}). Optionally it then lets the relocation run to {@code kimage->start} (the new image's
 * first instruction) and hashes every destination page there.
 *
 * <pre>
 *   stop at kern_reloc --(physical reads through the gdbstub)--> pages, list, hashes
 *       [--Z1 kimage->start, continue--> stop at the new image: destination page hashes]  --> detach
 * </pre>
 */
public final class CaptureAtRelocation implements StopAtRelocation.AtRelocation {
    /** QEMU virt's RAM base; the tier runs {@code -m 2048}. */
    public static final long RAM_BASE = 0x4000_0000L;
    public static final long RAM_SIZE = 2048L << 20;
    /** struct kimage is a kmalloc-1k object: the slot that is captured (the rest of its page holds other objects). */
    public static final int KIMAGE_SLOT = 1024;

    private final boolean keepSources;
    private final boolean toNewImage;
    private Captured captured;

    /** What was read. Pages are 512 little-endian words; code pages are raw bytes (in memory only, never written out). */
    public record Captured(RelocationState state, long kimagePa, byte[] kimageSlot, Map<Long, long[]> pages, Map<Long, String> notes,
                           long head, List<KimageList.Copy> copies, List<Long> indirection, List<Capture.SourceHash> sourceHashes,
                           Map<Long, long[]> sources, byte[] codePage, byte[] vectorPage, long textPa, long imageSize, long hypStubPa,
                           Map<Long, String> destinationHashAtStart, String stopAtStart, Duration readTime) {
    }

    public CaptureAtRelocation(boolean keepSources, boolean toNewImage) {
        this.keepSources = keepSources;
        this.toNewImage = toNewImage;
    }

    public Captured captured() {
        return captured;
    }

    /** Physical reads through the gdbstub, page by page, cached. */
    private static final class GdbPages implements DescriptorSource {
        final GdbRemote gdb;
        final Map<Long, long[]> cache = new HashMap<>();

        GdbPages(GdbRemote gdb) {
            this.gdb = gdb;
        }

        long[] page(long pa) {
            return cache.computeIfAbsent(pa & ~0xfffL, p -> {
                try {
                    return words(gdb.readMemory(p, 4096));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        @Override
        public boolean isRam(long pa, long len) {
            return Long.compareUnsigned(pa, RAM_BASE) >= 0 && Long.compareUnsigned(pa + len, RAM_BASE + RAM_SIZE) <= 0;
        }

        @Override
        public long read64(long pa) {
            return page(pa)[(int) ((pa & 0xfff) >>> 3)];
        }
    }

    /** Little-endian 64-bit words of {@code b}. */
    public static long[] wordsOf(byte[] b) {
        return words(b);
    }

    static long[] words(byte[] b) {
        long[] w = new long[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(w);
        return w;
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Why the capture failed ("" when it did not): the machine goes on either way, so the run still ends. */
    public String failure() {
        return failure;
    }

    private String failure = "";

    @Override
    public void at(RelocationState st, GdbRemote gdb) throws IOException {
        try {
            read(st, gdb);
        } catch (IOException | RuntimeException e) {
            failure = String.valueOf(e.getMessage());
            try {
                gdb.physicalMemory(false);
            } catch (IOException ignored) {
                // detaching is what matters
            }
        }
    }

    private void read(RelocationState st, GdbRemote gdb) throws IOException {
        long t0 = System.nanoTime();
        Map<String, Long> arch = st.arch();
        long physOffset = arch.get("phys_offset");
        long kimagePa = st.kimage() + physOffset;
        boolean vhe = st.currentEl() == 2;
        String x = vhe ? "_EL2" : "_EL1";
        Regime regime = vhe ? Regime.EL2_0 : Regime.EL1_0;
        long sctlr = vhe ? st.sysreg("SCTLR_EL2") : st.sysreg("SCTLR");
        long tcr = st.sysreg("TCR" + x);
        long mair = st.sysreg("MAIR" + x);
        long mmfr0 = st.sysregs().getOrDefault("ID_AA64MMFR0_EL1", TranslationRegs.MMFR0_48BIT);
        TranslationRegs live = new TranslationRegs(regime, sctlr, tcr, mair, st.sysreg("TTBR0" + x), st.sysreg("TTBR1" + x), mmfr0);
        TranslationRegs reloc = live.withTtbr1(arch.get("ttbr1"));
        gdb.physicalMemory(true);
        try {
            GdbPages mem = new GdbPages(gdb);
            Map<Long, long[]> pages = new TreeMap<>();
            Map<Long, String> notes = new LinkedHashMap<>();
            byte[] slot = gdb.readMemory(kimagePa, KIMAGE_SLOT);
            long[] kpage = new long[512];
            long[] sw = words(slot);
            System.arraycopy(sw, 0, kpage, (int) ((kimagePa & 0xfff) >>> 3), sw.length);
            pages.put(kimagePa & ~0xfffL, kpage);
            notes.put(kimagePa & ~0xfffL, String.format("struct kimage at +0x%x (its %d-byte kmalloc slot; the rest of the page is not captured)",
                    kimagePa & 0xfff, KIMAGE_SLOT));
            tables(mem, reloc, 0, "TTBR0" + x + " idmap (kimage->arch.ttbr0)", pages, notes);
            tables(mem, reloc, 1, "TTBR1 linear-map copy (kimage->arch.ttbr1)", pages, notes);
            long zero = arch.get("zero_page");
            if (zero != 0) {
                pages.put(zero, mem.page(zero).clone());
                notes.put(zero, "zero page (kimage->arch.zero_page, empty_zero_page)");
            }
            // the entry list, as relocate_kernel.S walks it
            long head = ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
            List<KimageList.Copy> copies = new ArrayList<>();
            List<Long> ind = new ArrayList<>();
            long entry = head;
            long ptr = -1;
            long dest = -1;
            for (int n = 0; (entry & KimageList.IND_DONE) == 0; n++) {
                if (n > 1 << 22) throw new IOException("entry list without IND_DONE after " + n + " entries");
                long a = entry & KimageList.PAGE_MASK;
                if ((entry & KimageList.IND_INDIRECTION) != 0) {
                    if (ind.contains(a)) throw new IOException(String.format("entry list loops at 0x%x", a));
                    ind.add(a);
                    pages.put(a, mem.page(a).clone());
                    notes.put(a, "indirection page " + ind.size() + " of the entry list");
                    ptr = a;
                } else if ((entry & KimageList.IND_DESTINATION) != 0) {
                    dest = a;
                } else if ((entry & KimageList.IND_SOURCE) != 0) {
                    copies.add(new KimageList.Copy(a, dest));
                    dest += 4096;
                }
                if (ptr < 0) throw new IOException(String.format("kimage->head 0x%x is not an indirection entry", head));
                entry = mem.read64(ptr);
                ptr += 8;
            }
            // sources by hash: SHA-256 over each destination run's source pages, in list order
            List<Capture.SourceHash> srcHash = new ArrayList<>();
            Map<Long, long[]> sources = new LinkedHashMap<>();
            MessageDigest md = null;
            long runStart = -1;
            long runPages = 0;
            for (KimageList.Copy c : copies) {
                if (md == null || c.destination() != runStart + 4096 * runPages) {
                    if (md != null) srcHash.add(new Capture.SourceHash(runStart, runPages, HexFormat.of().formatHex(md.digest())));
                    md = digest();
                    runStart = c.destination();
                    runPages = 0;
                }
                byte[] b = gdb.readMemory(c.source(), 4096);
                md.update(b);
                runPages++;
                if (keepSources) sources.put(c.source(), words(b));
            }
            if (md != null) srcHash.add(new Capture.SourceHash(runStart, runPages, HexFormat.of().formatHex(md.digest())));
            long kernReloc = arch.get("kern_reloc");
            byte[] codePage = gdb.readMemory(kernReloc & ~0xfffL, 4096);
            long el2v = arch.get("el2_vectors");
            byte[] vecPage = el2v == 0 ? null : gdb.readMemory(el2v & ~0xfffL, 4096);
            // the running kernel, through its own TTBR1 (swapper_pg_dir)
            Map<String, Long> sym = st.symbols();
            // _text (6.1's kallsyms lines lack it: the Image is placed at a 2 MiB boundary below _stext), where the Image header
            // sits: "ARM\x64" at +56, image_size at +16
            // [_text, _stext) is not mapped once the kernel has remapped its segments: translate _stext, the Image is contiguous
            long stext = sym.getOrDefault("_stext", 0L);
            long text = sym.containsKey("_text") ? sym.get("_text") : stext & ~0x1f_ffffL;
            long stextPa = pa(mem, live, stext);
            long textPa = stextPa < 0 ? -1 : stextPa - (stext - text);
            long stubPa = pa(mem, live, sym.getOrDefault("__hyp_stub_vectors", 0L));
            long imageSize = textPa < 0 || (int) mem.read64(textPa + 56) != 0x644d5241 ? 0 : mem.read64(textPa + 16);
            if (textPa < 0) throw new IOException(String.format("_stext 0x%x does not translate through the running kernel's TTBR1", stext));
            Duration read = Duration.ofNanos(System.nanoTime() - t0);
            Map<Long, String> atStart = new LinkedHashMap<>();
            String stopAtStart = "";
            if (toNewImage) {
                long start = arch.getOrDefault("start", ByteBuffer.wrap(slot).order(ByteOrder.LITTLE_ENDIAN).getLong(24));
                gdb.physicalMemory(false);
                gdb.insertHardwareBreakpoint(start);
                String why = gdb.resume(Duration.ofMinutes(2));
                long pc = gdb.readRegister("pc");
                gdb.removeHardwareBreakpoint(start);
                stopAtStart = String.format("stopped at 0x%x (%s), CPSR 0x%x (EL%d)", pc, why, gdb.readRegister("cpsr"), (gdb.readRegister("cpsr") >>> 2) & 3);
                if (pc != start) throw new IOException("waiting for kimage->start 0x" + Long.toHexString(start) + ": " + stopAtStart);
                gdb.physicalMemory(true);
                for (KimageList.Copy c : copies) atStart.put(c.destination(), sha256(gdb.readMemory(c.destination(), 4096)));
            }
            captured = new Captured(st, kimagePa, slot, pages, notes, head, copies, ind, srcHash, sources, codePage, vecPage, textPa, imageSize,
                    stubPa, atStart, stopAtStart, read);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } finally {
            gdb.physicalMemory(false);
        }
    }

    private static long pa(GdbPages mem, TranslationRegs regs, long va) {
        if (va == 0) return -1;
        Translation t = org.kexecverify.model.walk.Walker.translate(regs, mem, va, AccessType.READ);
        return t instanceof Translation.Mapped m ? m.pa() : -1;
    }

    /** Every table page reachable from TTBR{range} of {@code regs}: levels below 3 followed, leaves not. */
    private static void tables(GdbPages mem, TranslationRegs regs, int range, String what, Map<Long, long[]> pages, Map<Long, String> notes) {
        long ttbr = range == 0 ? regs.ttbr0() : regs.ttbr1();
        long txsz = regs.tcrField(range == 0 ? "T0SZ" : "T1SZ");
        if (ttbr == 0 || !Granule.txszInRange(txsz)) return;
        walk(mem, (ttbr & DescriptorBits.ADDRESS.mask()) & ~0xfffL, Granule.startLevel(txsz), what, pages, notes);
    }

    private static void walk(GdbPages mem, long table, int level, String what, Map<Long, long[]> pages, Map<Long, String> notes) {
        if (pages.containsKey(table)) return;
        long[] w = mem.page(table).clone();
        pages.put(table, w);
        notes.put(table, what + ", level " + level);
        if (level >= 3) return;
        for (long d : w) {
            if (DescriptorBits.VALID.get(d) == 0 || DescriptorBits.TYPE.get(d) == 0) continue;
            walk(mem, DescriptorBits.ADDRESS.get(d) << 12, level + 1, what, pages, notes);
        }
    }
}
