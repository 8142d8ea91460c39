--------------------------- MODULE KexecRelocation ---------------------------
(***************************************************************************)
(* The data side of arm64_relocate_new_kernel (relocate_kernel.S): kimage  *)
(* field reads, the entry-list walk, page copies, D-cache maintenance by   *)
(* VA, IC IALLU, at page granularity, on top of MmuEnable.                 *)
(*                                                                          *)
(*   ldr x16, [x0, #KIMAGE_HEAD]                                           *)
(*   .Lloop:  IND_SOURCE      -> copy_page x13, x12 ; dc <op> by line ; dsb *)
(*            IND_INDIRECTION -> x14 = x12                                  *)
(*            IND_DESTINATION -> x13 = x12                                  *)
(*            ldr x16, [x14], #8 ; loop until IND_DONE                      *)
(*                                                                          *)
(* The list is given flattened: Entries[k] is the k-th value x16 takes;    *)
(* Entries[k].at is the page it is loaded from (0: the kimage head field,  *)
(* else an indirection page).  Page ids are integers; a copy advances the  *)
(* destination to page id + 1, so consecutive destination pages must have  *)
(* consecutive ids (the exporter numbers them that way).                   *)
(*                                                                          *)
(* One D-cache line stands for each destination page (all lines of a page *)
(* see the same operations):                                                *)
(*   line = [st: "I" | "C" | "D", v: "old" | "new"], mem[d] = data at PoC.  *)
(*   cacheable write   -> D(new)          non-cacheable write -> mem := new *)
(*   DC CIVAC: D(v) -> mem := v, I ; C -> I                                 *)
(*   DC CVAC : D(v) -> mem := v, C(v)                                       *)
(*   DC IVAC : discards the line; a dirty line MAY be cleaned first (both   *)
(*             outcomes are allowed, TLC explores both)                     *)
(*   at any time: a dirty line may be written back, a clean line dropped,   *)
(*   and, while cacheable accesses are possible, an invalid line refilled.  *)
(*                                                                          *)
(* Lines (and PoC data) are kept only for the pages of one set S chosen  *)
(* in Init from CacheChoices (S = DOMAIN mem, fixed afterwards).  No PE    *)
(* step reads mem or dc, and the cache variables of page d change only in  *)
(* steps that name d, so the reachable states projected on the other      *)
(* variables and (mem[d], dc[d]) are the same for every S containing d.    *)
(* With CacheChoices = {{d} : d \in DestPages} one run is the disjoint    *)
(* union of the one-page models: CoherentHandoff (a conjunction over       *)
(* pages) is decided page by page, and every other property on the same   *)
(* reachable states, in a state space that grows with the sum, not the     *)
(* product, of the pages' cache states.                                    *)
(***************************************************************************)
EXTENDS MmuEnable, FiniteSets

CONSTANTS
  Entries,          \* Seq of [kind: {"ind","dest","src","done"}, page, at]
  DestPages,        \* every destination page
  CacheChoices,     \* sets of destination pages whose lines are modelled; Init picks one
  KimageCands,      \* where struct kimage may have been allocated (open placement)
  TableCands,       \* where the placed table pages may be (open placement)
  PlacedRoots,      \* roots whose table pages are the placed table page
  FixedTablePages(_),\* table pages of the other roots
  VectorPages,      \* physical pages of the vector tables later steps rely on
  InitIcStale       \* the I-cache may hold old contents of destination pages

VARIABLES
  mem,        \* [S -> {"old","new"}]: data at the Point of Coherency (S \in CacheChoices)
  dc,         \* [S -> line]: the D-cache line(s) of each modelled destination page
  icStale,    \* the I-cache may hold instructions older than the copied image
  k,          \* index of x16 in Entries (0 before the head is loaded)
  phase,      \* "test" | "cmo" | "ldr": where the loop body is
  dest,       \* x13: the next destination page
  cur,        \* the page just copied (target of the cache maintenance)
  written,    \* pages overwritten by a copy with other contents
  kread,      \* kimage fields already loaded
  kimagePage, \* placement of struct kimage (chosen in Init, then fixed)
  tablePage   \* placement of the placed table pages (chosen in Init, then fixed)

relocVars == <<mem, dc, icStale, k, phase, dest, cur, written, kread, kimagePage, tablePage>>

Lines == [st : {"I", "C", "D"}, v : {"old", "new"}]
LineI == [st |-> "I", v |-> "old"]

(* The destination pages whose lines this behaviour models (chosen in Init). *)
CachedPages == DOMAIN mem

(* The VA the relocation code uses for page p: identity (range 0) or the   *)
(* linear map (range 1), per instruction.                                  *)
VaOf(range, p) == <<range, p>>

EntryPageOf(e) == IF e.at = 0 THEN kimagePage ELSE e.at

(* The data accesses of the current instruction (or loop phase).         *)
DataAccesses ==
  IF pc.at # "prog" THEN {}
  ELSE CASE Instr.op = "ldr_kimage" ->
              {[va |-> VaOf(Instr.range, kimagePage), acc |-> "read"]}
         [] Instr.op = "copy_loop" /\ phase = "test" /\ Entries[k].kind = "src" ->
              {[va |-> VaOf(Instr.range, Entries[k].page), acc |-> "read"],
               [va |-> VaOf(Instr.range, dest), acc |-> "write"]}
         [] Instr.op = "copy_loop" /\ phase = "cmo" ->
              {[va |-> VaOf(Instr.range, cur), acc |-> "read"]}
         [] Instr.op = "copy_loop" /\ phase = "ldr" ->
              {[va |-> VaOf(Instr.range, EntryPageOf(Entries[k + 1])), acc |-> "read"]}
         [] OTHER -> {}

DataOk == \A a \in DataAccesses : Xlate(a.va, a.acc).ok

DataAbort ==
  /\ pc.at = "prog" /\ FetchRes.ok /\ ~DataOk
  /\ \E a \in DataAccesses :
       /\ ~Xlate(a.va, a.acc).ok
       /\ TakeException(el, pc, Abort("dabt", Xlate(a.va, a.acc).fault),
                        ExcText("data abort (" \o Xlate(a.va, a.acc).fault \o ") at " \o Instr.src, el, 512))
  /\ UNCHANGED relocVars

ExecD(op) == Exec(op) /\ DataOk

LdrKimage ==
  /\ ExecD("ldr_kimage")
  /\ kread' = kread \cup {Instr.field}
  /\ k' = IF Instr.field = "head" THEN 1 ELSE k
  /\ phase' = "test"
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, eff, tlb, tlbiPend, elr, esr>>
  /\ UNCHANGED <<mem, dc, icStale, dest, cur, written, kimagePage, tablePage>>

IcIallu ==
  /\ Exec("ic_iallu")
  /\ icStale' = FALSE
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, eff, tlb, tlbiPend, elr, esr>>
  /\ UNCHANGED <<mem, dc, k, phase, dest, cur, written, kread, kimagePage, tablePage>>

(* ---------------------------------------------------------------------- *)
(* The copy loop.  Steps are named after relocate_kernel.S.               *)
(* ---------------------------------------------------------------------- *)
InLoop(ph) == ExecD("copy_loop") /\ phase = ph /\ k >= 1

LoopFrame == UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr, kread, kimagePage, tablePage>>

RelocIndirection ==       \* x14 = x12: next entries come from this page
  /\ InLoop("test") /\ Entries[k].kind = "ind"
  /\ phase' = "ldr"
  /\ lastStep' = "relocate_kernel.S: IND_INDIRECTION: mov x14, x12"
  /\ UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr, kread, kimagePage, tablePage>>
  /\ UNCHANGED <<mem, dc, icStale, k, dest, cur, written>>

RelocDestination ==       \* x13 = x12
  /\ InLoop("test") /\ Entries[k].kind = "dest"
  /\ dest' = Entries[k].page /\ phase' = "ldr"
  /\ lastStep' = "relocate_kernel.S: IND_DESTINATION: mov x13, x12"
  /\ UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr, kread, kimagePage, tablePage>>
  /\ UNCHANGED <<mem, dc, icStale, k, cur, written>>

RelocCopyPage ==          \* copy_page x13, x12 (ldp/stp through the current mapping)
  /\ InLoop("test") /\ Entries[k].kind = "src"
  /\ LET d == dest
         s == Entries[k].page
     IN /\ d \in DestPages
        /\ IF d \notin CachedPages THEN UNCHANGED <<mem, dc>>
           ELSE IF DataCacheOn
           THEN dc' = [dc EXCEPT ![d] = [st |-> "D", v |-> "new"]] /\ UNCHANGED mem
           ELSE mem' = [mem EXCEPT ![d] = "new"] /\ UNCHANGED dc
        /\ written' = IF s = d THEN written ELSE written \cup {d}
        /\ cur' = d /\ dest' = d + 1
  /\ icStale' = TRUE
  /\ phase' = IF Instr.cmo = "none" THEN "ldr" ELSE "cmo"
  /\ lastStep' = "relocate_kernel.S: IND_SOURCE: copy_page x13, x12"
  /\ UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr, kread, kimagePage, tablePage, k>>

CleanLine(l, m) == IF l.st = "D" THEN l.v ELSE m

RelocDcByLine ==          \* dcache_by_myline_op <op>, sy over [x19, x19 + PAGE_SIZE)
  /\ InLoop("cmo")
  /\ LET d == cur IN
     IF d \notin CachedPages THEN UNCHANGED <<mem, dc>> ELSE
     CASE Instr.cmo = "civac" ->
            /\ mem' = [mem EXCEPT ![d] = CleanLine(dc[d], mem[d])]
            /\ dc' = [dc EXCEPT ![d] = LineI]
       [] Instr.cmo = "cvac" ->
            /\ mem' = [mem EXCEPT ![d] = CleanLine(dc[d], mem[d])]
            /\ dc' = [dc EXCEPT ![d] = IF dc[d].st = "I" THEN LineI
                                       ELSE [st |-> "C", v |-> CleanLine(dc[d], mem[d])]]
       [] Instr.cmo = "ivac" ->
            /\ \/ UNCHANGED mem                                   \* dirty data discarded
               \/ mem' = [mem EXCEPT ![d] = CleanLine(dc[d], mem[d])] \* cleaned first
            /\ dc' = [dc EXCEPT ![d] = LineI]
  /\ phase' = "ldr"
  /\ lastStep' = "relocate_kernel.S: dcache_by_myline_op " \o Instr.cmo \o ", sy"
  /\ UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr, kread, kimagePage, tablePage>>
  /\ UNCHANGED <<icStale, k, dest, cur, written>>

(* DC CISW/CSW/ISW over the sets and ways the code computes from CCSIDR_EL1 (the whole   *)
(* loop nest is one step).  Set/way operations reach the lines of the cache levels the  *)
(* loop visits and never a system cache beyond the PE's hierarchy (Arm ARM: not for      *)
(* coherency with other agents); the derivation does not establish which levels hold a   *)
(* destination line, so each line is either reached or left as it is.                    *)
DcSetWay ==
  /\ Exec("dc_sw")
  /\ \E reached \in SUBSET CachedPages :
       /\ IF Instr.cmo \in {"cisw", "csw"}
          THEN mem' = [d \in CachedPages |-> IF d \in reached THEN CleanLine(dc[d], mem[d]) ELSE mem[d]]
          ELSE \E cleaned \in SUBSET reached :       \* isw: a dirty line MAY be cleaned first
                 mem' = [d \in CachedPages |-> IF d \in cleaned THEN CleanLine(dc[d], mem[d]) ELSE mem[d]]
       /\ dc' = [d \in CachedPages |->
                  IF d \notin reached THEN dc[d]
                  ELSE IF Instr.cmo = "csw" /\ dc[d].st # "I" THEN [st |-> "C", v |-> CleanLine(dc[d], mem[d])]
                  ELSE LineI]
  /\ Advance /\ lastStep' = Instr.src
  /\ UNCHANGED <<el, sys, eff, tlb, tlbiPend, elr, esr>>
  /\ UNCHANGED <<icStale, k, phase, dest, cur, written, kread, kimagePage, tablePage>>

RelocLdrNextEntry ==      \* ldr x16, [x14], #8 ; tbz x16, IND_DONE_BIT, .Lloop
  /\ InLoop("ldr")
  /\ k + 1 <= Len(Entries)
  /\ k' = k + 1
  /\ phase' = "test"
  /\ pc' = IF Entries[k + 1].kind = "done" THEN PcAt(pc.i + 1) ELSE pc
  /\ lastStep' = "relocate_kernel.S: ldr x16, [x14], #8"
  /\ UNCHANGED <<el, sys, eff, tlb, tlbiPend, elr, esr, kread, kimagePage, tablePage>>
  /\ UNCHANGED <<mem, dc, icStale, dest, cur, written>>

RelocCpuStep ==
  \/ DataAbort \/ LdrKimage \/ IcIallu \/ DcSetWay
  \/ RelocIndirection \/ RelocDestination \/ RelocCopyPage \/ RelocDcByLine
  \/ RelocLdrNextEntry

(* ---------------------------------------------------------------------- *)
(* The caches on their own (no fairness).                                 *)
(* ---------------------------------------------------------------------- *)
CacheFrame == UNCHANGED <<el, pc, sys, eff, tlb, tlbiPend, elr, esr>>
           /\ UNCHANGED <<icStale, k, phase, dest, cur, written, kread, kimagePage, tablePage>>

CacheWriteBack ==
  /\ pc.at # "new"
  /\ \E d \in CachedPages :
       /\ dc[d].st = "D"
       /\ mem' = [mem EXCEPT ![d] = dc[d].v]
       /\ dc' = [dc EXCEPT ![d] = [st |-> "C", v |-> dc[d].v]]
  /\ lastStep' = "arch: dirty line written back to PoC (eviction)"
  /\ CacheFrame

CacheDropClean ==
  /\ pc.at # "new"
  /\ \E d \in CachedPages :
       /\ dc[d].st = "C"
       /\ dc' = [dc EXCEPT ![d] = LineI]
  /\ UNCHANGED mem
  /\ lastStep' = "arch: clean line dropped"
  /\ CacheFrame

CacheSpeculativeFill ==
  /\ pc.at # "new" /\ DataCacheOn
  /\ \E d \in CachedPages :
       /\ dc[d].st = "I"
       /\ dc' = [dc EXCEPT ![d] = [st |-> "C", v |-> mem[d]]]
  /\ UNCHANGED mem
  /\ lastStep' = "arch: speculative line fill"
  /\ CacheFrame

CacheEnvStep == ModelDataEnv /\ (CacheWriteBack \/ CacheDropClean \/ CacheSpeculativeFill)

RelocInit ==
  /\ \E S \in CacheChoices :
       /\ mem = [d \in S |-> "old"]
       /\ dc \in IF ModelDataEnv
                THEN [S -> {LineI, [st |-> "C", v |-> "old"], [st |-> "D", v |-> "old"]}]
                ELSE {[d \in S |-> LineI]}
  /\ icStale = InitIcStale
  /\ k = 0
  /\ phase = "test"
  /\ dest = 0
  /\ cur = 0
  /\ written = {}
  /\ kread = {}
  /\ kimagePage \in KimageCands
  /\ tablePage \in TableCands

(* ---------------------------------------------------------------------- *)
(* Pages still needed at this point of the relocation.                     *)
(* ---------------------------------------------------------------------- *)
(* Where the program continues: pc, or the return address of the pending  *)
(* exception; a fault taken inside a vector loses it (index 1: keep all).  *)
ResumeIndex == CASE pc.at = "prog"     -> pc.i
                 [] elr.pc.at = "prog" -> elr.pc.i
                 [] OTHER              -> 1

(* Per program index: a kimage load is still ahead / the code pages ahead. *)
KimageLoadAhead == [i \in 1..Len(Prog) + 1 |-> \E j \in i..Len(Prog) : Prog[j].op = "ldr_kimage"]
CodeAhead       == [i \in 1..Len(Prog) + 1 |-> {Prog[j].pa : j \in i..Len(Prog)}]

KimageStillNeeded == pc.at # "new" /\ KimageLoadAhead[ResumeIndex]

TablePagesOf(root) == IF root \in PlacedRoots THEN {tablePage} ELSE FixedTablePages(root)

TablesInUse ==
  IF pc.at = "new" \/ ~MmuOn THEN {}
  ELSE UNION {TablePagesOf(eff[TtbrOf(CurRegime, range)]) :
                range \in (IF HasTwoRanges(CurRegime) THEN {0, 1} ELSE {0})}

LoopPos == IF k = 0 THEN 1 ELSE k

ListStillNeeded ==
  IF pc.at = "new" THEN {}
  ELSE {EntryPageOf(Entries[j]) : j \in {j2 \in (LoopPos + 1)..Len(Entries) : Entries[j2].at # 0}}
       \cup {Entries[j].page : j \in {j2 \in LoopPos..Len(Entries) :
                                        /\ Entries[j2].kind = "src"
                                        /\ (j2 = k => phase = "test")}}

(* Every instruction record also carries pa: the page it sits in. *)
CodeStillNeeded ==
  IF pc.at = "new" THEN {}
  ELSE CodeAhead[ResumeIndex] \cup VectorPages

Needed ==
  (IF KimageStillNeeded THEN {kimagePage} ELSE {})
  \cup TablesInUse \cup ListStillNeeded \cup CodeStillNeeded
=============================================================================
