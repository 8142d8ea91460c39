------------------------------ MODULE RfcV2El2 ------------------------------
(***************************************************************************)
(* RFC v2 "arm64: MMU enabled kexec relocation" (31 Jul 2019), 8/8, booted *)
(* at non-VHE EL2.  relocate_kernel.S runs at EL2 with the MMU off (entered *)
(* through cpu_soft_restart / HVC_SOFT_RESTART), invalidates the EL2 TLB,  *)
(* installs trans_table in TTBR0_EL2 and sets SCTLR_EL2.M.                 *)
(*                                                                          *)
(* Pages:  1     old kernel image (__hyp_stub_vectors: VBAR_EL2 = 1)       *)
(*         2, 3  destination of the new image                              *)
(*         4     control page: relocation code + kern_reloc_arg            *)
(*         5     control page: trans_table                                 *)
(*         6     indirection page                                          *)
(*         7, 8  source pages                                              *)
(* trans_table (7/8): identity maps of sources, destinations and the       *)
(* indirection page with PAGE_KERNEL, the relocation page with              *)
(* PAGE_KERNEL_EXEC (PXN clear, UXN = bit 54 SET), nothing else: the old   *)
(* image, hence VBAR_EL2, is not mapped.                                   *)
(* The 2019 hyp stub has el2_sync_invalid (b .) at 0x200, el1_sync at 0x400.*)
(***************************************************************************)
EXTENDS KexecVerify, TLC

Id(p) == <<0, p>>

RfcPte(root, va) ==
  IF root = "trans_table" /\ va[1] = 0
  THEN CASE va[2] \in {2, 3, 6, 7, 8} -> PAGE_KERNEL(va[2])
         [] va[2] = 4                 -> PAGE_KERNEL_EXEC(4)
         [] OTHER                     -> Invalid(3)
  ELSE Invalid(0)   \* "kvm_hyp": whatever KVM left behind; unknown, never walked here

RfcVAs == {Id(p) : p \in 1..8}

MmuOff == [m |-> FALSE, c |-> FALSE, wxn |-> FALSE]
SctlrEl2MmuOn == [m |-> TRUE, c |-> TRUE, wxn |-> FALSE]  \* 0x30e5183f: M|A|C|SA|I|IESB

C(op, src) == [op |-> op, va |-> Id(4), pa |-> 4, src |-> "relocate_kernel.S: " \o src]

RfcProg == <<
  [field |-> "head", range |-> 0] @@ C("ldr_kimage", "ldr x16, [x0, #KRELOC_HEAD]"),
  [scope |-> "alle2"] @@ C("tlbi", "tlbi alle2"),
  C("dsb", "dsb ish"),
  C("isb", "isb"),
  [reg |-> "TTBR0_EL2", val |-> "trans_table"] @@ C("msr", "msr ttbr0_el2, trans_table"),
  C("isb", "isb"),
  [reg |-> "TCR_EL2", val |-> "tcr_el2_rfc"] @@ C("msr", "msr tcr_el2"),
  [reg |-> "MAIR_EL2", val |-> "mair_el1_copy"] @@ C("msr", "msr mair_el2"),
  [reg |-> "SCTLR_EL2", val |-> SctlrEl2MmuOn] @@ C("msr", "msr sctlr_el2"),
  C("ic_iallu", "ic iallu"),
  C("dsb", "dsb nsh"),
  C("isb", "isb"),
  [cmo |-> "civac", range |-> 0] @@ C("copy_loop", "copy loop"),
  [reg |-> "SCTLR_EL2", val |-> MmuOff] @@ C("msr", "msr sctlr_el2 (MMU off)"),
  C("isb", "isb"),
  C("ic_iallu", "ic iallu"),
  C("dsb", "dsb nsh"),
  C("isb", "isb"),
  C("br_new_kernel", "br x17")
>>

RfcEntries == <<
  [kind |-> "ind",  page |-> 6, at |-> 0],
  [kind |-> "dest", page |-> 2, at |-> 6],
  [kind |-> "src",  page |-> 7, at |-> 6],
  [kind |-> "src",  page |-> 8, at |-> 6],
  [kind |-> "done", page |-> 0, at |-> 6]
>>

(* KVM's __kvm_hyp_init programmed TCR_EL2 with the same formula the RFC  *)
(* uses ((TCR_EL1 & TCR_EL2_MASK) | TCR_EL2_RES1 | PS) and MAIR_EL2 from   *)
(* MAIR_EL1, so the RFC's writes of those two registers do not change     *)
(* them; TTBR0_EL2 still holds KVM's hyp tables and the EL2 TLB may hold  *)
(* entries walked from them.                                               *)
RfcInitSys ==
  [SCTLR_EL1 |-> MmuOff, SCTLR_EL2 |-> MmuOff,
   TTBR0_EL1 |-> "none", TTBR1_EL1 |-> "none", TCR_EL1 |-> "none", MAIR_EL1 |-> "none",
   TTBR0_EL2 |-> "kvm_hyp", TTBR1_EL2 |-> "none", TCR_EL2 |-> "tcr_el2_rfc", MAIR_EL2 |-> "mair_el1_copy",
   VBAR_EL1 |-> Id(1), VBAR_EL2 |-> Id(1)]

RfcInitTlb == {[regime |-> "EL2", range |-> 0, root |-> "kvm_hyp"]}

RfcWalkValid(r, tcr, mair) == r = "EL2" /\ tcr = "tcr_el2_rfc" /\ mair = "mair_el1_copy"

RfcVectorCode(p, off) == IF p = 1 /\ off = 1024 THEN "el1_sync" ELSE "b ."

RfcFixedTablePages(root) == IF root = "trans_table" THEN {5} ELSE {}
=============================================================================
