// Relocation loop in the shape of arch/arm64/kernel/relocate_kernel.S before 2019:
// entered through cpu_soft_restart with the MMU and caches off (at EL2 after
// HVC_SOFT_RESTART when booted there), walks the kimage entry list with identity
// addresses, invalidates each destination page to the PoC (dc ivac) before the
// uncached copy, then invalidates the I-cache and jumps to the new image.
// Arguments: x0 = kimage_head, x1 = kimage_start (entry), x2 = dtb. Written for kexec-verify.
	.arch	armv8-a
	.text
	.equ	IND_DESTINATION_BIT, 0
	.equ	IND_INDIRECTION_BIT, 1
	.equ	IND_DONE_BIT, 2
	.equ	IND_SOURCE_BIT, 3
	.equ	PAGE_SIZE, 4096
	.equ	PAGE_MASK, ~(PAGE_SIZE - 1)
	.equ	CurrentEL_EL2, (2 << 2)
	.equ	SCTLR_ELx_FLAGS, 0x0020100f	// M | A | C | SA | I | IESB

arm64_relocate_new_kernel:
	mov	x18, x2				// dtb
	mov	x17, x1				// entry
	mov	x16, x0				// head
	mrs	x15, ctr_el0			// raw_dcache_line_size
	ubfx	x15, x15, #16, #4
	mov	x1, #4
	lsl	x15, x1, x15
	mov	x14, xzr			// ptr
	mov	x13, xzr			// dest

	mrs	x0, currentel
	cmp	x0, #CurrentEL_EL2
	b.ne	1f
	mrs	x0, sctlr_el2
	movz	x1, #(SCTLR_ELx_FLAGS & 0xffff)
	movk	x1, #(SCTLR_ELx_FLAGS >> 16), lsl #16
	bic	x0, x0, x1
	pre_disable_mmu_workaround:
	msr	sctlr_el2, x0
	isb
1:
	tbnz	x16, IND_DONE_BIT, .Ldone

.Lloop:
	and	x12, x16, PAGE_MASK		// address from the entry

	tbz	x16, IND_SOURCE_BIT, .Ltest_indirection

	// invalidate the destination page to the PoC: no stale line may be written back over the copy
	mov	x0, x13
	add	x20, x0, #PAGE_SIZE
	sub	x1, x15, #1
	bic	x0, x0, x1
2:	dc	ivac, x0
	add	x0, x0, x15
	cmp	x0, x20
	b.lo	2b
	dsb	sy

	// copy_page(dest = x13, src = x12): 64 bytes per iteration, x13 and x12 advance
3:	ldp	x1, x2, [x12]
	ldp	x3, x4, [x12, #16]
	ldp	x5, x6, [x12, #32]
	ldp	x7, x8, [x12, #48]
	add	x12, x12, #64
	stp	x1, x2, [x13], #16
	stp	x3, x4, [x13], #16
	stp	x5, x6, [x13], #16
	stp	x7, x8, [x13], #16
	tst	x12, #(PAGE_SIZE - 1)
	b.ne	3b
	b	.Lnext

.Ltest_indirection:
	tbz	x16, IND_INDIRECTION_BIT, .Ltest_destination
	mov	x14, x12
	b	.Lnext

.Ltest_destination:
	tbz	x16, IND_DESTINATION_BIT, .Lnext
	mov	x13, x12

.Lnext:
	ldr	x16, [x14], #8
	tbz	x16, IND_DONE_BIT, .Lloop

.Ldone:
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb

	mov	x0, x18
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x17
	.org	4096
