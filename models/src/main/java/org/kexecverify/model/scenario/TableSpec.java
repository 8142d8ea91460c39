package org.kexecverify.model.scenario;

import java.util.List;
import java.util.Map;

/**
 * How the relocation page tables are made: a named builder that reproduces a kernel version, with
 * options, or explicit mappings and raw entries.
 */
public record TableSpec(String builder, Map<String, String> options, List<Mapping> mappings, List<RawEntry> entries,
                        org.kexecverify.model.capture.Capture captured) {
    /** Tables made by a builder (no captured state). */
    public TableSpec(String builder, Map<String, String> options, List<Mapping> mappings, List<RawEntry> entries) {
        this(builder, options, mappings, entries, null);
    }

    public TableSpec {
        options = Map.copyOf(options);
        mappings = List.copyOf(mappings);
        entries = List.copyOf(entries);
    }

    /** An explicit mapping [va, va+size) -> pa with a Linux pgprot or raw attribute bits. */
    public record Mapping(String field, long va, long pa, long size, long attrs) {}

    /** A raw 64-bit value written at a PA (to craft any table shape). */
    public record RawEntry(String field, long address, long value) {}

    public String option(String key, String dflt) {
        return options.getOrDefault(key, dflt);
    }
}
