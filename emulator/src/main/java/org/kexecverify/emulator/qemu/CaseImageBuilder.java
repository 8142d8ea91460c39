package org.kexecverify.emulator.qemu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lays a batch of {@link BareMetalCase}s into one raw kernel image: the assembled harness at
 * {@link HarnessProgram#LOAD_ADDRESS}, then at symbol {@code blob} a header, one fixed-size record
 * per case (register values and a page list of (destination PA, source PA) pairs) and the table
 * page contents. The record layout mirrors the {@code REC_*} offsets in harness.S.
 */
public final class CaseImageBuilder {

    static final long MAGIC = 0x6b76_7161_6365_6d75L;
    static final int HEADER_SIZE = 64;
    static final int HEADER_START_OFFSET = 8;
    static final int RECORD_SIZE = 512;
    private static final int RECORD_PAGES_OFFSET = 136;
    /** Page entries that fit in a record (two 64-bit words each). */
    public static final int MAX_PAGES = (RECORD_SIZE - RECORD_PAGES_OFFSET) / 16;

    private final HarnessProgram program;

    public CaseImageBuilder(HarnessProgram program) {
        this.program = program;
    }

    /** The image bytes; the run starts at case {@code startIndex}. */
    public Image build(List<BareMetalCase> cases) {
        long blob = program.symbol("blob");
        byte[] bin = program.binary();
        long blobOffset = blob - HarnessProgram.LOAD_ADDRESS;
        if (bin.length > blobOffset) {
            throw new IllegalStateException("harness.S grew past its blob at 0x" + Long.toHexString(blob));
        }
        long pagesOffset = align(blobOffset + HEADER_SIZE + (long) RECORD_SIZE * cases.size(), BareMetalCase.PAGE);
        long totalPages = 0;
        for (BareMetalCase c : cases) {
            totalPages += c.tablePages().size();
        }
        long size = pagesOffset + totalPages * BareMetalCase.PAGE;
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("batch too large for one image: " + cases.size() + " cases");
        }
        ByteBuffer img = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        img.put(bin);
        int hdr = (int) blobOffset;
        img.putLong(hdr, MAGIC);
        img.putLong(hdr + HEADER_START_OFFSET, 0);
        img.putLong(hdr + 16, cases.size());
        img.putLong(hdr + 24, RECORD_SIZE);

        long nextPage = pagesOffset;
        for (int i = 0; i < cases.size(); i++) {
            BareMetalCase c = cases.get(i);
            int rec = hdr + HEADER_SIZE + i * RECORD_SIZE;
            boolean el1 = c.mode() == EntryMode.EL1;
            long codeTemplate = program.symbol(el1 ? "code_el1" : "code_el2");
            long brkOffset = program.symbol(el1 ? "code_el1_brk" : "code_el2_brk") - codeTemplate;
            long vecTemplate = program.symbol(el1 ? "vec_el1" : "vec_el2");
            long[] words = {
                c.mode().recordCode(), c.hcr(), c.sctlrOn(), c.sctlrOff(), c.tcr(), c.mair(),
                c.ttbr0(), c.ttbr1(), c.vectorPa(), c.codePa(), c.dataVa(),
                c.read() ? 1 : 0, c.write() ? 1 : 0, c.brk() ? 1 : 0, c.tlbi() ? 1 : 0,
                c.brk() ? c.codePa() + brkOffset : 1,
            };
            for (int w = 0; w < words.length; w++) {
                img.putLong(rec + 8 * w, words[w]);
            }
            List<long[]> pages = new ArrayList<>();
            pages.add(new long[] {c.codePa(), codeTemplate});
            pages.add(new long[] {c.vectorPa(), vecTemplate});
            for (Map.Entry<Long, byte[]> e : c.tablePages().entrySet()) {
                img.put((int) nextPage, e.getValue());
                pages.add(new long[] {e.getKey(), HarnessProgram.LOAD_ADDRESS + nextPage});
                nextPage += BareMetalCase.PAGE;
            }
            long imageEnd = HarnessProgram.LOAD_ADDRESS + size;
            for (long[] pg : pages) {
                if (pg[0] < imageEnd && pg[0] + BareMetalCase.PAGE > HarnessProgram.LOAD_ADDRESS) {
                    throw new IllegalArgumentException("case " + i + " writes page 0x" + Long.toHexString(pg[0])
                            + " inside the loaded image [0x" + Long.toHexString(HarnessProgram.LOAD_ADDRESS) + ", 0x"
                            + Long.toHexString(imageEnd) + "): use smaller batches");
                }
            }
            if (pages.size() > MAX_PAGES) {
                throw new IllegalArgumentException("case " + i + " needs " + pages.size()
                        + " pages; a record holds " + MAX_PAGES);
            }
            img.putLong(rec + 128, pages.size());
            for (int p = 0; p < pages.size(); p++) {
                img.putLong(rec + RECORD_PAGES_OFFSET + 16 * p, pages.get(p)[0]);
                img.putLong(rec + RECORD_PAGES_OFFSET + 16 * p + 8, pages.get(p)[1]);
            }
        }
        return new Image(img.array(), hdr + HEADER_START_OFFSET, cases.size());
    }

    private static long align(long v, long a) {
        return (v + a - 1) & -a;
    }

    /** A built image; {@link #writeTo} writes it with the index the harness starts at (after a hang). */
    public record Image(byte[] bytes, int startFieldOffset, int caseCount) {

        /** Writes the image to {@code file}, the harness starting at case {@code start}. */
        public void writeTo(java.nio.file.Path file, int start) throws java.io.IOException {
            java.nio.file.Files.write(file, bytes);
            patchStart(file, start);
        }

        /** Rewrites only the start index of an image already written by {@link #writeTo}. */
        public void patchStart(java.nio.file.Path file, int start) throws java.io.IOException {
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, start);
                ch.write(b, startFieldOffset);
            }
        }
    }
}
