-------------------------------- MODULE Vmsa --------------------------------
(***************************************************************************)
(* Page-granular stage-1 VMSAv8-64 translation (4 KB granule), per        *)
(* translation regime.                                                      *)
(*                                                                          *)
(* A table is given at page granularity: for a table root (the value of a  *)
(* TTBR) and a VA page, Pte(root, va) is the LEAF descriptor the walk      *)
(* reaches, with the hierarchical attributes of the table descriptors on   *)
(* its path already accumulated (XNTable/UXNTable, PXNTable, APTable[1]).  *)
(* An invalid entry at any level is a leaf with valid = FALSE and the      *)
(* level of the fault.  The bits are kept raw (as they sit in the           *)
(* descriptor); what they MEAN is decided here, per regime:                 *)
(*                                                                          *)
(*   regime   | bit 54 (UXN/XN)   | bit 53 (PXN) | AP[1] (bit 6)           *)
(*   ---------+-------------------+--------------+------------------------ *)
(*   EL1_0    | UXN: EL0 only     | PXN: EL1     | EL0 access; EL0-writable *)
(*            |                   |              | implies PXN              *)
(*   EL2_0    | UXN: EL0 only     | PXN: EL2     | as EL1_0 (VHE)          *)
(*   EL2      | XN: the only one  | RES0, ignored| RES1, ignored           *)
(*                                                                          *)
(* (Arm ARM D4.4 "Access controls and memory region attributes"; Linux      *)
(* PTE_HYP_XN == PTE_UXN == bit 54.)  A PAGE_KERNEL_EXEC page (PXN clear,  *)
(* UXN set) is therefore executable at EL1 and at VHE EL2 but execute-never *)
(* at non-VHE EL2: the RFC v2 freeze.                                      *)
(*                                                                          *)
(* Faults are prioritised as the architecture does: Translation, then      *)
(* Access flag (AF = 0 with TCR_ELx.HA = 0), then Permission.               *)
(***************************************************************************)
EXTENDS Naturals

Regimes     == {"EL1_0", "EL2", "EL2_0"}
AccessTypes == {"fetch", "read", "write"}

(* Translation regimes with two VA ranges (TTBR0 and TTBR1).  A VA is a    *)
(* pair <<range, page>>: range 0 is the low (TTBR0) half, range 1 the high *)
(* (TTBR1) half.  Non-VHE EL2 has only TTBR0_EL2.                           *)
HasTwoRanges(regime) == regime # "EL2"

(* ---------------------------------------------------------------------- *)
(* Leaf descriptors.  Field names follow the descriptor field names        *)
(* (VALID, AF, AP[2], AP[1], PXN, UXN/XN = bit 54, PXNTable, XNTable,      *)
(* APTable[1]); "device" is the memory type selected by AttrIndx via MAIR; *)
(* pa is the output page.                                                  *)
(* ---------------------------------------------------------------------- *)
Invalid(level) ==
  [valid |-> FALSE, level |-> level, pa |-> 0, af |-> FALSE, ap2 |-> FALSE,
   ap1 |-> FALSE, pxn |-> FALSE, bit54 |-> FALSE, pxnTable |-> FALSE,
   xnTable |-> FALSE, apTable2 |-> FALSE, device |-> FALSE]

Leaf(pa, af, ap2, ap1, pxn, bit54, device) ==
  [valid |-> TRUE, level |-> 3, pa |-> pa, af |-> af, ap2 |-> ap2, ap1 |-> ap1,
   pxn |-> pxn, bit54 |-> bit54, pxnTable |-> FALSE, xnTable |-> FALSE,
   apTable2 |-> FALSE, device |-> device]

(* Linux pgprots of the kernels this project looks at                       *)
(* (arch/arm64/include/asm/pgtable-prot.h): all are Normal WB, AF set.      *)
PAGE_KERNEL(pa)      == Leaf(pa, TRUE, FALSE, FALSE, TRUE,  TRUE,  FALSE) \* PXN|UXN, RW
PAGE_KERNEL_EXEC(pa) == Leaf(pa, TRUE, FALSE, FALSE, FALSE, TRUE,  FALSE) \* UXN only, RW
PAGE_KERNEL_ROX(pa)  == Leaf(pa, TRUE, TRUE,  FALSE, FALSE, TRUE,  FALSE) \* UXN only, RO
PAGE_HYP_EXEC(pa)    == Leaf(pa, TRUE, TRUE,  TRUE,  FALSE, FALSE, FALSE) \* EL2: AP[1] RES1, no XN

(* ---------------------------------------------------------------------- *)
(* Permission checks for a PRIVILEGED access (the kernel's own accesses at *)
(* EL1, or at EL2).  wxn is SCTLR_ELx.WXN.                                  *)
(* ---------------------------------------------------------------------- *)
Writable(regime, d) == ~d.ap2 /\ ~d.apTable2

Executable(regime, d, wxn) ==
  IF regime = "EL2"
  THEN /\ ~d.bit54                       \* bit 54 is XN at non-VHE EL2
       /\ ~d.xnTable
       /\ ~(wxn /\ Writable(regime, d))
  ELSE /\ ~d.pxn                         \* bit 53 governs the kernel's fetches
       /\ ~d.pxnTable
       /\ ~(d.ap1 /\ ~d.ap2)             \* EL0-writable implies PXN
       /\ ~(wxn /\ Writable(regime, d))

(* Instruction fetch from a Device page not marked XN is CONSTRAINED      *)
(* UNPREDICTABLE; with deviceFetchFaults = TRUE the model takes the        *)
(* Permission-fault choice, otherwise it treats the page as Normal NC.     *)
Permitted(regime, d, access, wxn, deviceFetchFaults) ==
  CASE access = "fetch" -> Executable(regime, d, wxn) /\ ~(d.device /\ deviceFetchFaults)
    [] access = "write" -> Writable(regime, d)
    [] access = "read"  -> TRUE

(* The outcome of one translation: ok with an output page, or a fault with *)
(* its kind (the names of walk.FaultKind) and level.                       *)
Mapped(pa, device)  == [ok |-> TRUE,  pa |-> pa, device |-> device, fault |-> "NONE", level |-> 0]
Fault(kind, level)  == [ok |-> FALSE, pa |-> 0,  device |-> FALSE, fault |-> kind, level |-> level]

Translate(regime, d, access, wxn, deviceFetchFaults) ==
  IF ~d.valid THEN Fault("TRANSLATION", d.level)
  ELSE IF ~d.af THEN Fault("ACCESS_FLAG", d.level)
  ELSE IF ~Permitted(regime, d, access, wxn, deviceFetchFaults)
       THEN Fault("PERMISSION", d.level)
       ELSE Mapped(d.pa, d.device)
=============================================================================
