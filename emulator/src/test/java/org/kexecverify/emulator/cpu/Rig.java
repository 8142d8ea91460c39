package org.kexecverify.emulator.cpu;

import org.kexecverify.emulator.asm.Assembler;
import org.kexecverify.emulator.asm.Assembly;
import org.kexecverify.emulator.mem.Ram;

/** Test rig: assembles a snippet into RAM at {@link #CODE} and runs it at EL2h, MMU off, until label {@code done}. */
final class Rig {
    static final long RAM_BASE = 0x4000_0000L;
    static final long CODE = 0x4008_0000L;
    static final long DATA = 0x4010_0000L;

    final Assembly asm;
    final Machine m;

    Rig(String source) {
        asm = Assembler.assemble("snippet.S", source, CODE);
        Ram ram = Ram.of(RAM_BASE, 64L << 20);
        ram.load(CODE, asm.code());
        m = new Machine(ram);
        m.setPc(CODE);
        m.setSp(2, DATA + 0x8000);
        if (asm.symbols().containsKey("done")) {
            m.setStopAddresses(asm.symbol("done"));
        }
    }

    RunResult run() {
        return m.run(100_000);
    }

    /** Runs and insists the snippet reached {@code done}. */
    Machine runToDone() {
        RunResult r = run();
        if (!(r instanceof RunResult.Completed)) {
            throw new AssertionError("snippet did not reach 'done': " + r + "\nexceptions: " + m.exceptions());
        }
        return m;
    }
}
