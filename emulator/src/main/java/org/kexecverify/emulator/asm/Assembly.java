package org.kexecverify.emulator.asm;

import java.util.Map;
import java.util.TreeMap;

/**
 * The output of the in-project assembler: machine code placed at {@code base} and the symbol table
 * (labels and {@code .equ} constants, as absolute values).
 */
public record Assembly(String file, long base, byte[] code, Map<String, Long> symbols) {
    public Assembly {
        code = code.clone();
        symbols = Map.copyOf(symbols);
    }

    @Override
    public byte[] code() {
        return code.clone();
    }

    public int size() {
        return code.length;
    }

    /** The value of a symbol; throws if the program does not define it. */
    public long symbol(String name) {
        Long v = symbols.get(name);
        if (v == null) {
            throw new IllegalArgumentException(file + ": no symbol '" + name + "' (have " + new TreeMap<>(symbols).keySet() + ")");
        }
        return v;
    }

    /** Little-endian 32-bit word at byte offset {@code off} of the code. */
    public int word(int off) {
        return (code[off] & 0xff) | (code[off + 1] & 0xff) << 8 | (code[off + 2] & 0xff) << 16 | (code[off + 3] & 0xff) << 24;
    }
}
