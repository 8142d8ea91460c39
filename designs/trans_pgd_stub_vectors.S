// EL2 stub vector table in the shape of arch/arm64/mm/trans_pgd-asm.S (v5.16, as Linux 6.1
// builds it): sixteen 128-byte entries; every invalid entry is the kernel's invalid_vector
// macro (written out here) -- its label sits at the end of the previous entry, `.align 7` pads with NOPs and the
// entry branches back to the label -- so a fault spins through the padding (32 instructions),
// not on a `b .` (only the very first entry, with no padding before it, is a self branch).
// "Synchronous 64-bit EL1" (offset 0x400) serves HVC_SET_VECTORS and HVC_SOFT_RESTART for the
// kexec and hibernate exit paths. Written for kexec-verify.
	.arch	armv8-a
	.text
	.equ	HVC_SET_VECTORS, 0
	.equ	HVC_SOFT_RESTART, 1
	.equ	HVC_STUB_ERR, 0xbadca11

	.align	11
trans_pgd_stub_vectors:
	// current EL with SP_EL0
el2t_sync_invalid:	.align	7
	b	el2t_sync_invalid
el2t_irq_invalid:	.align	7
	b	el2t_irq_invalid
el2t_fiq_invalid:	.align	7
	b	el2t_fiq_invalid
el2t_error_invalid:	.align	7
	b	el2t_error_invalid
	// current EL with SP_ELx: a fault taken at EL2 lands here and spins
el2h_sync_invalid:	.align	7
	b	el2h_sync_invalid
el2h_irq_invalid:	.align	7
	b	el2h_irq_invalid
el2h_fiq_invalid:	.align	7
	b	el2h_fiq_invalid
el2h_error_invalid:	.align	7
	b	el2h_error_invalid
	// lower EL, AArch64
el1_sync_pad:
	.align	7
el1_sync:
	cmp	x0, #HVC_SET_VECTORS
	b.ne	1f
	msr	vbar_el2, x1
	mov	x0, xzr
	eret
1:	cmp	x0, #HVC_SOFT_RESTART
	b.ne	2f
	mov	x0, x2			// first argument for the new image
	mov	x2, x4
	mov	x4, x1			// entry point
	mov	x1, x3
	br	x4			// stays at EL2 with the EL2 MMU as it is (off)
2:	movz	x0, #(HVC_STUB_ERR & 0xffff)
	movk	x0, #(HVC_STUB_ERR >> 16), lsl #16
	eret
el1_irq_invalid:	.align	7
	b	el1_irq_invalid
el1_fiq_invalid:	.align	7
	b	el1_fiq_invalid
el1_error_invalid:	.align	7
	b	el1_error_invalid
	// lower EL, AArch32
el1_sync_invalid_32:	.align	7
	b	el1_sync_invalid_32
el1_irq_invalid_32:	.align	7
	b	el1_irq_invalid_32
el1_fiq_invalid_32:	.align	7
	b	el1_fiq_invalid_32
el1_error_invalid_32:	.align	7
	b	el1_error_invalid_32
	.align	7
trans_pgd_stub_vectors_end:
	.org	trans_pgd_stub_vectors + 0x800
