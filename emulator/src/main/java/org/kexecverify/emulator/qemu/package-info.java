/**
 * QEMU ground truth: generated MMU-enable cases run bare-metal in {@code qemu-system-aarch64} and
 * through the project's model (and, through {@link org.kexecverify.emulator.qemu.CaseEngine}, any
 * other engine), which must agree on OK / EXCEPTION(EC, FSC, FAR page) / HANG.
 *
 * <pre>
 *  CaseGenerator(seed) -> QemuCase -> CaseMaterializer -> MaterializedCase
 *                                        (Layouts, DescriptorBits)   |-- regs + PhysicalMemory --> ModelOracle (Walker)
 *                                                                    '-- BareMetalCase --> CaseImageBuilder --> image
 *                                                                                           harness.S (GNU as/ld)
 *  image --> QemuRunner: qemu-system-aarch64 -M virt,virtualization=on -cpu {cortex-a57|max} -m 4G -d int -kernel image
 *            (CPU enters at EL2; el1 cases ERET to EL1h; el2h cases set HCR_EL2.E2H=1 on -cpu max)
 *            one "R index kind esr far elr" line per case on the PL011 UART; an exception loop (more than
 *            QemuRunner.FAULT_LOOP_LIMIT exceptions in QEMU's -d int log without a result) or silence is HANG
 * </pre>
 *
 * <p>Run: {@code mvn -B -pl emulator -am verify} (skipped with a reason when qemu-system-aarch64 or
 * binutils-aarch64-linux-gnu is missing). Reproduce or widen: {@code -Dkexecverify.qemu.seed=N
 * -Dkexecverify.qemu.cases=M}; silence limit {@code -Dkexecverify.qemu.hangMillis=300}.
 */
package org.kexecverify.emulator.qemu;
