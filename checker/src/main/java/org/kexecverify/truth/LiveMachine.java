package org.kexecverify.truth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.kexecverify.emulator.asm.Assembler;
import org.kexecverify.groundtruth.kernel.GdbRemote;
import org.kexecverify.groundtruth.kernel.RelocationState;
import org.kexecverify.model.mem.DescriptorSource;
import org.kexecverify.model.program.KimageOffsets;
import org.kexecverify.model.regime.Regime;
import org.kexecverify.model.walk.AccessType;
import org.kexecverify.model.walk.Translation;
import org.kexecverify.model.walk.TranslationRegs;
import org.kexecverify.model.walk.WalkOptions;
import org.kexecverify.model.walk.WalkStep;
import org.kexecverify.model.walk.Walker;

/**
 * The real machine stopped at {@code kern_reloc} (QEMU's gdbstub): the changes an injection makes, each recorded in
 * words. Memory is written through the gdbstub (physical, or virtual for struct kimage, whose VA the stop's TTBR1
 * maps); system registers, which QEMU 7.2's gdbstub does not write, are changed by a few instructions assembled into
 * the relocation page after its code (VA == PA there, executable: the idmap) that end with a branch back to
 * {@code kern_reloc}, and the PC is pointed at them.
 */
public final class LiveMachine {
    /** Where in the relocation page the injected instructions go (the code is 288 bytes at its start; the rest is zero). */
    static final int STUB_OFFSET = 0x800;

    private final RelocationState state;
    private final GdbRemote gdb;
    private final KimageOffsets offsets;
    private final List<String> changes = new ArrayList<>();

    /** @param offsets struct kimage offsets of the kernel that runs (its build's asm-offsets.h, as the project's code has them) */
    LiveMachine(RelocationState state, GdbRemote gdb, KimageOffsets offsets) {
        this.state = state;
        this.gdb = gdb;
        this.offsets = offsets;
    }

    public KimageOffsets offsets() {
        return offsets;
    }

    public RelocationState state() {
        return state;
    }

    public List<String> changes() {
        return List.copyOf(changes);
    }

    private long sys(String name) {
        Long v = state.sysreg(name);
        if (v == null) throw new IllegalStateException("the stop did not read " + name + " (gdbstub names: " + state.sysregs().keySet() + ")");
        return v;
    }

    /** The translation regime and registers the relocation code runs under at the stop (EL1&0, or EL2&0 with VHE). */
    public TranslationRegs regs() {
        boolean el2 = state.currentEl() == 2;
        Long mmfr0 = state.sysreg("ID_AA64MMFR0_EL1");
        return el2 ? new TranslationRegs(Regime.EL2_0, sys("SCTLR_EL2"), sys("TCR_EL2"), sys("MAIR_EL2"), sys("TTBR0_EL2"),
                state.sysreg("TTBR1_EL2") == null ? 0 : state.sysreg("TTBR1_EL2"), mmfr0 == null ? TranslationRegs.MMFR0_48BIT : mmfr0)
                : new TranslationRegs(Regime.EL1_0, sys("SCTLR"), sys("TCR_EL1"), sys("MAIR_EL1"), sys("TTBR0_EL1"), sys("TTBR1_EL1"),
                        mmfr0 == null ? TranslationRegs.MMFR0_48BIT : mmfr0);
    }

    /** The stop's TCR of the live regime (TCR_EL1, or TCR_EL2 with VHE). */
    public long tcr() {
        return regs().tcr();
    }

    private final DescriptorSource physical = new DescriptorSource() {
        @Override
        public boolean isRam(long pa, long len) {
            return true;
        }

        @Override
        public long read64(long pa) {
            try {
                return readPhys(pa);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** The live walk of the relocation page through the stop's TTBR0 (the models' Walker reading memory through the gdbstub). */
    public Translation idmapWalk() {
        return Walker.translate(regs(), physical, state.kernReloc(), AccessType.FETCH, 4, WalkOptions.DEFAULT);
    }

    public long idmapLeafPa() {
        Translation t = idmapWalk();
        WalkStep leaf = t.steps().get(t.steps().size() - 1);
        if (leaf.kind() != WalkStep.Kind.PAGE && leaf.kind() != WalkStep.Kind.BLOCK) {
            throw new IllegalStateException("the stop's TTBR0 does not map the relocation page:\n" + t.render());
        }
        return leaf.descriptorAddress();
    }

    public void setLeafBits(long set, long clear, String what) throws IOException {
        long pa = idmapLeafPa();
        long before = readPhys(pa);
        long after = (before | set) & ~clear;
        writePhys(pa, after);
        changes.add(String.format("idmap leaf of the relocation page at PA 0x%x: 0x%016x -> 0x%016x (%s)", pa, before, after, what));
    }

    public long readPhys(long pa) throws IOException {
        gdb.physicalMemory(true);
        try {
            return gdb.readLong(pa);
        } finally {
            gdb.physicalMemory(false);
        }
    }

    public void writePhys(long pa, long v) throws IOException {
        gdb.physicalMemory(true);
        try {
            gdb.writeMemory(pa, le(v));
        } finally {
            gdb.physicalMemory(false);
        }
    }

    public void write32Phys(long pa, int w, String what) throws IOException {
        gdb.physicalMemory(true);
        try {
            byte[] before = gdb.readMemory(pa, 4);
            gdb.writeMemory(pa, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(w).array());
            changes.add(String.format("PA 0x%x (%s): 0x%08x -> 0x%08x", pa, what, ByteBuffer.wrap(before).order(ByteOrder.LITTLE_ENDIAN).getInt(), w));
        } finally {
            gdb.physicalMemory(false);
        }
    }

    public void write64Phys(long pa, long v, String what) throws IOException {
        long before = readPhys(pa);
        writePhys(pa, v);
        changes.add(String.format("PA 0x%x (%s): 0x%x -> 0x%x", pa, what, before, v));
    }

    /** A struct kimage field, read through its VA (x0 at the stop). */
    public long readKimage(int offset) throws IOException {
        gdb.physicalMemory(false);
        return gdb.readLong(state.kimage() + offset);
    }

    public void writeKimage(int offset, long v, String field) throws IOException {
        long before = readKimage(offset);
        gdb.physicalMemory(false);
        gdb.writeMemory(state.kimage() + offset, le(v));
        long back = readKimage(offset);
        if (back != v) throw new IOException(String.format("struct kimage +%d: wrote 0x%x, reads back 0x%x", offset, v, back));
        changes.add(String.format("struct kimage +%d (%s) at VA 0x%x: 0x%x -> 0x%x", offset, field, state.kimage() + offset, before, v));
    }

    /**
     * Runs {@code asm} (A64, the project's assembler) before the relocation code: assembled at kern_reloc +
     * {@link #STUB_OFFSET}, followed by {@code b kern_reloc}; the PC is set there. {@code x0} must be preserved by
     * {@code asm} (or restored): the relocation code reads struct kimage through it.
     */
    public void runFirst(String asm, String what) throws IOException {
        long stub = state.kernReloc() + STUB_OFFSET;
        byte[] body = Assembler.assemble("injection stub", asm, stub).code();
        ByteBuffer b = ByteBuffer.allocate(body.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(body);
        long back = state.kernReloc() - (stub + body.length);
        b.putInt(0x14000000 | (int) ((back >> 2) & 0x03ff_ffff));
        gdb.physicalMemory(true);
        try {
            gdb.writeMemory(stub, b.array());
        } finally {
            gdb.physicalMemory(false);
        }
        gdb.writeRegister("pc", stub);
        changes.add(String.format("%s: %d instruction(s) at PA 0x%x (the relocation page after its code, idmapped) run first, then b kern_reloc: %s",
                what, body.length / 4 + 1, stub, asm.strip().replace("\n", "; ")));
    }

    private static byte[] le(long v) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    }
}
