----------------------------- MODULE KexecVerify -----------------------------
(***************************************************************************)
(* The composed system: one PE running a kexec MMU-enable/relocation       *)
(* design (MmuEnable + KexecRelocation) next to an environment that may    *)
(* apply pending system-register writes early, walk tables speculatively,  *)
(* write back or drop cache lines and fill them speculatively.             *)
(*                                                                          *)
(* A concrete design is a module that EXTENDS KexecVerify and defines the  *)
(* constants (Prog, Pte, Entries, placements, ...); its .cfg binds them    *)
(* with "<-" and names the properties to check.                            *)
(*                                                                          *)
(* Properties (the project's obligations):                                 *)
(*   NoClobber            NO_CLOBBER: no copy has overwritten a page that   *)
(*                        is still needed (tables in use, code, vectors,    *)
(*                        entry list, unread sources, unread kimage fields) *)
(*   NoExceptionLoop      VECTORS_EXECUTABLE: no abort is taken while       *)
(*                        fetching a vector (that would repeat forever)     *)
(*   CoherentHandoff      COHERENT_HANDOFF: at the jump to the new kernel   *)
(*                        every (cached) destination page is at PoC, no line holds   *)
(*                        dirty or stale data for it, the I-cache is clean  *)
(*   TLBCleanBeforeEnable TLB_CLEAN_BEFORE_ENABLE: no access the PE is      *)
(*                        about to make can hit a stale TLB entry           *)
(*   EntryElPreserved     ENTRY_EL_PRESERVED: the new kernel is entered at  *)
(*                        the EL the machine booted at (an EL2 boot that    *)
(*                        enters it at EL1 has lost the hypervisor)         *)
(*   Termination          NO_HANG_AFTER_MMU_ON: <>Done, the new kernel is   *)
(*                        always entered, under weak fairness of the PE     *)
(***************************************************************************)
EXTENDS KexecRelocation

vars == <<mmuVars, relocVars>>

Init == MmuInit /\ RelocInit

(* The MmuEnable steps, framed with the relocation variables.  TLC names  *)
(* each step of a trace after the operator defined here.                  *)
TakeInstructionAbort == InstructionAbort       /\ UNCHANGED relocVars
MsrSysReg            == Msr                    /\ UNCHANGED relocVars
IsbSync              == Isb                    /\ UNCHANGED relocVars
TlbiIssue            == Tlbi                   /\ UNCHANGED relocVars
DsbComplete          == Dsb                    /\ UNCHANGED relocVars
BranchTo             == Branch                 /\ UNCHANGED relocVars
HvcCall              == Hvc                    /\ UNCHANGED relocVars
BrToNewKernel        == BrNewKernel            /\ UNCHANGED relocVars
SpinForever          == Spin                   /\ UNCHANGED relocVars
TakeVectorAbort      == VectorInstructionAbort /\ UNCHANGED relocVars
VectorSpin           == VectorBranchToSelf     /\ UNCHANGED relocVars
HypStubSetVectors    == StubSetVectors         /\ UNCHANGED relocVars
HypStubSoftRestart   == StubSoftRestart        /\ UNCHANGED relocVars
HypStubError         == StubError              /\ UNCHANGED relocVars
SysRegEarlyEffect    == SysRegWriteTakesEffect /\ UNCHANGED relocVars
TlbSpecWalk          == TlbSpeculativeWalk     /\ UNCHANGED relocVars

(* The PE's own steps: these get weak fairness. *)
CpuStep ==
  \/ TakeInstructionAbort \/ MsrSysReg \/ IsbSync \/ TlbiIssue \/ DsbComplete
  \/ BranchTo \/ HvcCall \/ BrToNewKernel \/ SpinForever \/ TakeVectorAbort \/ VectorSpin
  \/ HypStubSetVectors \/ HypStubSoftRestart \/ HypStubError
  \/ RelocCpuStep

(* The environment's steps: no fairness, they may or may not happen. *)
EnvStep == SysRegEarlyEffect \/ TlbSpecWalk \/ CacheEnvStep

Done == pc.at = "new"

(* After the jump the model is finished; let it stutter (no deadlock). *)
Finished == Done /\ UNCHANGED vars

Next == CpuStep \/ EnvStep \/ Finished

Spec == Init /\ [][Next]_vars /\ WF_vars(CpuStep)

-----------------------------------------------------------------------------
NextAccessVAs == IF Done THEN {} ELSE {FetchVA} \cup {a.va : a \in DataAccesses}

NoClobber == written \cap Needed = {}

NoExceptionLoop == ~(esr.ec \in {"iabt", "dabt"} /\ elr.pc.at = "vec")

CleanAtPoC(d) == /\ mem[d] = "new"
                 /\ dc[d].st # "D"
                 /\ (dc[d].st = "C" => dc[d].v = "new")

CoherentHandoff == Done => (\A d \in CachedPages : CleanAtPoC(d)) /\ ~icStale

TLBCleanBeforeEnable == \A va \in NextAccessVAs : ~StaleEntryFor(va)

EntryElPreserved == Done => el = BootEl

Termination == <>Done

TypeOK ==
  /\ el \in {1, 2}
  /\ BootEl \in {1, 2}
  /\ pc.at \in {"prog", "vec", "new"}
  /\ tlbiPend \subseteq Regimes
  /\ CacheChoices \subseteq SUBSET DestPages
  /\ CachedPages \in CacheChoices
  /\ mem \in [CachedPages -> {"old", "new"}]
  /\ dc \in [CachedPages -> Lines]
  /\ icStale \in BOOLEAN
  /\ phase \in {"test", "cmo", "ldr"}
  /\ k \in 0..Len(Entries)
=============================================================================
