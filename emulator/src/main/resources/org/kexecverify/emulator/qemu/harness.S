/*
 * Bare-metal case runner for qemu-system-aarch64 -M virt,virtualization=on.
 *
 * Loaded as a raw kernel image at 0x40080000; the CPU enters at EL2 with the MMU off.
 * A case blob (built by CaseImageBuilder) follows the program at BLOB_OFFSET. For each
 * case record, starting at the header's start index, the runner:
 *   1. copies the case's pages (translation tables, code and vector templates) to their
 *      physical addresses with the MMU off;
 *   2. programs the regime's MAIR/TCR/TTBR/VBAR (EL2 for "el2" and "el2h", EL1 for "el1");
 *   3. enters the code page (br at EL2, eret to EL1h for "el1"). The code page itself does
 *      the optional TLBI, writes SCTLR_ELx with M set, and then runs with the MMU on:
 *      optional BRK through VBAR (vector stub returns past it), optional load and store
 *      to the data page, and reports OK;
 *   4. a fault is taken through the case's vector page, whose stub reports ESR/FAR;
 *      if the vector fetch itself faults the CPU loops taking Prefetch Aborts and the host
 *      sees silence (HANG).
 * One line per case on the PL011 UART:  "R <index> <kind> <esr> <far> <elr>"
 *   kind 0 = ran to completion, 1 = exception taken through the case's vectors.
 * Every register value (HCR_EL2, SCTLR on/off, TCR, ...) is computed by the Java side from
 * the model's field tables; this file holds no descriptor or system-register bit position.
 *
 * Case-entry register contract (template pages below):
 *   x0 SCTLR value with the MMU off, x1 SCTLR value with M set, x2 data VA,
 *   x3 do load, x4 do store, x5 do BRK, x6 do TLBI, x26 VA of the BRK instruction
 *   (or 1 when no BRK), x28 PA of case_return.  Out: x7 kind, x10 ESR, x11 FAR, x12 ELR.
 */

        .equ UART_BASE,    0x09000000
        .equ UART_FR,      0x18
        .equ UART_FR_TXFF, 5                    /* PL011 UARTFR.TXFF: transmit FIFO full */
        .equ PSCI_SYSTEM_OFF, 0x84000008
        .equ SPSR_EL1H_DAIF_MASKED, 0x3c5       /* PSTATE.M = EL1h, D/A/I/F masked */
        .equ BLOB_OFFSET,  0x20000              /* case blob offset in the image */

        /* case blob header: magic, start index, count, record stride (bytes) */
        .equ HDR_START, 8
        .equ HDR_COUNT, 16
        .equ HDR_STRIDE, 24
        .equ HDR_SIZE, 64
        /* case record: 64-bit words */
        .equ REC_REGIME, 0          /* 0 el1, 1 el2, 2 el2h */
        .equ REC_HCR, 8
        .equ REC_SCTLR_ON, 16
        .equ REC_SCTLR_OFF, 24
        .equ REC_TCR, 32
        .equ REC_MAIR, 40
        .equ REC_TTBR0, 48
        .equ REC_TTBR1, 56
        .equ REC_VBAR, 64
        .equ REC_ENTRY, 72
        .equ REC_DATA, 80
        .equ REC_READ, 88
        .equ REC_WRITE, 96
        .equ REC_BRK, 104
        .equ REC_TLBI, 112
        .equ REC_BRK_VA, 120
        .equ REC_NPAGES, 128
        .equ REC_PAGES, 136         /* npages x (dst PA, src PA) */

        .text
        .globl _start
_start:
        ldr     x1, =stack_top
        mov     sp, x1
        adr     x1, harness_vectors
        msr     vbar_el2, x1
        mrs     x1, hcr_el2
        adr     x2, saved_hcr
        str     x1, [x2]
        isb

        adr     x0, msg_boot
        bl      puts
        mrs     x0, id_aa64mmfr0_el1
        bl      puthex
        bl      putsp
        mrs     x0, id_aa64mmfr1_el1
        bl      puthex
        bl      putsp
        mrs     x0, midr_el1
        bl      puthex
        bl      putsp
        mrs     x0, CurrentEL
        bl      puthex
        bl      putnl

        ldr     x22, =blob
        ldr     x20, [x22, #HDR_START]
        ldr     x21, [x22, #HDR_COUNT]
        ldr     x23, [x22, #HDR_STRIDE]

next_case:
        cmp     x20, x21
        b.hs    all_done
        add     x19, x22, #HDR_SIZE
        madd    x19, x20, x23, x19          /* x19 = record */

        /* 1. copy pages, MMU off */
        ldr     x24, [x19, #REC_NPAGES]
        add     x25, x19, #REC_PAGES
1:      cbz     x24, 3f
        ldp     x14, x15, [x25], #16        /* dst, src */
        mov     x16, #4096
2:      ldp     x8, x9, [x15], #16
        stp     x8, x9, [x14], #16
        subs    x16, x16, #16
        b.ne    2b
        sub     x24, x24, #1
        b       1b
3:      dsb     ish
        ic      iallu
        dsb     ish
        isb

        /* 2. registers for the case */
        ldr     x0, [x19, #REC_SCTLR_OFF]
        ldr     x1, [x19, #REC_SCTLR_ON]
        ldr     x2, [x19, #REC_DATA]
        ldr     x3, [x19, #REC_READ]
        ldr     x4, [x19, #REC_WRITE]
        ldr     x5, [x19, #REC_BRK]
        ldr     x6, [x19, #REC_TLBI]
        ldr     x26, [x19, #REC_BRK_VA]
        adr     x28, case_return
        mov     x7, #7
        mov     x10, xzr
        mov     x11, xzr
        mov     x12, xzr
        ldr     x8, [x19, #REC_REGIME]
        cbz     x8, enter_el1

        /* el2 / el2h: HCR_EL2 (E2H for VHE) first, then the EL2 regime registers */
        ldr     x9, [x19, #REC_HCR]
        msr     hcr_el2, x9
        isb
        msr     sctlr_el2, x0
        ldr     x9, [x19, #REC_MAIR]
        msr     mair_el2, x9
        ldr     x9, [x19, #REC_TCR]
        msr     tcr_el2, x9
        ldr     x9, [x19, #REC_TTBR0]
        msr     ttbr0_el2, x9
        cmp     x8, #2
        b.ne    4f
        ldr     x9, [x19, #REC_TTBR1]
        msr     ttbr1_el2, x9               /* FEAT_VHE only: el2h cases run on -cpu max */
4:      ldr     x9, [x19, #REC_VBAR]
        msr     vbar_el2, x9
        isb
        ldr     x9, [x19, #REC_ENTRY]
        br      x9

enter_el1:
        ldr     x9, [x19, #REC_HCR]
        msr     hcr_el2, x9
        msr     sctlr_el1, x0
        ldr     x9, [x19, #REC_MAIR]
        msr     mair_el1, x9
        ldr     x9, [x19, #REC_TCR]
        msr     tcr_el1, x9
        ldr     x9, [x19, #REC_TTBR0]
        msr     ttbr0_el1, x9
        ldr     x9, [x19, #REC_TTBR1]
        msr     ttbr1_el1, x9
        ldr     x9, [x19, #REC_VBAR]
        msr     vbar_el1, x9
        ldr     x9, [x19, #REC_ENTRY]
        msr     elr_el2, x9
        mov     x9, #SPSR_EL1H_DAIF_MASKED
        msr     spsr_el2, x9
        isb
        eret

        /* 3. back at EL2, MMU off (x7/x10/x11/x12 hold the result) */
case_return:
        adr     x9, saved_hcr
        ldr     x9, [x9]
        msr     hcr_el2, x9
        isb
        adr     x9, harness_vectors
        msr     vbar_el2, x9
        isb
        mov     x24, x7
        mov     x25, x10
        mov     x27, x11
        mov     x18, x12
        adr     x0, msg_result
        bl      puts
        mov     x0, x20
        bl      puthex
        bl      putsp
        mov     x0, x24
        bl      puthex
        bl      putsp
        mov     x0, x25
        bl      puthex
        bl      putsp
        mov     x0, x27
        bl      puthex
        bl      putsp
        mov     x0, x18
        bl      puthex
        bl      putnl
        add     x20, x20, #1
        b       next_case

all_done:
        adr     x0, msg_done
        bl      puts
        ldr     x0, =PSCI_SYSTEM_OFF
        smc     #0
        b       .

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

/* ---- harness EL2 vectors (MMU off at EL2 while an el1 case runs) ---- */
        .balign 2048
harness_vectors:
        .rept 8                             /* current EL: never expected */
        .balign 128
        b       unexpected
        .endr
        .balign 128                         /* 0x400: lower EL AArch64 synchronous: HVC from an el1 case */
        mrs     x13, esr_el2
        msr     sctlr_el1, x0
        isb
        b       el1_case_done
        .rept 7
        .balign 128
        b       unexpected
        .endr

el1_case_done:
        b       case_return

unexpected:
        mrs     x24, esr_el2
        mrs     x25, elr_el2
        adr     x0, msg_unexpected
        bl      puts
        mov     x0, x20
        bl      puthex
        bl      putsp
        mov     x0, x24
        bl      puthex
        bl      putsp
        mov     x0, x25
        bl      puthex
        bl      putnl
        ldr     x0, =PSCI_SYSTEM_OFF
        smc     #0
        b       .

        .ltorg

/* ---- per-case page templates, copied to the case's code / vector pages ---- */
        .balign 4096
        .globl code_el2
code_el2:                                   /* el2 and el2h: runs at EL2, MMU off on entry */
        cbz     x6, 1f
        tlbi    alle2
        dsb     ish
1:      isb
        msr     sctlr_el2, x1
        isb
        cbz     x5, 2f
        .globl code_el2_brk
code_el2_brk:
        brk     #0x4b
2:      cbz     x3, 3f
        ldr     x9, [x2]
3:      cbz     x4, 4f
        str     x9, [x2]
4:      mov     x7, #0
        msr     sctlr_el2, x0
        isb
        br      x28

        .balign 4096
        .globl code_el1
code_el1:                                   /* el1: entered by eret to EL1h, MMU off */
        cbz     x6, 1f
        tlbi    vmalle1
        dsb     ish
1:      isb
        msr     sctlr_el1, x1
        isb
        cbz     x5, 2f
        .globl code_el1_brk
code_el1_brk:
        brk     #0x4b
2:      cbz     x3, 3f
        ldr     x9, [x2]
3:      cbz     x4, 4f
        str     x9, [x2]
4:      mov     x7, #0
        hvc     #0

        .macro vec_el2_entry kind
        .balign 128
        mrs     x12, elr_el2
        cmp     x12, x26
        b.ne    1f
        add     x12, x12, #4                /* the requested BRK: step over it */
        msr     elr_el2, x12
        eret
1:      mrs     x10, esr_el2
        mrs     x11, far_el2
        mov     x7, #\kind
        msr     sctlr_el2, x0
        isb
        br      x28
        .endm

        .macro vec_el1_entry kind
        .balign 128
        mrs     x12, elr_el1
        cmp     x12, x26
        b.ne    1f
        add     x12, x12, #4
        msr     elr_el1, x12
        eret
1:      mrs     x10, esr_el1
        mrs     x11, far_el1
        mov     x7, #\kind
        hvc     #0
        .endm

        .balign 4096
        .globl vec_el2
vec_el2:                                    /* kind 1: synchronous at current EL with SP_ELx */
        vec_el2_entry 2
        vec_el2_entry 3
        vec_el2_entry 3
        vec_el2_entry 3
        vec_el2_entry 1
        vec_el2_entry 3
        vec_el2_entry 3
        vec_el2_entry 3
        .rept 8
        vec_el2_entry 4
        .endr

        .balign 4096
        .globl vec_el1
vec_el1:
        vec_el1_entry 2
        vec_el1_entry 3
        vec_el1_entry 3
        vec_el1_entry 3
        vec_el1_entry 1
        vec_el1_entry 3
        vec_el1_entry 3
        vec_el1_entry 3
        .rept 8
        vec_el1_entry 4
        .endr

        .balign 4096
        .data
saved_hcr:      .quad 0
msg_boot:       .asciz "B "
msg_result:     .asciz "R "
msg_done:       .asciz "D\n"
msg_unexpected: .asciz "X "
        .balign 16
        .space 4096
stack_top:
