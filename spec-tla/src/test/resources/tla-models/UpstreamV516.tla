---------------------------- MODULE UpstreamV516 ----------------------------
(***************************************************************************)
(* The design merged for v5.16 ("arm64: kexec: keep MMU enabled during     *)
(* kexec relocation", v18), with the 2022 fix "arm64: kexec: load from     *)
(* kimage prior to clobbering" applied (v5.16 itself loaded three kimage   *)
(* fields after the copy loop: see KimageReadAfterLoop).                   *)
(* Booted at non-VHE EL2; relocation runs at EL1 with the MMU on.          *)
(*                                                                          *)
(* machine_kexec():   __hyp_set_vectors(el2_vectors)   (HVC_SET_VECTORS)    *)
(*                    cpu_install_ttbr0(ttbr0, t0sz)                        *)
(*                    kern_reloc(kimage)                                    *)
(* relocate_kernel.S: load kimage fields; break-before-make TTBR1 switch   *)
(*                    to the linear-map copy; copy loop with dc civac;     *)
(*                    dsb; ic iallu; dsb; isb; MMU off;                     *)
(*                    hvc #0 HVC_SOFT_RESTART -> copied stub -> br x4       *)
(*                                                                          *)
(* Pages:  1     old kernel image: machine_kexec(), __hyp_stub_vectors,    *)
(*               swapper_pg_dir, reserved_pg_dir, empty_zero_page. It is   *)
(*               also the first destination page (the new kernel is loaded *)
(*               where the old one runs).                                   *)
(*         2     second destination page (free memory at load time)       *)
(*         3     control page: relocation code (idmapped, PAGE_KERNEL_ROX)  *)
(*         4     control page: trans_pgd_stub_vectors copy (el2_vectors)   *)
(*         5     control page: trans_pgd tables (idmap + linear-map copy)   *)
(*         6     indirection page;  7, 8 source pages;  9 free page        *)
(* Open placements: struct kimage (kmalloc) in KimageCands; the trans_pgd  *)
(* table page in TableCands.                                               *)
(***************************************************************************)
EXTENDS KexecVerify, TLC

Ram == 1..9
Id(p)  == <<0, p>>           \* TTBR0: identity map
Lm(p)  == <<1, p>>           \* TTBR1: linear map of page p
Img(p) == <<1, 100 + p>>     \* TTBR1: kernel image mapping of page p

UpPte(root, va) ==
  CASE root = "swapper" /\ va \in {Lm(p) : p \in Ram} -> PAGE_KERNEL(va[2])
    [] root = "swapper" /\ va = Img(1)               -> PAGE_KERNEL_ROX(1)
    [] root = "lm_copy" /\ va \in {Lm(p) : p \in Ram} -> PAGE_KERNEL(va[2])   \* pte_mkwrite copy
    [] root = "idmap"   /\ va = Id(3)                -> PAGE_KERNEL_ROX(3)   \* trans_pgd_idmap_page
    [] OTHER                                          -> Invalid(0)

UpVAs == {Id(p) : p \in Ram} \cup {Lm(p) : p \in Ram} \cup {Img(1)}

MmuOnEl1  == [m |-> TRUE,  c |-> TRUE,  wxn |-> FALSE]
MmuOff    == [m |-> FALSE, c |-> FALSE, wxn |-> FALSE]

K(op, src)  == [op |-> op, va |-> Img(1), pa |-> 1, src |-> "machine_kexec.c: " \o src]
R(op, src)  == [op |-> op, va |-> Id(3),  pa |-> 3, src |-> "relocate_kernel.S: " \o src]
Ldr(field, src) == [field |-> field, range |-> 1] @@ R("ldr_kimage", src)

MachineKexec == <<
  [fn |-> "HVC_SET_VECTORS", arg |-> Id(4)] @@ K("hvc", "__hyp_set_vectors(kimage->arch.el2_vectors): hvc #0"),
  [reg |-> "TTBR0_EL1", val |-> "reserved"] @@ K("msr", "cpu_install_ttbr0: cpu_set_reserved_ttbr0: msr ttbr0_el1"),
  K("isb", "cpu_install_ttbr0: isb"),
  [scope |-> "vmalle1"] @@ K("tlbi", "cpu_install_ttbr0: local_flush_tlb_all: tlbi vmalle1"),
  K("dsb", "cpu_install_ttbr0: local_flush_tlb_all: dsb nsh"),
  K("isb", "cpu_install_ttbr0: local_flush_tlb_all: isb"),
  [reg |-> "TCR_EL1", val |-> "tcr_el1_idmap_t0sz"] @@ K("msr", "cpu_install_ttbr0: __cpu_set_tcr_t0sz: msr tcr_el1"),
  [reg |-> "TTBR0_EL1", val |-> "idmap"] @@ K("msr", "cpu_install_ttbr0: msr ttbr0_el1, arch.ttbr0"),
  K("isb", "cpu_install_ttbr0: isb"),
  K("branch", "kern_reloc(kimage): blr to the idmapped relocation code")
>>

EarlyKimageLoads == <<
  Ldr("start",       "ldr x28, [x0, #KIMAGE_START]"),
  Ldr("el2_vectors", "ldr x27, [x0, #KIMAGE_ARCH_EL2_VECTORS]"),
  Ldr("dtb_mem",     "ldr x26, [x0, #KIMAGE_ARCH_DTB_MEM]")
>>

ListSetup == <<
  Ldr("ttbr1", "ldr x17, [x0, #KIMAGE_ARCH_TTBR1]"),
  Ldr("head",  "ldr x16, [x0, #KIMAGE_HEAD]"),
  [reg |-> "TTBR1_EL1", val |-> "zero_page"] @@ R("msr", "break_before_make_ttbr_switch: msr ttbr1_el1, zero_page"),
  R("isb", "break_before_make_ttbr_switch: isb"),
  [scope |-> "vmalle1"] @@ R("tlbi", "break_before_make_ttbr_switch: tlbi vmalle1"),
  R("dsb", "break_before_make_ttbr_switch: dsb nsh"),
  [reg |-> "TTBR1_EL1", val |-> "lm_copy"] @@ R("msr", "break_before_make_ttbr_switch: msr ttbr1_el1, x17"),
  R("isb", "break_before_make_ttbr_switch: isb")
>>

CopyLoop(cmo) == << [cmo |-> cmo, range |-> 1] @@ R("copy_loop", ".Lloop") >>

AfterLoop == <<
  R("dsb", "dsb nsh"),
  R("ic_iallu", "ic iallu"),
  R("dsb", "dsb nsh"),
  R("isb", "isb")
>>

TurnOffMmuAndEnter == <<
  [reg |-> "SCTLR_EL1", val |-> MmuOff] @@ R("msr", "turn_off_mmu: msr sctlr_el1"),
  R("isb", "turn_off_mmu: isb"),
  [fn |-> "HVC_SOFT_RESTART", arg |-> <<0, 0>>] @@ R("hvc", "hvc #0 (HVC_SOFT_RESTART)")
>>

UpProg == MachineKexec \o EarlyKimageLoads \o ListSetup \o CopyLoop("civac")
          \o AfterLoop \o TurnOffMmuAndEnter

(* Variants, one change each:                                               *)
(* v5.16 as merged: KIMAGE_START, KIMAGE_ARCH_EL2_VECTORS and              *)
(* KIMAGE_ARCH_DTB_MEM loaded after the copy loop (fixed in 2022 by        *)
(* eb3d8ea3e1f0 "arm64: kexec: load from kimage prior to clobbering").     *)
LateKimageLoads == <<
  Ldr("start",       "ldr x4, [x0, #KIMAGE_START]"),
  Ldr("el2_vectors", "ldr x1, [x0, #KIMAGE_ARCH_EL2_VECTORS]"),
  Ldr("dtb_mem",     "ldr x0, [x0, #KIMAGE_ARCH_DTB_MEM]")
>>
KimageReadAfterLoopProg == MachineKexec \o ListSetup \o CopyLoop("civac")
                           \o AfterLoop \o LateKimageLoads \o TurnOffMmuAndEnter

(* v13 of the series: dc ivac instead of dc civac after the cacheable copy *)
(* (hung ThunderX2: the invalidate can discard the dirty copied lines).    *)
DcIvacProg == MachineKexec \o EarlyKimageLoads \o ListSetup \o CopyLoop("ivac")
              \o AfterLoop \o TurnOffMmuAndEnter

UpEntries == <<
  [kind |-> "ind",  page |-> 6, at |-> 0],     \* kimage->head
  [kind |-> "dest", page |-> 1, at |-> 6],
  [kind |-> "src",  page |-> 7, at |-> 6],
  [kind |-> "src",  page |-> 8, at |-> 6],
  [kind |-> "done", page |-> 0, at |-> 6]
>>

UpInitSys ==
  [SCTLR_EL1 |-> MmuOnEl1, SCTLR_EL2 |-> MmuOff,
   TTBR0_EL1 |-> "user", TTBR1_EL1 |-> "swapper", TCR_EL1 |-> "tcr_el1_kernel", MAIR_EL1 |-> "mair_el1",
   TTBR0_EL2 |-> "none", TTBR1_EL2 |-> "none", TCR_EL2 |-> "none", MAIR_EL2 |-> "none",
   VBAR_EL1 |-> Img(1), VBAR_EL2 |-> Id(1)]

UpInitTlb == {[regime |-> "EL1_0", range |-> 0, root |-> "user"],
              [regime |-> "EL1_0", range |-> 1, root |-> "swapper"]}

(* trans_pgd_idmap_page() returns T0SZ = 16 for this RAM; the kernel's    *)
(* TCR_EL1 and the idmap's differ only in T0SZ, which both walks accept.  *)
UpWalkValid(r, tcr, mair) ==
  r # "EL1_0" \/ (tcr \in {"tcr_el1_kernel", "tcr_el1_idmap_t0sz"} /\ mair = "mair_el1")

(* __hyp_stub_vectors (page 1) and trans_pgd_stub_vectors (page 4) both   *)
(* handle HVCs from EL1 at 0x400; every other entry is b .                *)
UpVectorCode(p, off) == IF p \in {1, 4} /\ off = 1024 THEN "el1_sync" ELSE "b ."

UpFixedTablePages(root) ==
  CASE root \in {"swapper", "reserved", "zero_page"} -> {1}
    [] OTHER                                        -> {}
=============================================================================
