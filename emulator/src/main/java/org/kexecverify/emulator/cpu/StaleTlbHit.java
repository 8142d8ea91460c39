package org.kexecverify.emulator.cpu;

import org.kexecverify.model.walk.AccessType;

/**
 * A TLB hit whose cached translation a fresh walk of the tables and registers in force no longer gives: the
 * entry survived a change of tables, TTBR or TCR without the TLBI that should have removed it.
 *
 * @param tablesStoredTo the fresh walk read a table page this run had stored to (the difference comes from a
 *                       clobbered table, not from missing TLB maintenance)
 */
public record StaleTlbHit(long va, AccessType access, String cached, String fresh, long step, long pc, int el, boolean tablesStoredTo) {
    @Override
    public String toString() {
        return String.format("%s of VA 0x%x at step %d, PC 0x%x, EL%d used a TLB entry giving %s where the tables now give %s",
                access.words(), va, step, pc, el, cached, fresh);
    }
}
