package org.kexecverify.truth;

import java.io.IOException;
import java.util.Locale;
import org.kexecverify.model.a64.Decoder;
import org.kexecverify.model.a64.Insn;
import org.kexecverify.model.a64.Op;
import org.kexecverify.model.a64.SysOp;
import org.kexecverify.model.plan.Phase;
import org.kexecverify.model.program.DesignCode;

/**
 * Kernel-shaped mistakes made at {@code kern_reloc} of a real Linux 6.1 kexec, each in two forms: on the project's
 * model of that state (a bundled scenario's plan, {@link ModelState}) and on the machine QEMU stopped there
 * ({@link LiveMachine}). The two forms make the same change to the same thing (the idmap leaf that maps the
 * relocation page, a struct kimage field, the entry list, a register, a word of the code), each found in its own
 * state: the model's leaf by walking the plan's TTBR0, the live one by walking the stop's TTBR0 through the gdbstub.
 */
public enum Injection {
    PXN_ON_RELOCATION_LEAF("PXN (bit 53) set on the idmap leaf of the relocation page", "a pgprot without PTE_PXN clear for the idmap "
            + "(e.g. PAGE_KERNEL instead of PAGE_KERNEL_ROX in trans_pgd_idmap_page)", true) {
        @Override
        void model(ModelState m) {
            m.setLeafBits(PXN, 0, "PXN set");
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            l.setLeafBits(PXN, 0, "PXN set");
        }
    },
    AF_CLEARED_ON_RELOCATION_LEAF("AF (bit 10) cleared on the idmap leaf of the relocation page", "a leaf built without PTE_AF "
            + "(a pgprot missing PTE_AF, as _PAGE_DEFAULT once was): faults unless the CPU sets AF in hardware (FEAT_HAFDBS with TCR.HA = 1)", true) {
        @Override
        void model(ModelState m) {
            m.setLeafBits(0, AF, "AF cleared");
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            l.setLeafBits(0, AF, "AF cleared");
        }
    },
    VBAR_EL2_UNMAPPED("VBAR_EL2 pointed at an unmapped page (PA/VA 0x1000000000: no RAM, not in the idmap)", "HVC_SET_VECTORS given the "
            + "wrong address (a VA, or a vector page that was never copied)", true) {
        @Override
        void model(ModelState m) {
            int i = m.phaseAtEl(2);
            Phase p = m.plan().phases().get(i);
            m.phase(i, new Phase(p.name(), p.entryStep(), p.regs(), UNMAPPED, p.code(), p.data(), p.exceptions()),
                    String.format("VBAR_EL2 of phase '%s': 0x%x -> 0x%x", p.name(), p.vbar(), UNMAPPED));
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            if (l.state().currentEl() == 1) {
                // at EL1 (no VHE): ask the installed stub (trans_pgd_stub_vectors el1_sync) for HVC_SET_VECTORS
                l.runFirst("mov x19, x0\nmov x0, #0\nmovz x1, #0x10, lsl #32\nhvc #0\nmov x0, x19\n", "VBAR_EL2 := 0x1000000000 by HVC_SET_VECTORS");
            } else {
                l.runFirst("movz x1, #0x10, lsl #32\nmsr vbar_el2, x1\nisb\n", "VBAR_EL2 := 0x1000000000");
            }
        }
    },
    ENTRY_LIST_LOOPS("the entry list loops: the first indirection page's first entry is an IND_INDIRECTION to itself", "an indirection "
            + "page that points back at itself (a list built twice into the same page, a stale image->last_entry)", true) {
        @Override
        void model(ModelState m) {
            long head = m.readKimage(m.offsets().head());
            long page = head & ~0xfffL;
            m.write64(page, page | IND_INDIRECTION, "first entry of the indirection page kimage->head names");
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            long head = l.readKimage(l.offsets().head());
            long page = head & ~0xfffL;
            l.write64Phys(page, page | IND_INDIRECTION, "first entry of the indirection page kimage->head names");
        }
    },
    SCTLR_M_CLEARED("SCTLR_ELx.M cleared before the relocation code runs (the MMU off, struct kimage still passed by its linear-map VA)",
            "turning the MMU off before the relocation instead of after it (the pre-5.16 order, with the 5.16 code)", true) {
        @Override
        void model(ModelState m) {
            Phase p = m.first();
            long s = p.regs().sctlr();
            m.regs(0, p.regs().withSctlr(s & ~1L), String.format("%s of phase '%s': 0x%x -> 0x%x (M cleared)",
                    p.regs().regime().el() == 1 ? "SCTLR_EL1" : "SCTLR_EL2", p.name(), s, s & ~1L));
            m.onMachine(run -> {
                long physOffset = run.machine().ram().physical().read64(m.kimagePa() + m.offsets().physOffset());
                run.machine().setX(0, run.structPa() - physOffset);
            }, "x0 stays the linear-map VA of struct kimage, as machine_kexec passes it");
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            // sctlr_el1 is SCTLR_EL2 at EL2 with E2H = 1
            l.runFirst("mrs x1, sctlr_el1\nbic x1, x1, #1\nmsr sctlr_el1, x1\nisb\n", "SCTLR_EL" + l.state().currentEl() + ".M := 0");
        }
    },
    TTBR1_EMPTY_TABLE("kimage->arch.ttbr1 pointed at an empty table (the zero page)", "the linear-map copy's PA never stored, or "
            + "stored before trans_pgd_create_copy filled it", true) {
        @Override
        void model(ModelState m) {
            long zero = m.readKimage(m.offsets().zeroPage());
            long copy = m.first().regs().ttbr1();
            boolean vhe = m.first().regs().regime().el() == 2;
            m.writeKimage(m.offsets().ttbr1(), zero, "arch.ttbr1 := arch.zero_page");
            // the phase's registers are those in force while the code runs: after its break-before-make, TTBR1 is what
            // arch.ttbr1 names; the code reads struct kimage before that, through the TTBR1 it was entered with
            m.regs(0, m.first().regs().withTtbr1(zero), String.format("TTBR1 of phase '%s' after the code's break-before-make: 0x%x",
                    m.first().name(), zero));
            m.onMachine(run -> run.machine().setSysReg(vhe ? org.kexecverify.model.a64.SysRegId.TTBR1_EL2
                    : org.kexecverify.model.a64.SysRegId.TTBR1_EL1, copy), String.format("TTBR1 at entry 0x%x (the plan's linear-map copy "
                    + "stands for the old kernel's TTBR1: both map struct kimage's VA); the code installs arch.ttbr1 itself", copy));
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            long zero = l.readKimage(l.offsets().zeroPage());
            l.writeKimage(l.offsets().ttbr1(), zero, "arch.ttbr1 := arch.zero_page");
        }
    },
    EL2_VECTORS_ZERO("kimage->arch.el2_vectors set to 0 (without VHE the code then branches to the new kernel at EL1)",
            "trans_pgd_copy_el2_vectors skipped (is_hyp_nvhe() false where it should be true)", true) {
        @Override
        void model(ModelState m) {
            m.writeKimage(m.offsets().el2Vectors(), 0, "arch.el2_vectors := 0");
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            l.writeKimage(l.offsets().el2Vectors(), 0, "arch.el2_vectors := 0");
        }
    },
    UXN_ON_RELOCATION_LEAF("PTE_UXN (bit 54) set on the idmap leaf of the relocation page", "the 2019 RFC v2 mistake (PAGE_KERNEL_EXEC keeps "
            + "PTE_UXN) moved to 6.1: there the code runs at EL1 or EL2&0, where bit 54 is UXN and does not stop privileged execution", true) {
        @Override
        void model(ModelState m) {
            m.setLeafBits(UXN, 0, "PTE_UXN set");
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            l.setLeafBits(UXN, 0, "PTE_UXN set");
        }
    },
    TLBI_DROPPED("the tlbi vmalle1 of the TTBR1 break-before-make replaced by a nop", "a dropped TLB invalidation: entries of the old TTBR1 "
            + "may translate after the switch", false) {
        @Override
        int[] codeWord(DesignCode code) {
            return new int[] {ModelState.offsetOf(code, SysOp.TLBI_VMALLE1), NOP};
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            nop(l, SysOp.TLBI_VMALLE1);
        }
    },
    IC_IALLU_DROPPED("the ic iallu after the copy loop replaced by a nop", "a dropped I-cache invalidation: the new kernel's text may be "
            + "fetched stale", false) {
        @Override
        int[] codeWord(DesignCode code) {
            return new int[] {ModelState.offsetOf(code, SysOp.IC_IALLU), NOP};
        }

        @Override
        void qemu(LiveMachine l) throws IOException {
            nop(l, SysOp.IC_IALLU);
        }
    };

    static final long AF = 1L << 10;
    static final long PXN = 1L << 53;
    static final long UXN = 1L << 54;
    static final long IND_INDIRECTION = 0x2;
    /** An address with no RAM behind it on QEMU's virt board (2 GiB at 1 GiB) and in the bundled layouts (8 GiB at 1 GiB), mapped by no idmap. */
    static final long UNMAPPED = 0x10_0000_0000L;
    static final int NOP = 0xd503201f;

    private final String what;
    private final String mistake;
    private final boolean judgedByQemu;

    Injection(String what, String mistake, boolean judgedByQemu) {
        this.what = what;
        this.mistake = mistake;
        this.judgedByQemu = judgedByQemu;
    }

    /** What is changed, in words. */
    public String what() {
        return what;
    }

    /** The kernel mistake it stands for. */
    public String mistake() {
        return mistake;
    }

    /**
     * Whether QEMU can judge it: QEMU 7.2 has no caches and flushes its TLB on every SCTLR write, so a dropped
     * {@code ic}/{@code dc}/{@code tlbi} cannot fail there; only the emulator judges those, and they never count as agreement.
     */
    public boolean judgedByQemu() {
        return judgedByQemu;
    }

    /** {@code pxn-on-relocation-leaf}. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Injection of(String s) {
        for (Injection i : values()) if (i.cliName().equals(s) || i.name().equalsIgnoreCase(s)) return i;
        throw new IllegalArgumentException("unknown injection '" + s + "'");
    }

    /** A word of the code to replace before the plan is built ({offset in the entry blob, word}), or null. */
    int[] codeWord(DesignCode code) {
        return null;
    }

    /** The change on the project's model of the stopped state. */
    void model(ModelState m) {
    }

    /** The change on the machine QEMU stopped at kern_reloc. */
    abstract void qemu(LiveMachine l) throws IOException;

    /** Replaces the first {@code op} of the live relocation code (found by decoding it) with a nop. */
    static void nop(LiveMachine l, SysOp op) throws IOException {
        byte[] code = l.state().relocCode();
        for (int off = 0; off + 4 <= code.length; off += 4) {
            int w = (code[off] & 0xff) | (code[off + 1] & 0xff) << 8 | (code[off + 2] & 0xff) << 16 | (code[off + 3] & 0xff) << 24;
            Insn i = Decoder.decode(w);
            if (i.op == Op.SYS && SysOp.values()[i.aux] == op) {
                l.write32Phys(l.state().kernReloc() + off, NOP, String.format("kern_reloc+0x%x %s -> nop", off, op.text()));
                return;
            }
        }
        throw new IOException("no " + op.text() + " in the live relocation code (" + code.length + " bytes)");
    }
}
