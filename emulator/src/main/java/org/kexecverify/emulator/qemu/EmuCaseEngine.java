package org.kexecverify.emulator.qemu;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.kexecverify.emulator.cpu.Machine;
import org.kexecverify.emulator.cpu.RunResult;
import org.kexecverify.model.a64.SysRegId;
import org.kexecverify.emulator.mem.Ram;
import org.kexecverify.model.mem.PhysicalMemory;
import org.kexecverify.model.reg.Layouts;
import org.kexecverify.model.reg.SysReg;
import org.kexecverify.model.regime.Regime;

/**
 * The project's A64 emulator as a {@link CaseEngine}: each case runs on a fresh {@link Machine} over the
 * case's memory with the harness image QEMU boots ({@link HarnessProgram}, built by binutils) loaded at
 * {@link HarnessProgram#LOAD_ADDRESS}, so the code and vector pages are the same bytes.
 *
 * <pre>
 *   harness.S step 1 (copy pages)   : table pages, code_el1/code_el2 and vec_el1/vec_el2 templates -> RAM
 *   harness.S step 2 (registers)    : HCR_EL2, SCTLR/MAIR/TCR/TTBR/VBAR of the regime, x0-x6, x26, x28
 *   harness.S step 3 (enter)        : EL2: PC = code page; EL1: ERET state (EL1h, DAIF masked)
 *   machine.run                     : stops at case_return (EL2 case) or at harness_vectors+0x400 (the
 *                                     EL1 case's HVC), where x7/x10/x11/x12 hold kind, ESR, FAR, ELR;
 *                                     a fault loop or the step budget is HANG
 * </pre>
 *
 * Steps 1-3 are done by this class instead of by the harness loop (the PL011 UART is not modelled);
 * everything from the code page on is executed by the emulator.
 */
public final class EmuCaseEngine implements CaseEngine {
    /** A case executes a few dozen instructions; a run this long is a loop the detector did not classify. */
    static final long BUDGET = 100_000;

    private final HarnessProgram harness;
    private final byte[] image;
    private long instructions;
    private long nanos;

    public EmuCaseEngine(HarnessProgram harness) {
        this.harness = harness;
        this.image = harness.binary();
    }

    @Override
    public String name() {
        return "emu";
    }

    @Override
    public List<Outcome> run(List<MaterializedCase> cases) {
        List<Outcome> out = new ArrayList<>(cases.size());
        for (MaterializedCase m : cases) {
            out.add(Outcome.fromRaw(raw(m), m.spec().regime()));
        }
        return out;
    }

    /** Emulated instructions so far, over all cases. */
    public long instructions() {
        return instructions;
    }

    /** Wall time spent running cases. */
    public long nanos() {
        return nanos;
    }

    /** Runs one case and reports it as harness.S would. */
    public RawOutcome raw(MaterializedCase m) {
        long t0 = System.nanoTime();
        BareMetalCase b = m.bare();
        PhysicalMemory pm = m.memory().copyOf();
        boolean el1 = b.mode() == EntryMode.EL1;
        load(pm, HarnessProgram.LOAD_ADDRESS, image, 0, image.length);
        copyTemplate(pm, b.codePa(), harness.symbol(el1 ? "code_el1" : "code_el2"));
        copyTemplate(pm, b.vectorPa(), harness.symbol(el1 ? "vec_el1" : "vec_el2"));
        for (Map.Entry<Long, byte[]> e : b.tablePages().entrySet()) {
            load(pm, e.getKey(), e.getValue(), 0, e.getValue().length);
        }
        Machine cpu = new Machine(new Ram(pm), m.spec().walkOptions());
        cpu.setSysReg(SysRegId.ID_AA64MMFR0_EL1, m.regs().idAa64mmfr0());
        cpu.setSysReg(SysRegId.SCTLR_EL1, Layouts.of(SysReg.SCTLR_EL1, Regime.EL1_0).res1Mask());
        cpu.setSysReg(SysRegId.HCR_EL2, b.hcr());
        long caseReturn = harness.symbol("case_return");
        long brkVa = b.brk() ? b.codePa() + harness.symbol(el1 ? "code_el1_brk" : "code_el2_brk") - harness.symbol(el1 ? "code_el1" : "code_el2") : 1;
        long stop;
        if (el1) {
            cpu.setSysReg(SysRegId.SCTLR_EL1, b.sctlrOff());
            cpu.setSysReg(SysRegId.MAIR_EL1, b.mair());
            cpu.setSysReg(SysRegId.TCR_EL1, b.tcr());
            cpu.setSysReg(SysRegId.TTBR0_EL1, b.ttbr0());
            cpu.setSysReg(SysRegId.TTBR1_EL1, b.ttbr1());
            cpu.setSysReg(SysRegId.VBAR_EL1, b.vectorPa());
            long harnessVectors = harness.symbol("harness_vectors");
            cpu.setSysReg(SysRegId.VBAR_EL2, harnessVectors);
            stop = harnessVectors + 0x400; // lower EL, AArch64, synchronous: the case's HVC
            cpu.setEl(1, true);
        } else {
            cpu.setSysReg(SysRegId.SCTLR_EL2, b.sctlrOff());
            cpu.setSysReg(SysRegId.MAIR_EL2, b.mair());
            cpu.setSysReg(SysRegId.TCR_EL2, b.tcr());
            cpu.setSysReg(SysRegId.TTBR0_EL2, b.ttbr0());
            if (b.mode() == EntryMode.EL2_VHE) {
                cpu.setSysReg(SysRegId.TTBR1_EL2, b.ttbr1());
            }
            cpu.setSysReg(SysRegId.VBAR_EL2, b.vectorPa());
            stop = caseReturn;
            cpu.setEl(2, true);
        }
        cpu.setX(0, b.sctlrOff());
        cpu.setX(1, b.sctlrOn());
        cpu.setX(2, b.dataVa());
        cpu.setX(3, b.read() ? 1 : 0);
        cpu.setX(4, b.write() ? 1 : 0);
        cpu.setX(5, b.brk() ? 1 : 0);
        cpu.setX(6, b.tlbi() ? 1 : 0);
        cpu.setX(26, brkVa);
        cpu.setX(28, caseReturn);
        cpu.setX(7, 7);
        cpu.setPc(b.codePa());
        cpu.setStopAddresses(stop);
        RunResult r = cpu.run(BUDGET);
        instructions += cpu.retired();
        nanos += System.nanoTime() - t0;
        if (!(r instanceof RunResult.Completed)) {
            return new RawOutcome.Hung(0, cpu.exceptions().size(), r instanceof RunResult.Hang h ? h.description() : r.toString());
        }
        long kind = cpu.x(7);
        if (kind == 0) {
            return new RawOutcome.Completed();
        }
        return new RawOutcome.Trapped(RawOutcome.VectorSlot.ofKind(kind), cpu.x(10), cpu.x(11), cpu.x(12));
    }

    private void copyTemplate(PhysicalMemory pm, long pa, long templateVa) {
        load(pm, pa, image, (int) (templateVa - HarnessProgram.LOAD_ADDRESS), BareMetalCase.PAGE);
    }

    private static void load(PhysicalMemory pm, long pa, byte[] bytes, int from, int len) {
        for (int i = 0; i < len; i++) {
            pm.write8(pa + i, from + i < bytes.length ? bytes[from + i] : 0);
        }
    }
}
