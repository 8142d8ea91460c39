package org.kexecverify.emulator.mmu;

/** The kind of access being translated (mirrors {@code org.kexecverify.model.walk.AccessType}). */
public enum Access {
    FETCH, READ, WRITE
}
