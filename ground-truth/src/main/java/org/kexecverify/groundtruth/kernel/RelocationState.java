package org.kexecverify.groundtruth.kernel;

import java.util.List;
import java.util.Map;
import org.kexecverify.groundtruth.kernel.GuestPackages.PackageVersion;
import org.kexecverify.kernels.debian.DebianArchive.Suite;

/**
 * The machine at the first instruction of the relocation code ({@code kimage->arch.kern_reloc}), read through
 * QEMU's gdbstub.
 *
 * @param machineKexec    address of {@code machine_kexec} (the first breakpoint)
 * @param kimage          {@code x0} at {@code machine_kexec}: the struct kimage (a kernel VA)
 * @param kernRelocOffset the offset of {@code arch.kern_reloc} in struct kimage, found as the field whose value is a
 *                        physical address holding the bytes of {@code arm64_relocate_new_kernel} (656 in 6.1)
 * @param arch            the {@code struct kimage_arch} fields from {@code dtb_mem} on, read at {@code machine_kexec}
 *                        ({@code dtb_mem kern_reloc el2_vectors ttbr0 ttbr1 zero_page phys_offset t0sz})
 * @param pc              PC at the stop: {@code kern_reloc} (VA == PA: the idmap in TTBR0)
 * @param cpsr            PSTATE as CPSR; CurrentEL is bits [3:2]
 * @param x               x0..x30 at the stop (x0 = the struct kimage VA again)
 * @param sysregs         every system register QEMU 7.2's gdbstub exposes, by its name there ({@code SCTLR} is
 *                        SCTLR_EL1, {@code VBAR} is VBAR_EL1; raw values, no E2H redirection)
 * @param codeMatches     whether the bytes at {@code kern_reloc} (physical) equal the kernel's
 *                        {@code arm64_relocate_new_kernel} (virtual)
 * @param relocCode       the relocation code as it sits in the control page (physical read, code length)
 * @param symbols         the first kernel's kallsyms lines /init printed (name to address, {@code nokaslr})
 */
public record RelocationState(Suite suite, GuestCpu cpu, PackageVersion kernel, long machineKexec, long kimage, int kernRelocOffset,
                              Map<String, Long> arch, long pc, long cpsr, long sp, List<Long> x, Map<String, Long> sysregs,
                              boolean codeMatches, byte[] relocCode, Map<String, Long> symbols) {

    /** The {@code struct kimage_arch} fields from {@code dtb_mem}, in declaration order (6.1 and 6.12 alike). */
    public static final List<String> ARCH_FIELDS = List.of("dtb_mem", "kern_reloc", "el2_vectors", "ttbr0", "ttbr1", "zero_page",
            "phys_offset", "t0sz");

    public RelocationState {
        arch = Map.copyOf(arch);
        x = List.copyOf(x);
        sysregs = Map.copyOf(sysregs);
        relocCode = relocCode.clone();
        symbols = Map.copyOf(symbols);
    }

    /** CurrentEL at the stop (CPSR bits [3:2]). */
    public int currentEl() {
        return (int) ((cpsr >>> 2) & 3);
    }

    public long kernReloc() {
        return arch.get("kern_reloc");
    }

    /** A system register by the name QEMU's gdbstub gives it, or null. */
    public Long sysreg(String name) {
        return sysregs.get(name);
    }

    @Override
    public byte[] relocCode() {
        return relocCode.clone();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        b.append(suite.codename()).append(" / ").append(cpu.qemuCpu()).append(" (").append(kernel).append("): stopped at kern_reloc\n");
        b.append(String.format("  machine_kexec 0x%016x  kimage 0x%016x  kern_reloc at +%d%n", machineKexec, kimage, kernRelocOffset));
        for (String f : ARCH_FIELDS) b.append(String.format("  arch.%-12s 0x%016x%n", f, arch.getOrDefault(f, 0L)));
        b.append(String.format("  pc 0x%016x  cpsr 0x%08x (EL%d)  sp 0x%016x  x0 0x%016x x1 0x%016x x2 0x%016x x3 0x%016x%n", pc, cpsr,
                currentEl(), sp, x.get(0), x.get(1), x.get(2), x.get(3)));
        for (String r : List.of("SCTLR", "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "VBAR", "HCR_EL2", "SCTLR_EL2", "TTBR0_EL2",
                "TCR_EL2", "VBAR_EL2")) {
            if (sysregs.containsKey(r)) b.append(String.format("  %-10s 0x%016x%n", r, sysregs.get(r)));
        }
        b.append("  code at kern_reloc ").append(codeMatches ? "==" : "!=").append(" arm64_relocate_new_kernel (").append(relocCode.length)
                .append(" bytes)\n");
        return b.toString();
    }
}
