/*
 * Timing wrapper around a scenario's relocation program, for qemu-system-aarch64 -M virt,virtualization=on.
 *
 * Linked (ELF, -kernel) at an address outside every page of the scenario's plan; the plan's memory (translation
 * tables, kimage entry list, struct kimage, control pages with the relocation code and the stub vectors, the
 * sources) is loaded beside it by QEMU's generic loader. The CPU enters _start at EL2 with the MMU off.
 *
 *   1. prints "B <CNTFRQ_EL0>";
 *   2. writes a trampoline (ldr x9, =reloc_done; br x9) into the source page that becomes kimage->start, so the
 *      new image's first instructions return here;
 *   3. programs the EL2 and EL1 registers the emulator's ScenarioRun sets (values in the params block appended
 *      by QemuRelocationBench: computed from the model's field tables, no bit position here), reads CNTVCT_EL0
 *      and ERETs to the relocation code at EL1h with x0 = struct kimage (linear-map VA);
 *   4. the relocation copies, cleans to the PoC, turns the EL1 MMU off and enters kimage->start at EL2 through
 *      HVC_SOFT_RESTART on the copied stub vectors: the trampoline branches to reloc_done, which reads CNTVCT_EL0;
 *   5. prints "T <cntvct before> <cntvct after> <CurrentEL>", compares every (destination, source) page pair of
 *      the verify list and prints "V <pages> <bad pages> <first bad word PA>", then "D" and PSCI SYSTEM_OFF.
 */
        .equ UART_BASE,    0x09000000
        .equ UART_FR,      0x18
        .equ UART_FR_TXFF, 5                    /* PL011 UARTFR.TXFF: transmit FIFO full */
        .equ PSCI_SYSTEM_OFF, 0x84000008
        .equ SPSR_EL1H_DAIF_MASKED, 0x3c5       /* PSTATE.M = EL1h, D/A/I/F masked */

        /* params block (64-bit words, written by QemuRelocationBench in this order) */
        .equ P_HCR_EL2, 0
        .equ P_SCTLR_EL2, 8
        .equ P_TCR_EL2, 16
        .equ P_MAIR_EL2, 24
        .equ P_TTBR0_EL2, 32
        .equ P_VBAR_EL2, 40
        .equ P_SCTLR_EL1, 48
        .equ P_TCR_EL1, 56
        .equ P_MAIR_EL1, 64
        .equ P_TTBR0_EL1, 72
        .equ P_TTBR1_EL1, 80
        .equ P_VBAR_EL1, 88
        .equ P_ENTRY, 96                        /* PA (= idmap VA) of arm64_relocate_new_kernel */
        .equ P_X0, 104                          /* struct kimage, linear-map VA */
        .equ P_TRAMPOLINE_PA, 112               /* source byte that is copied to kimage->start */

        .text
        .globl _start
_start:
        adr     x0, msg_boot
        bl      puts
        mrs     x0, cntfrq_el0
        bl      puthex
        bl      putnl

        ldr     x19, =params
        /* the new image's first instructions: branch back to reloc_done */
        ldr     x1, [x19, #P_TRAMPOLINE_PA]
        adr     x2, trampoline
        ldp     x3, x4, [x2]
        stp     x3, x4, [x1]

        ldr     x1, [x19, #P_HCR_EL2]
        msr     hcr_el2, x1
        ldr     x1, [x19, #P_SCTLR_EL2]
        msr     sctlr_el2, x1
        ldr     x1, [x19, #P_TCR_EL2]
        msr     tcr_el2, x1
        ldr     x1, [x19, #P_MAIR_EL2]
        msr     mair_el2, x1
        ldr     x1, [x19, #P_TTBR0_EL2]
        msr     ttbr0_el2, x1
        ldr     x1, [x19, #P_VBAR_EL2]
        msr     vbar_el2, x1
        ldr     x1, [x19, #P_TCR_EL1]
        msr     tcr_el1, x1
        ldr     x1, [x19, #P_MAIR_EL1]
        msr     mair_el1, x1
        ldr     x1, [x19, #P_TTBR0_EL1]
        msr     ttbr0_el1, x1
        ldr     x1, [x19, #P_TTBR1_EL1]
        msr     ttbr1_el1, x1
        ldr     x1, [x19, #P_VBAR_EL1]
        msr     vbar_el1, x1
        dsb     sy
        tlbi    alle1
        tlbi    alle2
        dsb     sy
        ic      iallu
        dsb     sy
        isb
        ldr     x1, [x19, #P_SCTLR_EL1]
        msr     sctlr_el1, x1
        ldr     x1, [x19, #P_ENTRY]
        msr     elr_el2, x1
        mov     x1, #SPSR_EL1H_DAIF_MASKED
        msr     spsr_el2, x1
        ldr     x0, [x19, #P_X0]
        isb
        mrs     x20, cntvct_el0
        adr     x1, t_before
        str     x20, [x1]
        isb
        eret

reloc_done:                                     /* at EL2, MMU off, from the trampoline at kimage->start */
        isb
        mrs     x21, cntvct_el0
        adr     x0, msg_time
        bl      puts
        adr     x1, t_before
        ldr     x0, [x1]
        bl      puthex
        bl      putsp
        mov     x0, x21
        bl      puthex
        bl      putsp
        mrs     x0, currentel
        bl      puthex
        bl      putnl

        ldr     x22, =verify_list
        ldr     x23, =verify_end
        mov     x24, xzr                        /* pages */
        mov     x25, xzr                        /* bad pages */
        mov     x26, xzr                        /* first bad word */
1:      cmp     x22, x23
        b.hs    4f
        ldp     x1, x2, [x22], #16              /* destination PA, source PA */
        add     x24, x24, #1
        mov     x3, #512
2:      ldr     x4, [x1], #8
        ldr     x5, [x2], #8
        cmp     x4, x5
        b.ne    3f
        subs    x3, x3, #1
        b.ne    2b
        b       1b
3:      cbnz    x25, 31f
        sub     x26, x1, #8
31:     add     x25, x25, #1
        b       1b
4:      adr     x0, msg_verify
        bl      puts
        mov     x0, x24
        bl      puthex
        bl      putsp
        mov     x0, x25
        bl      puthex
        bl      putsp
        mov     x0, x26
        bl      puthex
        bl      putnl
        adr     x0, msg_done
        bl      puts
        ldr     x0, =PSCI_SYSTEM_OFF
        smc     #0
        b       .

        .balign 8
trampoline:                                     /* copied (16 bytes) to kimage->start's source */
        ldr     x9, 1f
        br      x9
1:      .quad   reloc_done

/* ---- UART output (clobbers x14-x17) ---- */
putc:   /* w0 = char */
        ldr     x14, =UART_BASE
1:      ldr     w15, [x14, #UART_FR]
        tbnz    w15, #UART_FR_TXFF, 1b
        strb    w0, [x14]
        ret
puts:   /* x0 = NUL-terminated string */
        mov     x17, x30
        mov     x16, x0
1:      ldrb    w0, [x16], #1
        cbz     w0, 2f
        bl      putc
        b       1b
2:      mov     x30, x17
        ret
puthex: /* x0 = value, 16 hex digits */
        mov     x17, x30
        mov     x16, x0
        mov     x13, #60
1:      lsr     x0, x16, x13
        and     x0, x0, #0xf
        cmp     x0, #10
        add     x15, x0, #'0'
        add     x0, x0, #('a' - 10)
        csel    x0, x15, x0, lo
        bl      putc
        subs    x13, x13, #4
        b.pl    1b
        mov     x30, x17
        ret
putsp:  mov     x0, #' '
        b       putc
putnl:  mov     x0, #'\n'
        b       putc
        .ltorg

msg_boot:   .asciz "B "
msg_time:   .asciz "T "
msg_verify: .asciz "V "
msg_done:   .asciz "D\n"

        .data
        .balign 8
t_before:   .quad 0
/* params and verify_list/verify_end follow (appended by QemuRelocationBench) */
