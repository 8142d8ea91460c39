// Relocation with the MMU on at EL2, in the shape of the 2019 RFC v2 "arm64: kexec: enable
// MMU during kexec relocation" (8/8): entered at EL2 with the MMU off (after
// HVC_SOFT_RESTART), it programs TTBR0_EL2 with the transitional table, derives TCR_EL2
// from TCR_EL1 (TCR_EL2_MASK, RES1, T0SZ(VA_BITS), PS from ID_AA64MMFR0_EL1), copies
// MAIR_EL1 to MAIR_EL2, writes SCTLR_EL2 = SCTLR_EL2_RES1 | SCTLR_ELx_FLAGS, then
// `ic iallu; dsb nsh; isb` (no isb straight after the msr), and copies with identity
// addresses. Argument: x0 = PA of struct kern_reloc_arg. Written for kexec-verify.
	.arch	armv8-a
	.text
	.equ	IND_DESTINATION_BIT, 0
	.equ	IND_INDIRECTION_BIT, 1
	.equ	IND_DONE_BIT, 2
	.equ	IND_SOURCE_BIT, 3
	.equ	PAGE_SIZE, 4096
	.equ	PAGE_MASK, ~(PAGE_SIZE - 1)
	.equ	CurrentEL_EL2, (2 << 2)
	.equ	SCTLR_ELx_FLAGS, 0x0020100f		// M | A | C | SA | I | IESB
	.equ	SCTLR_EL2_RES1, 0x30c50830
	.equ	SCTLR_EL2_MMU_ON, (SCTLR_EL2_RES1 | SCTLR_ELx_FLAGS)	// 0x30e5183f
	.equ	TCR_EL2_MASK, 0xff3f			// TG0 | SH0 | ORGN0 | IRGN0 | T0SZ
	.equ	TCR_EL2_RES1, 0x80800000
	.equ	TCR_EL2_PS_SHIFT, 16
	.equ	VA_BITS, 48
	.equ	ID_AA64MMFR0_PARANGE_MAX, 5		// 48 bits
	// struct kern_reloc_arg field offsets of this model
	.equ	KRELOC_HEAD, 0
	.equ	KRELOC_ENTRY_ADDR, 8
	.equ	KRELOC_KERN_ARG0, 16
	.equ	KRELOC_TRANS_TABLE, 24
	// ... named after the struct kimage fields machine_kexec copies into them, so that the
	// builders write the argument struct the code reads
	.equ	KIMAGE_HEAD, KRELOC_HEAD
	.equ	KIMAGE_START, KRELOC_ENTRY_ADDR
	.equ	KIMAGE_ARCH_DTB_MEM, KRELOC_KERN_ARG0
	.equ	KIMAGE_ARCH_TTBR0, KRELOC_TRANS_TABLE

arm64_relocate_new_kernel:
	ldr	x16, [x0, #KRELOC_HEAD]
	ldr	x17, [x0, #KRELOC_ENTRY_ADDR]
	ldr	x18, [x0, #KRELOC_KERN_ARG0]
	ldr	x19, [x0, #KRELOC_TRANS_TABLE]
	mov	x14, xzr			// ptr
	mov	x13, xzr			// dest

	mrs	x0, currentel
	cmp	x0, #CurrentEL_EL2
	b.ne	.Lel1_unsupported

	// MMU off at EL2, then throw away every EL1 and EL2 translation
	mrs	x0, sctlr_el2
	movz	x1, #(SCTLR_ELx_FLAGS & 0xffff)
	movk	x1, #(SCTLR_ELx_FLAGS >> 16), lsl #16
	bic	x0, x0, x1
	msr	sctlr_el2, x0
	isb
	dsb	sy
	tlbi	alle2
	tlbi	alle1
	dsb	ish
	isb

	cbz	x19, .Lcopy			// no transitional table: copy with the MMU off

	msr	ttbr0_el2, x19
	isb
	// TCR_EL2 = (TCR_EL1 & TCR_EL2_MASK) | TCR_EL2_RES1 | T0SZ(VA_BITS) | PS
	mrs	x0, tcr_el1
	mov	x1, #TCR_EL2_MASK
	and	x0, x0, x1
	movz	x1, #(TCR_EL2_RES1 >> 16), lsl #16
	orr	x0, x0, x1
	bic	x0, x0, #0x3f
	orr	x0, x0, #(64 - VA_BITS)
	// tcr_compute_pa_size: PS = min(ID_AA64MMFR0_EL1.PARange, max)
	mrs	x1, id_aa64mmfr0_el1
	ubfx	x1, x1, #0, #3
	mov	x2, #ID_AA64MMFR0_PARANGE_MAX
	cmp	x1, x2
	csel	x1, x2, x1, hi
	bfi	x0, x1, #TCR_EL2_PS_SHIFT, #3
	msr	tcr_el2, x0
	mrs	x0, mair_el1
	msr	mair_el2, x0
	movz	x0, #(SCTLR_EL2_MMU_ON & 0xffff)
	movk	x0, #(SCTLR_EL2_MMU_ON >> 16), lsl #16
	msr	sctlr_el2, x0
	ic	iallu
	dsb	nsh
	isb

.Lcopy:
	tbnz	x16, IND_DONE_BIT, .Ldone
.Lloop:
	and	x12, x16, PAGE_MASK
	tbz	x16, IND_SOURCE_BIT, .Ltest_indirection
	// copy_page(dest = x13, src = x12), identity addresses
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
	// MMU and caches off again before entering the new image
	mrs	x0, sctlr_el2
	movz	x1, #(SCTLR_ELx_FLAGS & 0xffff)
	movk	x1, #(SCTLR_ELx_FLAGS >> 16), lsl #16
	bic	x0, x0, x1
	msr	sctlr_el2, x0
	isb
	tlbi	alle2
	dsb	ish
	isb
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	mov	x0, x18
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x17

.Lel1_unsupported:
	b	.				// this model covers the EL2 path only
	.org	4096
