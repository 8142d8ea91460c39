package org.kexecverify.truth;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.kexecverify.emulator.scenario.ScenarioRun;
import org.kexecverify.model.a64.Decoder;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;
import org.kexecverify.model.a64.SysOp;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.plan.PhysRegion;
import org.kexecverify.model.plan.RelocationPlan;
import org.kexecverify.model.program.DesignCode;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.program.ProgramCode;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;

/**
 * The project's model of the machine at {@code kern_reloc}, to be mutated the way an injection mutates the real one:
 * a bundled scenario's plan (its memory: tables, entry list, struct kimage at the code's offsets; its phases: the
 * registers), plus changes that only the machine can take (a system register written after the emulator's setup).
 * Every change is recorded in words.
 */
public final class ModelState {
    private RelocationPlan plan;
    private final WalkOptions walk;
    private final List<Consumer<ScenarioRun>> machine = new ArrayList<>();
    private final List<String> changes = new ArrayList<>();

    ModelState(RelocationPlan plan, WalkOptions walk) {
        this.plan = plan;
        this.walk = walk;
    }

    public RelocationPlan plan() {
        return plan;
    }

    public WalkOptions walk() {
        return walk;
    }

    List<Consumer<ScenarioRun>> machineChanges() {
        return machine;
    }

    public List<String> changes() {
        return List.copyOf(changes);
    }

    void note(String what) {
        changes.add(what);
    }

    public DesignCode code() {
        return ((ProgramCode.Resolved) plan.scenario().code()).code();
    }

    public KimageOffsets offsets() {
        return code().offsets();
    }

    public PhysicalMemory memory() {
        return plan.memory();
    }

    public long kimagePa() {
        return plan.scenario().placement().kimage();
    }

    /** PA of the relocation code's control page (the CODE region). */
    public long codePa() {
        return plan.regions(PhysRegion.Kind.CODE).get(0).pa();
    }

    public Phase first() {
        return plan.phases().get(0);
    }

    /** The PA of the level-3 entry that maps the relocation page in the first phase's TTBR0 (the idmap), walked with the models' Walker. */
    public long idmapLeafPa() {
        Translation t = Walker.translate(first().regs(), memory(), codePa(), AccessType.FETCH, 4, walk);
        List<WalkStep> s = t.steps();
        WalkStep leaf = s.get(s.size() - 1);
        if (leaf.kind() != WalkStep.Kind.PAGE && leaf.kind() != WalkStep.Kind.BLOCK) {
            throw new IllegalStateException("the relocation page is not mapped in the model's TTBR0:\n" + t.render());
        }
        return leaf.descriptorAddress();
    }

    /** The first phase's walk of the relocation page, rendered (for the prediction's notes). */
    public String idmapWalk() {
        return Walker.translate(first().regs(), memory(), codePa(), AccessType.FETCH, 4, walk).render();
    }

    public void setLeafBits(long set, long clear, String what) {
        long pa = idmapLeafPa();
        long before = memory().read64(pa);
        long after = (before | set) & ~clear;
        memory().write64(pa, after);
        note(String.format("idmap leaf of the relocation page at PA 0x%x: 0x%016x -> 0x%016x (%s)", pa, before, after, what));
    }

    public void writeKimage(int offset, long value, String field) {
        long before = memory().read64(kimagePa() + offset);
        memory().write64(kimagePa() + offset, value);
        note(String.format("struct kimage +%d (%s) at PA 0x%x: 0x%x -> 0x%x", offset, field, kimagePa() + offset, before, value));
    }

    public long readKimage(int offset) {
        return memory().read64(kimagePa() + offset);
    }

    public void write64(long pa, long value, String what) {
        long before = memory().read64(pa);
        memory().write64(pa, value);
        note(String.format("PA 0x%x (%s): 0x%x -> 0x%x", pa, what, before, value));
    }

    /** Replaces phase {@code i}. */
    public void phase(int i, Phase p, String what) {
        List<Phase> ps = new ArrayList<>(plan.phases());
        ps.set(i, p);
        plan = new RelocationPlan(plan.scenario(), plan.memory(), plan.list(), ps, plan.regions(), plan.kimageReadAfterCopy(), plan.design());
        note(what);
    }

    public void regs(int i, TranslationRegs r, String what) {
        Phase p = plan.phases().get(i);
        phase(i, new Phase(p.name(), p.entryStep(), r, p.vbar(), p.code(), p.data(), p.exceptions()), what);
    }

    /** The index of the plan's phase at EL{@code el}, or -1. */
    public int phaseAtEl(int el) {
        for (int i = 0; i < plan.phases().size(); i++) if (plan.phases().get(i).regs().regime().el() == el) return i;
        return -1;
    }

    /** A change to the emulated machine after its setup from the plan (a register the plan's phases cannot express). */
    public void onMachine(Consumer<ScenarioRun> c, String what) {
        machine.add(c);
        note(what + " (on the emulated machine at kern_reloc)");
    }

    /** The byte offset in the entry blob of the first {@code op} instruction, found by decoding. */
    public static int offsetOf(DesignCode code, SysOp op) {
        DesignCode.Blob b = code.entry();
        for (int off = b.entryOffset(); off < b.size(); off += 4) {
            Insn i = Decoder.decode(b.word(off));
            if (i.op == Op.SYS && SysOp.values()[i.aux] == op) return off;
        }
        throw new IllegalStateException("no " + op.text() + " in " + code.describe());
    }
}
