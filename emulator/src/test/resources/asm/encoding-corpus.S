// Encoding corpus: every form the in-project assembler accepts, assembled by both
// assemblers and compared word by word (GnuAsCrossCheckTest).
	.arch	armv8.1-a
	.text
	.equ	HVC_SOFT_RESTART, 1
	.equ	PAGE_SIZE, (1 << 12)
start:
	// move wide and mov aliases
	movz	x0, #0x1234
	movz	x1, #0xffff, lsl #48
	movz	w2, #7, lsl #16
	movk	x3, #0xbeef, lsl #32
	movk	w4, #1
	movn	x5, #0
	movn	w6, #0x10, lsl #16
	mov	x7, #0
	mov	x8, #-1
	mov	w9, #-1
	mov	x10, #0x10000
	mov	x11, #0xffffffffffff0fff
	mov	x12, #0x5555555555555555
	mov	w13, #0x00ff00ff
	mov	x14, #0x30e5183f & 0xffff
	mov	x15, x16
	mov	w17, w18
	mov	sp, x0
	mov	x1, sp
	mov	x2, #PAGE_SIZE
	mov	x0, #HVC_SOFT_RESTART
	// add / sub
	add	x0, x1, #1
	add	x0, sp, #16
	add	sp, sp, #0x100
	add	x2, x3, #1, lsl #12
	add	x2, x3, #0x5000
	sub	x4, x5, #0xfff
	add	x4, x5, #-8
	adds	x6, x7, #3
	subs	w8, w9, #4
	add	x0, x1, x2
	add	x0, x1, x2, lsl #3
	sub	x0, x1, x2, lsr #7
	subs	x0, x1, x2, asr #63
	adds	w0, w1, w2, lsl #31
	add	x0, sp, x1
	add	sp, sp, x2
	add	x0, x1, w2, uxtw
	add	x0, x1, w2, sxtw #2
	sub	x0, x1, w3, uxtb
	cmp	x0, #0
	cmp	x1, x2
	cmp	w3, #0xfff
	cmn	x4, #1
	cmp	x5, x6, lsl #12
	neg	x7, x8
	negs	w9, w10
	cmp	sp, #0
	// logical
	and	x0, x1, #0xfff
	and	x0, x1, #~0xfff
	orr	x2, x3, #1
	orr	w2, w3, #0x80000000
	eor	x4, x5, #0xff00ff00ff00ff00
	ands	x6, x7, #0x8
	tst	x8, #0x4
	tst	w9, #1
	and	x0, x1, x2
	orr	x0, x1, x2, lsl #12
	eor	w0, w1, w2, ror #3
	ands	x0, x1, x2, asr #2
	bic	x0, x1, x2
	bic	x3, x4, #0xf
	orn	x0, x1, x2
	eon	x0, x1, x2, lsr #1
	bics	x0, x1, x2
	tst	x3, x4
	mvn	x5, x6
	and	sp, x0, #0xfffffffffffffff0
	// bitfield and shifts
	lsl	x0, x1, #12
	lsl	w0, w1, #1
	lsr	x2, x3, #39
	lsr	w2, w3, #31
	asr	x4, x5, #63
	asr	w4, w5, #3
	ubfm	x0, x1, #4, #11
	sbfm	x0, x1, #60, #3
	bfm	x0, x1, #8, #15
	ubfx	x0, x1, #12, #36
	sbfx	x0, x1, #48, #16
	ubfiz	x0, x1, #3, #9
	sbfiz	w0, w1, #2, #5
	bfi	x0, x1, #16, #8
	bfxil	x0, x1, #4, #4
	uxtb	w0, w1
	uxth	w0, w1
	sxtb	x0, w1
	sxth	w0, w1
	sxtw	x0, w1
	lsl	x0, x1, x2
	lsr	w0, w1, w2
	asr	x0, x1, x2
	ror	x0, x1, x2
	ror	x0, x1, #7
	// conditional select
	csel	x0, x1, x2, eq
	csinc	x0, x1, x2, ne
	csinv	w0, w1, w2, hi
	csneg	x0, x1, x2, lt
	cset	x0, hs
	csetm	w0, lo
	cinc	x0, x1, gt
	// pc-relative
	adr	x0, start
	adr	x1, local_data
	adrp	x2, local_data
	adrp	x3, start
	// branches
1:	b	1b
	b	2f
	bl	start
	b.eq	1b
	b.ne	2f
	b.hs	1b
	b.lo	1b
	b.cs	2f
	b.cc	2f
	b.mi	1b
	b.pl	1b
	b.vs	1b
	b.vc	1b
	b.hi	1b
	b.ls	1b
	b.ge	1b
	b.lt	1b
	b.gt	1b
	b.le	1b
	b.al	1b
	beq	1b
	bne	2f
2:	cbz	x0, 1b
	cbnz	w1, 2b
	tbz	x2, #0, 2b
	tbnz	x3, #3, 3f
	tbz	x4, #54, 3f
	tbnz	x5, #63, 2b
	tbnz	w6, #31, 2b
	br	x17
	blr	x1
	ret
	ret	x2
3:	b	.
	// loads and stores
	ldr	x0, [x1]
	ldr	x0, [x1, #8]
	ldr	x0, [x1, #32760]
	ldr	w0, [x1, #4]
	ldr	x0, [x1, #-8]
	ldr	x0, [x1, #3]
	str	x0, [sp, #16]
	str	w2, [x3, #16380]
	ldr	x0, [x1, #16]!
	ldr	x0, [x1], #8
	str	x0, [x1, #-16]!
	str	w0, [x1], #-4
	ldr	x16, [x14], #8
	ldr	x0, [x1, x2]
	ldr	x0, [x1, x2, lsl #3]
	ldr	w0, [x1, x2, lsl #2]
	ldr	x0, [x1, w2, uxtw #3]
	ldr	x0, [x1, w2, sxtw]
	str	x0, [x1, x2, sxtx #3]
	str	w0, [x1, w2, uxtw]
	ldrb	w0, [x1]
	ldrb	w0, [x1, #4095]
	strb	w0, [x1], #1
	ldrb	w0, [x1, x2]
	ldrh	w0, [x1, #2]
	strh	w0, [x1, #-2]
	ldrsw	x0, [x1, #4]
	ldrsb	x0, [x1]
	ldrsh	w0, [x1, #6]
	ldur	x0, [x1, #8]
	stur	w0, [x1, #-1]
	ldr	x0, local_data
	ldr	w1, local_data
	ldp	x0, x1, [x2]
	ldp	x0, x1, [x2, #16]
	ldp	x0, x1, [x2, #-512]
	ldp	x0, x1, [x2, #504]
	ldp	x3, x4, [x1], #16
	ldp	x3, x4, [x1, #16]!
	stp	x5, x6, [x0], #16
	stp	x29, x30, [sp, #-16]!
	stp	w0, w1, [sp, #8]
	ldp	w0, w1, [x2], #-8
	// system registers
	mrs	x0, currentel
	mrs	x1, sctlr_el1
	mrs	x1, sctlr_el2
	msr	sctlr_el1, x0
	msr	sctlr_el2, x0
	msr	tcr_el1, x1
	msr	tcr_el2, x1
	msr	mair_el1, x2
	msr	mair_el2, x2
	msr	ttbr0_el1, x3
	msr	ttbr1_el1, x3
	msr	ttbr0_el2, x3
	msr	ttbr1_el2, x3
	msr	vbar_el1, x4
	msr	vbar_el2, x4
	mrs	x5, esr_el1
	mrs	x5, esr_el2
	mrs	x6, far_el1
	mrs	x6, far_el2
	msr	elr_el1, x7
	msr	elr_el2, x7
	msr	spsr_el1, x8
	msr	spsr_el2, x8
	mrs	x9, hcr_el2
	msr	hcr_el2, x9
	mrs	x10, ctr_el0
	mrs	x11, id_aa64mmfr0_el1
	msr	sp_el0, x12
	msr	sp_el1, x12
	mrs	x13, sp_el0
	mrs	x14, dczid_el0
	mrs	x15, daif
	msr	daifset, #0xf
	msr	daifclr, #2
	msr	spsel, #1
	// barriers, maintenance, exceptions
	isb
	dsb	sy
	dsb	ish
	dsb	nsh
	dsb	ishst
	dsb	osh
	dmb	ish
	dmb	sy
	tlbi	alle1
	tlbi	alle1is
	tlbi	alle2
	tlbi	alle2is
	tlbi	vmalle1
	tlbi	vmalle1is
	dc	civac, x0
	dc	cvac, x1
	dc	cvau, x2
	dc	ivac, x3
	dc	zva, x4
	ic	iallu
	ic	ialluis
	ic	ivau, x5
	hvc	#0
	hvc	#0x1234
	svc	#1
	brk	#0x800
	eret
	nop
	wfi
	wfe
	sev
	yield
	.align	4
local_data:
	.quad	0x0123456789abcdef, start
	.word	0xdeadbeef, 3b - 1b
	.hword	0x1234
	.byte	1, 2
	.align	3
	.fill	3, 4, 0xd503201f
	.org	0x800
vec:	b	.
	.org	vec + 0x80 - 0x80 + 0x80
	nop
	.balign	64
	.quad	vec
