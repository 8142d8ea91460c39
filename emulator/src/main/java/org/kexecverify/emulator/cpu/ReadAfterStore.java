package org.kexecverify.emulator.cpu;

/**
 * A read of memory the run had already stored to: what read it ({@code load}: of a 64-byte line stored to;
 * {@code instruction fetch}, {@code table walk}: of a page stored to), the VA and PA read, and when and where the
 * first store to that page happened. A relocation program stores only to destinations and reads one back only
 * where a source page is its own destination (kexec then copies it onto itself, line by line, each line read
 * before it is written), so this is the concrete form of a clobber: the copy overwrote a page (a table, the code,
 * struct kimage, an entry list, an unread source) that was still needed.
 */
public record ReadAfterStore(String how, long va, long pa, long step, long pc, int el, long storeStep, long storePc) {
    @Override
    public String toString() {
        return String.format("%s of VA 0x%x (PA 0x%x) at step %d, PC 0x%x, EL%d reads a page first stored to at step %d by PC 0x%x",
                how, va, pa, step, pc, el, storeStep, storePc);
    }
}
