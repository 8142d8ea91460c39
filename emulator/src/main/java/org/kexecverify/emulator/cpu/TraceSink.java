package org.kexecverify.emulator.cpu;

import org.kexecverify.model.a64.Insn;

/** Receives each executed instruction and each exception when a run is traced (replay output, test failures). */
public interface TraceSink {
    void instruction(long step, int el, long pc, Insn insn);

    void exception(ExceptionRecord record);
}
