package org.kexecverify.mutation;

import org.kexecverify.model.program.DesignCode;

/**
 * One change to a design's machine code: the word at {@code offset} of symbol {@code symbol}'s bytes replaced by
 * {@code word} (removal is {@code nop}, so every branch offset stays as the compiler left it).
 *
 * @param symbol   the blob changed ({@code arm64_relocate_new_kernel})
 * @param offset   byte offset in the blob
 * @param original the instruction as it is, in words ({@code ic iallu})
 * @param mutation what it becomes ({@code nop}, {@code dc ivac, x20})
 * @param word     the new A64 word
 */
public record Mutant(String symbol, int offset, String original, String mutation, int word) {
    public static final int NOP = 0xd503201f;

    /** {@code arm64_relocate_new_kernel+0x10c: ic iallu -> nop}. */
    public String id() {
        return String.format("%s+0x%x: %s -> %s", symbol, offset, original, mutation);
    }

    /** The design with this one word changed. */
    public DesignCode apply(DesignCode code) {
        return code.withWord(symbol, offset, word, id());
    }
}
