package org.kexecverify.model.scenario;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kexecverify.model.mem.RamRange;
import org.kexecverify.model.program.CodeSpec;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;

/**
 * What a reviewer writes: the CPU's boot regime and system-register values, RAM, the kimage
 * segments, where control pages, code, vectors and the kimage struct live, and how the tables are
 * built. Immutable; {@link ScenarioBuilders} turns it into memory and a relocation plan.
 */
public record Scenario(String name, String description, String file, Regime regime, Map<SysReg, Long> registers,
                       List<RamRange> ram, List<Segment> segments, Placement placement, TableSpec tables,
                       CodeSpec codeSpec, ProgramCode code, List<String> warnings) {
    /**
     * Without warnings; {@code warnings} are what loading the file skipped and said so (a pasted dump's line that names
     * a register the models do not read): every command prints them.
     */
    public Scenario(String name, String description, String file, Regime regime, Map<SysReg, Long> registers,
                    List<RamRange> ram, List<Segment> segments, Placement placement, TableSpec tables,
                    CodeSpec codeSpec, ProgramCode code) {
        this(name, description, file, regime, registers, ram, segments, placement, tables, codeSpec, code, List.of());
    }

    /** A scenario without a {@code code:} section (its code is {@link ProgramCode.Missing}). */
    public Scenario(String name, String description, String file, Regime regime, Map<SysReg, Long> registers,
                    List<RamRange> ram, List<Segment> segments, Placement placement, TableSpec tables) {
        this(name, description, file, regime, registers, ram, segments, placement, tables, null,
                ProgramCode.missing("the scenario names no code (no code: section)"));
    }

    public Scenario {
        if (code == null) code = ProgramCode.missing(codeSpec == null ? "the scenario names no code (no code: section)" : "code not resolved");
        registers = Map.copyOf(registers);
        ram = List.copyOf(ram);
        segments = List.copyOf(segments);
        warnings = List.copyOf(warnings);
    }

    public Optional<Long> register(SysReg r) {
        return Optional.ofNullable(registers.get(r));
    }

    public long register(SysReg r, long dflt) {
        return registers.getOrDefault(r, dflt);
    }

    /** The same scenario with its code resolved (or the reason it could not be). */
    public Scenario withCode(ProgramCode c) {
        return new Scenario(name, description, file, regime, registers, ram, segments, placement, tables, codeSpec, c, warnings);
    }

    /** The same scenario with the builder's options replaced (the repair search tries pgprots and vector placements). */
    public Scenario withTableOptions(Map<String, String> options) {
        return new Scenario(name, description, file, regime, registers, ram, segments, placement,
                new TableSpec(tables.builder(), options, tables.mappings(), tables.entries(), tables.captured()), codeSpec, code, warnings);
    }

    public long totalSegmentBytes() {
        return segments.stream().mapToLong(Segment::size).sum();
    }
}
