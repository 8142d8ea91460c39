------------------------------ MODULE MmuEnable ------------------------------
(***************************************************************************)
(* One arm64 PE executing a straight-line kernel sequence that programs the *)
(* MMU: MSR writes to TTBRn/TCR/MAIR/SCTLR/VBAR, DSB, ISB, TLBI, HVC, and   *)
(* the instruction fetch every instruction needs.                          *)
(*                                                                          *)
(*      Prog[1] -> Prog[2] -> ... -> Prog[n]          (pc.at = "prog")      *)
(*         |  fetch or data access faults                                  *)
(*         v                                                                *)
(*      VBAR_ELx + 0x200 (same EL) / + 0x400 (HVC from EL1)  (pc.at="vec")  *)
(*         |  vector fetch faults -> taken again at the vector: a loop      *)
(*         |  "b ." -> spins;  stub el1_sync -> ERET or new kernel          *)
(*                                                                          *)
(* What is architectural here:                                              *)
(*  - An MSR to a system register is not guaranteed to affect translation  *)
(*    until a context synchronization event (ISB, exception entry, ERET),  *)
(*    but it MAY take effect earlier: sys is the written value, eff the one *)
(*    translation uses; SysRegWriteTakesEffect applies a pending write at  *)
(*    any moment.                                                           *)
(*  - TLB entries are tagged with the regime, the VA range and the table   *)
(*    root they were walked from.  While the MMU is on the PE may walk     *)
(*    speculatively and cache entries at any time.  TLBI only marks        *)
(*    entries; they can still be used until the next DSB completes it.     *)
(*    An entry whose root is not the current TTBR of its range is STALE.   *)
(*  - A synchronous exception vectors to VBAR_ELx + 0x200 when taken to the *)
(*    current EL with SP_ELx, + 0x400 from a lower EL (AArch64); the vector *)
(*    is fetched through the (possibly just enabled) MMU.                  *)
(*                                                                          *)
(* Instructions are records in Prog with at least op, va (the VA page it is *)
(* fetched from) and src (the kernel step, e.g.                            *)
(* "relocate_kernel.S: msr sctlr_el2").  lastStep names the step that led  *)
(* to each state, so a trace reads as the kernel source.                   *)
(***************************************************************************)
EXTENDS Vmsa, Naturals, Sequences

CONSTANTS
  Prog,              \* the instruction sequence, see above
  Pte(_, _),         \* Pte(root, va): the page-granular walk (see Vmsa)
  VAs,               \* the VA pages that matter (domain of Pte)
  Roots,             \* table roots: values a TTBR can hold
  El2Regime,         \* "EL2" (HCR_EL2.E2H = 0) or "EL2_0" (VHE)
  InitEl,            \* exception level at Prog[1]
  BootEl,            \* exception level the machine booted at: the new kernel must start there
  InitSys,           \* system registers at Prog[1]: [SysRegs -> value]
  InitTlb,           \* TLB contents at Prog[1] (may be stale)
  WalkValid(_, _, _),\* WalkValid(regime, tcr, mair): Pte describes the walk for these values
  VectorCode(_, _),  \* VectorCode(pa page, offset): "b ." | "el1_sync" | "elx_sync"
  DeviceFetchFaults, \* choice for the CONSTRAINED UNPREDICTABLE Device fetch
  ModelDataEnv       \* FALSE: leave out speculative TLB fills and cache activity
                     \* (sound for Termination only: no PE step reads tlb or caches)

VARIABLES
  el,        \* current exception level, 1 or 2
  pc,        \* [at: {"prog","vec","new"}, i: index in Prog, off: vector offset, base: VBAR VA]
  sys,       \* system registers as last written by MSR
  eff,       \* system registers as translation currently sees them
  tlb,       \* set of [regime, range, root] tags of cached translations
  tlbiPend,  \* regimes with a TLBI issued but not yet completed by a DSB
  elr,       \* [pc, el] of the last exception: ELR_ELx and SPSR_ELx.M
  esr,       \* [ec, fn, arg] of the last exception: ESR_ELx (and x0/x1 for HVC)
  lastStep   \* the kernel step (or architectural event) of the last transition

mmuVars == <<el, pc, sys, eff, tlb, tlbiPend, elr, esr, lastStep>>

NoVA   == <<0, 0>>
PcAt(i) == [at |-> "prog", i |-> i, off |-> 0, base |-> NoVA]
NewKernel == [at |-> "new", i |-> 0, off |-> 0, base |-> NoVA]

(* Register names per exception level / regime. *)
SctlrOf(e) == IF e = 1 THEN "SCTLR_EL1" ELSE "SCTLR_EL2"
VbarOf(e)  == IF e = 1 THEN "VBAR_EL1"  ELSE "VBAR_EL2"
RegimeOf(e) == IF e = 1 THEN "EL1_0" ELSE El2Regime
TcrOf(r)   == IF r = "EL1_0" THEN "TCR_EL1"  ELSE "TCR_EL2"
MairOf(r)  == IF r = "EL1_0" THEN "MAIR_EL1" ELSE "MAIR_EL2"
TtbrOf(r, range) ==
  IF r = "EL1_0" THEN (IF range = 0 THEN "TTBR0_EL1" ELSE "TTBR1_EL1")
                 ELSE (IF range = 0 THEN "TTBR0_EL2" ELSE "TTBR1_EL2")

(* Pte tabulated once (a constant-level definition: TLC evaluates it at  *)
(* start-up), so a translation is a lookup.                                *)
PteTable == [x \in Roots \X VAs |-> Pte(x[1], x[2])]
LeafOf(root, va) == IF <<root, va>> \in DOMAIN PteTable THEN PteTable[<<root, va>>] ELSE Invalid(0)

(* Roots with at least one valid leaf: only those can fill the TLB. *)
MappingRoots == {r \in Roots : \E va \in VAs : Pte(r, va).valid}

CurRegime == RegimeOf(el)
MmuOn     == eff[SctlrOf(el)].m
DataCacheOn == MmuOn /\ eff[SctlrOf(el)].c

(* The translation of one access in the current state.  With the MMU off  *)
(* VA == PA for the low range; a high (TTBR1) VA is outside the PA space.  *)
Xlate(va, access) ==
  LET r == CurRegime IN
  IF ~MmuOn
  THEN IF va[1] = 0 THEN Mapped(va[2], FALSE) ELSE Fault("ADDRESS_SIZE", 0)
  ELSE IF va[1] = 1 /\ ~HasTwoRanges(r) THEN Fault("TRANSLATION", 0)
  ELSE IF ~WalkValid(r, eff[TcrOf(r)], eff[MairOf(r)])
       THEN Fault("TCR_MAIR_NOT_MODELLED", 0)
       ELSE Translate(r, LeafOf(eff[TtbrOf(r, va[1])], va), access,
                      eff[SctlrOf(el)].wxn, DeviceFetchFaults)

(* The VA the next instruction fetch uses, and its outcome. *)
FetchVA  == IF pc.at = "prog" THEN Prog[pc.i].va ELSE pc.base
FetchRes == Xlate(FetchVA, "fetch")
Instr    == Prog[pc.i]

(* A TLB entry that could translate va now but was walked from another   *)
(* root than the current TTBR of va's range.                               *)
StaleEntryFor(va) ==
  MmuOn /\ \E t \in tlb : /\ t.regime = CurRegime
                          /\ t.range = va[1]
                          /\ t.root # eff[TtbrOf(CurRegime, va[1])]

(* ---------------------------------------------------------------------- *)
(* Exception entry and return.                                            *)
(* ---------------------------------------------------------------------- *)
VecOffset(fromEl, toEl) == IF fromEl = toEl THEN 512 ELSE 1024   \* 0x200 / 0x400

TakeException(toEl, ret, syndrome, step) ==
  /\ el' = toEl
  /\ elr' = [pc |-> ret, el |-> el]
  /\ esr' = syndrome
  /\ pc' = [at |-> "vec", i |-> 0, off |-> VecOffset(el, toEl), base |-> eff[VbarOf(toEl)]]
  /\ eff' = sys                 \* exception entry synchronizes context
  /\ lastStep' = step
  /\ UNCHANGED <<sys, tlb, tlbiPend>>

Abort(kind, fault) == [ec |-> kind, fn |-> fault, arg |-> NoVA]

ExcText(kind, toEl, off) ==
  "arch: " \o kind \o " taken to " \o VbarOf(toEl) \o (IF off = 512 THEN "+0x200" ELSE "+0x400")

(* ---------------------------------------------------------------------- *)
(* Kernel instructions.  Every one needs its fetch to translate first.     *)
(* ---------------------------------------------------------------------- *)
Exec(op) == pc.at = "prog" /\ Instr.op = op /\ FetchRes.ok
Advance  == pc' = PcAt(pc.i + 1)

InstructionAbort ==
  /\ pc.at = "prog" /\ ~FetchRes.ok
  /\ TakeException(el, pc, Abort("iabt", FetchRes.fault),
                   ExcText("instruction abort (" \o FetchRes.fault \o ") at " \o Instr.src, el, 512))

Msr ==
  /\ Exec("msr")
  /\ sys' = [sys EXCEPT ![Instr.reg] = Instr.val]
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, eff, tlb, tlbiPend, elr, esr>>

Isb ==
  /\ Exec("isb")
  /\ eff' = sys
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, tlb, tlbiPend, elr, esr>>

(* TLBI VMALLE1 at EL2 with HCR_EL2.{E2H,TGE} = {1,1} (a VHE host) applies to the EL2&0 *)
(* regime (Arm ARM D8.13): the instance says EL2_0 only for such a host.               *)
TlbiScope(s) ==
  CASE s \in {"vmalle1", "vmalle1is"} -> IF el = 2 /\ El2Regime = "EL2_0" THEN {"EL2_0"} ELSE {"EL1_0"}
    [] s \in {"alle1", "alle1is"}     -> {"EL1_0"}
    [] s \in {"alle2", "alle2is"}     -> {"EL2", "EL2_0"}

Tlbi ==
  /\ Exec("tlbi")
  /\ tlbiPend' = tlbiPend \cup TlbiScope(Instr.scope)
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, eff, tlb, elr, esr>>

Dsb ==
  /\ Exec("dsb")
  /\ tlb' = {t \in tlb : t.regime \notin tlbiPend}
  /\ tlbiPend' = {}
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, eff, elr, esr>>

Branch ==        \* a call or branch to the next instruction's VA (e.g. to the idmapped copy)
  /\ Exec("branch")
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, eff, tlb, tlbiPend, elr, esr>>

Hvc ==           \* hvc #0 from EL1: synchronous exception to EL2, lower-EL vector
  /\ Exec("hvc")
  /\ el = 1
  /\ TakeException(2, PcAt(pc.i + 1), [ec |-> "hvc", fn |-> Instr.fn, arg |-> Instr.arg], Instr.src)

Spin ==          \* a loop the PE never leaves and that changes nothing (b ., or several instructions)
  /\ Exec("spin")
  /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr>>

BrNewKernel ==
  /\ Exec("br_new_kernel")
  /\ pc' = NewKernel /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, eff, tlb, tlbiPend, elr, esr>>

(* ---------------------------------------------------------------------- *)
(* The vector entry.                                                      *)
(* ---------------------------------------------------------------------- *)
VectorInstructionAbort ==
  /\ pc.at = "vec" /\ ~FetchRes.ok
  /\ TakeException(el, pc, Abort("iabt", FetchRes.fault),
                   ExcText("instruction abort (" \o FetchRes.fault \o ") fetching the vector", el, 512))

VecCode == VectorCode(FetchRes.pa, pc.off)

VectorBranchToSelf ==      \* an invalid-vector entry: b .
  /\ pc.at = "vec" /\ FetchRes.ok /\ VecCode = "b ."
  /\ lastStep' = "vectors: b . (invalid vector entry)"
  /\ UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr>>

StubHandles == pc.at = "vec" /\ FetchRes.ok /\ VecCode \in {"el1_sync", "elx_sync"}

StubSetVectors ==          \* HVC_SET_VECTORS: msr vbar_el2, x1; eret
  /\ StubHandles /\ esr.ec = "hvc" /\ esr.fn = "HVC_SET_VECTORS"
  /\ sys' = [sys EXCEPT !["VBAR_EL2"] = esr.arg]
  /\ eff' = sys'           \* ERET synchronizes context
  /\ el' = elr.el /\ pc' = elr.pc
  /\ lastStep' = "hyp-stub el1_sync: HVC_SET_VECTORS: msr vbar_el2, x1; eret"
  /\ UNCHANGED <<tlb, tlbiPend, elr, esr>>

StubSoftRestart ==         \* HVC_SOFT_RESTART: br x4 to the new kernel at EL2
  /\ StubHandles /\ esr.ec = "hvc" /\ esr.fn = "HVC_SOFT_RESTART"
  /\ pc' = NewKernel
  /\ lastStep' = "trans_pgd-asm.S el1_sync: HVC_SOFT_RESTART: br x4 (new kernel at EL2)"
  /\ UNCHANGED <<el, sys, eff, tlb, tlbiPend, elr, esr>>

StubError ==               \* anything else: x0 = HVC_STUB_ERR; eret
  /\ StubHandles /\ esr.ec # "hvc"
  /\ eff' = sys /\ el' = elr.el /\ pc' = elr.pc
  /\ lastStep' = "hyp-stub el1_sync: HVC_STUB_ERR; eret"
  /\ UNCHANGED <<sys, tlb, tlbiPend, elr, esr>>

(* The MMU-enable half of the CPU's steps (instructions that only touch  *)
(* MMU state).  The relocation module adds the data-side instructions.   *)
MmuCpuStep ==
  \/ InstructionAbort \/ Msr \/ Isb \/ Tlbi \/ Dsb \/ Branch \/ Hvc \/ BrNewKernel \/ Spin
  \/ VectorInstructionAbort \/ VectorBranchToSelf
  \/ StubSetVectors \/ StubSoftRestart \/ StubError

(* ---------------------------------------------------------------------- *)
(* What the architecture may do on its own (no fairness).                  *)
(* ---------------------------------------------------------------------- *)
SysRegWriteTakesEffect ==
  /\ pc.at # "new"
  /\ \E r \in DOMAIN sys :
       /\ eff[r] # sys[r]
       /\ eff' = [eff EXCEPT ![r] = sys[r]]
       /\ lastStep' = "arch: write to " \o r \o " takes effect before a context synchronization event"
  /\ UNCHANGED <<el, pc, sys, tlb, tlbiPend, elr, esr>>

TlbSpeculativeWalk ==
  /\ ModelDataEnv /\ pc.at # "new" /\ MmuOn
  /\ \E range \in (IF HasTwoRanges(CurRegime) THEN {0, 1} ELSE {0}) :
       LET tag == [regime |-> CurRegime, range |-> range,
                   root |-> eff[TtbrOf(CurRegime, range)]]
       IN /\ tag.root \in MappingRoots
          /\ WalkValid(CurRegime, eff[TcrOf(CurRegime)], eff[MairOf(CurRegime)])
          /\ tag \notin tlb
          /\ tlb' = tlb \cup {tag}
          /\ lastStep' = "arch: speculative table walk fills the TLB from " \o TtbrOf(CurRegime, range)
  /\ UNCHANGED <<el, pc, sys, eff, tlbiPend, elr, esr>>

MmuEnvStep == SysRegWriteTakesEffect \/ TlbSpeculativeWalk

MmuInit ==
  /\ el = InitEl
  /\ pc = PcAt(1)
  /\ sys = InitSys
  /\ eff = InitSys
  /\ tlb = InitTlb
  /\ tlbiPend = {}
  /\ elr = [pc |-> PcAt(0), el |-> 0]
  /\ esr = [ec |-> "none", fn |-> "none", arg |-> NoVA]
  /\ lastStep = "initial state"
=============================================================================
