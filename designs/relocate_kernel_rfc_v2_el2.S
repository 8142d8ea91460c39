// Relocation with the MMU on, in the shape of the 2019 RFC v2 "arm64, kexec: enable MMU during
// kexec relocation" (8/8, msg-id 20190731153857.4045-9), as KEXEC.md 1.3 reads the patch:
//   1. turn the MMU off at EL1 and, booted at EL2, at EL2 (clear SCTLR_ELx_FLAGS)
//   2. clean and invalidate the D-cache by set/way, cache level 1 only (DC CISW over the
//      sets and ways CCSIDR_EL1 gives for CSSELR_EL1 = 0)
//   3. invalidate the TLBs (EL2: dsb sy; tlbi alle2; tlbi alle1; dsb ish; isb)
//   4. with a transitional table: TTBR0_EL2 = trans_table (isb); TCR_EL2 = (TCR_EL1 &
//      TCR_EL2_MASK) | TCR_EL2_RES1 | T0SZ(VA_BITS) with PS from ID_AA64MMFR0_EL1; MAIR_EL2 =
//      MAIR_EL1; SCTLR_EL2 = SCTLR_EL2_RES1 | SCTLR_ELx_FLAGS; then `ic iallu; dsb nsh; isb`
//      (no isb straight after the msr). Booted at EL1 the same with TTBR0_EL1 and SCTLR_EL1.
//   5. copy every source page to its destination with identity addresses (MMU and caches on)
//   6. MMU off again, set/way clean of level 1, TLB invalidate, `ic iallu`, enter the image
// Entered through cpu_soft_restart with the MMU off; x0 = PA of struct kern_reloc_arg, whose
// fields are named with the KIMAGE_* offsets the emulator lays such a struct out with.
// Written for kexec-verify from the patch's description; not the patch's text.
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
	.equ	SCTLR_EL1_MMU_FLAGS, 0x0000100d		// M | C | SA | I (the EL1 kernel's, A stays clear)
	.equ	SCTLR_EL2_RES1, 0x30c50830
	.equ	SCTLR_EL2_MMU_ON, (SCTLR_EL2_RES1 | SCTLR_ELx_FLAGS)	// 0x30e5183f
	.equ	TCR_EL2_MASK, 0xff3f			// TG0 | SH0 | ORGN0 | IRGN0 | T0SZ
	.equ	TCR_EL2_RES1, 0x80800000
	.equ	TCR_EL2_PS_SHIFT, 16
	.equ	VA_BITS, 48
	.equ	ID_AA64MMFR0_PARANGE_MAX, 5		// 48 bits
	// struct kern_reloc_arg: head, entry_addr, kern_arg0 (dtb), trans_ttbr0
	.equ	KIMAGE_HEAD, 0
	.equ	KIMAGE_START, 8
	.equ	KIMAGE_ARCH_DTB_MEM, 16
	.equ	KIMAGE_ARCH_TTBR0, 24
	// kern_reloc_arg has no such fields; named so the struct's extent is stated (not read)
	.equ	KIMAGE_ARCH_EL2_VECTORS, 32
	.equ	KIMAGE_ARCH_TTBR1, 40
	.equ	KIMAGE_ARCH_ZERO_PAGE, 48
	.equ	KIMAGE_ARCH_PHYS_OFFSET, 56
	.equ	KIMAGE_SIZE, 64

arm64_relocate_new_kernel:
	ldr	x16, [x0, #KIMAGE_HEAD]
	ldr	x17, [x0, #KIMAGE_START]
	ldr	x18, [x0, #KIMAGE_ARCH_DTB_MEM]
	ldr	x19, [x0, #KIMAGE_ARCH_TTBR0]
	mov	x14, xzr			// ptr
	mov	x13, xzr			// dest
	movz	x20, #(SCTLR_ELx_FLAGS & 0xffff)
	movk	x20, #(SCTLR_ELx_FLAGS >> 16), lsl #16

	// 1. MMU off at EL1, and at EL2 when running there
	mrs	x0, sctlr_el1
	bic	x0, x0, x20
	msr	sctlr_el1, x0
	isb
	mrs	x21, currentel
	cmp	x21, #CurrentEL_EL2
	b.ne	1f
	mrs	x0, sctlr_el2
	bic	x0, x0, x20
	msr	sctlr_el2, x0
	isb
	// 2. clean + invalidate L1 by set/way
1:	bl	l1_dcache_cisw
	// 3. TLB invalidate
	bl	tlb_invalidate

	cbz	x19, .Lcopy			// no transitional table: copy with the MMU off
	cmp	x21, #CurrentEL_EL2
	b.ne	.Lmmu_el1

	// 4. EL2: transitional table, TCR_EL2 from TCR_EL1, MAIR_EL2 from MAIR_EL1, MMU on
	msr	ttbr0_el2, x19
	isb
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
	b	.Lcopy

	// 4'. EL1: the same with the EL1 registers (TCR_EL1 and MAIR_EL1 stay the kernel's)
.Lmmu_el1:
	msr	ttbr0_el1, x19
	isb
	mrs	x0, sctlr_el1
	mov	x1, #SCTLR_EL1_MMU_FLAGS
	orr	x0, x0, x1
	msr	sctlr_el1, x0
	ic	iallu
	dsb	nsh
	isb

	// 5. copy, identity addresses
.Lcopy:
	tbnz	x16, IND_DONE_BIT, .Ldone
.Lloop:
	and	x12, x16, PAGE_MASK
	tbz	x16, IND_SOURCE_BIT, .Ltest_indirection
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

	// 6. MMU and caches off again, set/way clean of L1, TLB invalidate, enter the new image
.Ldone:
	cmp	x21, #CurrentEL_EL2
	b.ne	2f
	mrs	x0, sctlr_el2
	bic	x0, x0, x20
	msr	sctlr_el2, x0
	b	3f
2:	mrs	x0, sctlr_el1
	bic	x0, x0, x20
	msr	sctlr_el1, x0
3:	isb
	bl	l1_dcache_cisw
	bl	tlb_invalidate
	dsb	nsh
	ic	iallu
	dsb	nsh
	isb
	mov	x0, x18
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x17

// DC CISW over every set and way of cache level 1 (CSSELR_EL1 = 0: level 1, data or unified).
// Set at bit log2(line bytes), way in the top bits, level field [3:1] = 0. Clobbers x1-x8.
l1_dcache_cisw:
	msr	csselr_el1, xzr
	isb
	mrs	x1, ccsidr_el1
	and	x2, x1, #7
	add	x2, x2, #4			// log2(line bytes): where the set number goes
	ubfx	x3, x1, #3, #10			// ways - 1
	ubfx	x4, x1, #13, #15		// sets - 1
	clz	w5, w3				// where the way number goes
4:	mov	x6, x3
5:	lsl	x7, x6, x5
	lsl	x8, x4, x2
	orr	x7, x7, x8
	dc	cisw, x7
	subs	x6, x6, #1
	b.ge	5b
	subs	x4, x4, #1
	b.ge	4b
	dsb	sy
	isb
	ret

// EL2: dsb sy; tlbi alle2; tlbi alle1; dsb ish; isb.  EL1: the same with tlbi vmalle1.
tlb_invalidate:
	dsb	sy
	cmp	x21, #CurrentEL_EL2
	b.ne	6f
	tlbi	alle2
	tlbi	alle1
	b	7f
6:	tlbi	vmalle1
7:	dsb	ish
	isb
	ret
	.org	4096
