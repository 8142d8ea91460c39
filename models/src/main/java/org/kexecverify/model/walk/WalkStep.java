package org.kexecverify.model.walk;

import org.kexecverify.model.desc.DescriptorBits;

/**
 * One level of a table walk: which table, which entry, what it held and how it was read.
 *
 * @param level             0..3
 * @param tableAddress      PA of the table
 * @param index             entry index (VA bits for this level)
 * @param descriptorAddress PA of the 8-byte entry
 * @param descriptor        the entry's value
 * @param kind              how the entry was interpreted
 */
public record WalkStep(int level, long tableAddress, int index, long descriptorAddress, long descriptor, Kind kind) {

    public enum Kind { TABLE, BLOCK, PAGE, INVALID, RESERVED, NOT_RAM }

    /** The PA this entry points at: next table, block or page. */
    public long address() {
        return DescriptorBits.ADDRESS.get(descriptor) << 12;
    }

    public String render() {
        String what = switch (kind) {
            case TABLE -> "table -> 0x" + Long.toHexString(address());
            case BLOCK -> "block -> 0x" + Long.toHexString(address() & ~((1L << Granule.levelShift(level)) - 1));
            case PAGE -> "page -> 0x" + Long.toHexString(address());
            case INVALID -> "invalid (bit 0 clear)";
            case RESERVED -> level == 0 ? "block at level 0 (not allowed with 4 KB granule)" : "reserved encoding 0b01 at level 3";
            case NOT_RAM -> "entry address is not RAM";
        };
        return String.format("L%d table 0x%x[%d] @0x%x = 0x%016x  %s", level, tableAddress, index, descriptorAddress, descriptor, what);
    }
}
