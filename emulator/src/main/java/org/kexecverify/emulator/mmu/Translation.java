package org.kexecverify.emulator.mmu;

import java.util.List;

/**
 * Outcome of translating one VA for one access type (mirrors {@code org.kexecverify.model.walk.Translation}).
 */
public sealed interface Translation {
    long va();

    List<WalkStep> steps();

    /** The VA maps to {@code pa} with memory type {@code type}. */
    record Mapped(long va, long pa, MemType type, List<WalkStep> steps) implements Translation {
    }

    /** The access faults; {@code reason} says why in descriptor/register terms (e.g. "PTE bit 54 = XN at EL2"). */
    record Fault(long va, FaultKind kind, int level, List<WalkStep> steps, String reason) implements Translation {
    }
}
