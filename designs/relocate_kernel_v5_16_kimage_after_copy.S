// Relocation loop in the shape of arch/arm64/kernel/relocate_kernel.S as merged for v5.16
// (struct kimage passed as the only argument) and before "arm64: kexec: load from kimage prior
// to clobbering" (eb3d8ea3e1f0, 2022): the list head, zero page, TTBR1 copy and phys_offset are
// read at the start, but the entry point, the EL2 vectors and the dtb address are read from
// struct kimage after the copy loop, through the linear map. struct kimage is ordinary kmalloc()
// memory: when it sits inside a destination the copy has overwritten it by then, and the new
// image is entered at whatever the copied segment holds at those offsets.
// Argument: x0 = struct kimage * (linear-map VA). Written for kexec-verify.
	.arch	armv8-a
	.text
	.equ	IND_DESTINATION_BIT, 0
	.equ	IND_INDIRECTION_BIT, 1
	.equ	IND_DONE_BIT, 2
	.equ	IND_SOURCE_BIT, 3
	.equ	PAGE_SIZE, 4096
	.equ	PAGE_MASK, ~(PAGE_SIZE - 1)
	.equ	HVC_SOFT_RESTART, 1
	.equ	INIT_SCTLR_EL1_MMU_OFF, 0x30500800	// LSMAOE | nTLSMD | EIS | TSCXT | EOS, little-endian
	// struct kimage field offsets (asm-offsets; must equal org.kexecverify.model.scenario.KimageStruct)
	.equ	KIMAGE_HEAD, 0x00
	.equ	KIMAGE_START, 0x08
	.equ	KIMAGE_ARCH_DTB_MEM, 0x10
	.equ	KIMAGE_ARCH_EL2_VECTORS, 0x18
	.equ	KIMAGE_ARCH_ZERO_PAGE, 0x20
	.equ	KIMAGE_ARCH_TTBR1, 0x28
	.equ	KIMAGE_ARCH_PHYS_OFFSET, 0x30

arm64_relocate_new_kernel:
	// the list loop variables only: the rest of struct kimage is read after the copy
	ldr	x18, [x0, #KIMAGE_ARCH_ZERO_PAGE]
	ldr	x17, [x0, #KIMAGE_ARCH_TTBR1]
	ldr	x16, [x0, #KIMAGE_HEAD]
	ldr	x22, [x0, #KIMAGE_ARCH_PHYS_OFFSET]
	mrs	x15, ctr_el0			// raw_dcache_line_size
	ubfx	x15, x15, #16, #4
	mov	x1, #4
	lsl	x15, x1, x15
	mov	x14, xzr			// ptr
	mov	x13, xzr			// dest

	// break_before_make_ttbr_switch zero_page, ttbr1
	msr	ttbr1_el1, x18
	isb
	tlbi	vmalle1
	dsb	nsh
	msr	ttbr1_el1, x17
	isb

.Lloop:
	and	x12, x16, PAGE_MASK		// x12 = addr
	sub	x12, x12, x22			// phys to linear VA
	tbnz	x16, IND_DONE_BIT, .Ldone

	tbz	x16, IND_SOURCE_BIT, .Ltest_indirection
	mov	x19, x13
	// copy_page(dest = x13, src = x12) through the linear map
1:	ldp	x1, x2, [x12]
	ldp	x3, x4, [x12, #16]
	ldp	x5, x6, [x12, #32]
	ldp	x7, x8, [x12, #48]
	add	x12, x12, #64
	stp	x1, x2, [x13], #16
	stp	x3, x4, [x13], #16
	stp	x5, x6, [x13], #16
	stp	x7, x8, [x13], #16
	tst	x12, #(PAGE_SIZE - 1)
	b.ne	1b
	// dcache_by_myline_op civac: clean and invalidate the destination page to the PoC
	add	x1, x19, #PAGE_SIZE
	sub	x20, x15, #1
	bic	x20, x19, x20
2:	dc	civac, x20
	add	x20, x20, x15
	cmp	x20, x1
	b.lo	2b
	dsb	sy
	b	.Lnext

.Ltest_indirection:
	tbz	x16, IND_INDIRECTION_BIT, .Ltest_destination
	mov	x14, x12			// ptr = addr
	b	.Lnext

.Ltest_destination:
	tbz	x16, IND_DESTINATION_BIT, .Lnext
	mov	x13, x12			// dest = addr

.Lnext:
	ldr	x16, [x14], #8			// entry = *ptr++
	b	.Lloop

.Ldone:
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	// struct kimage fields read now, after every page was copied (the bug)
	ldr	x4, [x0, #KIMAGE_START]
	ldr	x1, [x0, #KIMAGE_ARCH_EL2_VECTORS]
	ldr	x0, [x0, #KIMAGE_ARCH_DTB_MEM]
	// turn_off_mmu: from here VA == PA, this page is identity mapped
	movz	x12, #(INIT_SCTLR_EL1_MMU_OFF & 0xffff)
	movk	x12, #(INIT_SCTLR_EL1_MMU_OFF >> 16), lsl #16
	msr	sctlr_el1, x12
	isb

	cbz	x1, .Lel1
	mov	x1, x4				// kernel entry point
	mov	x2, x0				// dtb address
	mov	x3, xzr
	mov	x4, xzr
	mov	x0, #HVC_SOFT_RESTART
	hvc	#0				// jumps into the new image at EL2

.Lel1:
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x4
	.org	4096
