// EL2 stub vector table in the shape of arch/arm64/mm/trans_pgd-asm.S (v5.16):
// sixteen 128-byte entries, every one an invalid-vector self loop except
// "Synchronous 64-bit EL1" (offset 0x400), which serves HVC_SET_VECTORS and
// HVC_SOFT_RESTART for the kexec and hibernate exit paths. Written for kexec-verify.
	.arch	armv8-a
	.text
	.equ	HVC_SET_VECTORS, 0
	.equ	HVC_SOFT_RESTART, 1
	.equ	HVC_STUB_ERR, 0xbadca11

	.align	11
trans_pgd_stub_vectors:
	// current EL with SP_EL0
	.align	7
el2t_sync_invalid:	b	.
	.align	7
el2t_irq_invalid:	b	.
	.align	7
el2t_fiq_invalid:	b	.
	.align	7
el2t_error_invalid:	b	.
	// current EL with SP_ELx: a fault taken at EL2 lands here and spins
	.align	7
el2h_sync_invalid:	b	.
	.align	7
el2h_irq_invalid:	b	.
	.align	7
el2h_fiq_invalid:	b	.
	.align	7
el2h_error_invalid:	b	.
	// lower EL, AArch64
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
	.align	7
el1_irq_invalid:	b	.
	.align	7
el1_fiq_invalid:	b	.
	.align	7
el1_error_invalid:	b	.
	// lower EL, AArch32
	.align	7
el1_sync_invalid_32:	b	.
	.align	7
el1_irq_invalid_32:	b	.
	.align	7
el1_fiq_invalid_32:	b	.
	.align	7
el1_error_invalid_32:	b	.
	.align	7
trans_pgd_stub_vectors_end:
	.org	trans_pgd_stub_vectors + 0x800
