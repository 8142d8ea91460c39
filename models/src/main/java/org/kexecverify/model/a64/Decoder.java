package org.kexecverify.model.a64;


/**
 * Decodes one A64 word into an {@link Insn}, following the Arm ARM encoding index (C4.1). Anything outside
 * the emulated subset, and every reserved encoding inside it, decodes to {@link Op#UNDEF}, which the machine
 * executes as an Undefined Instruction exception (ESR_ELx.EC = 0x00).
 *
 * <p>Not emulated (decode as UNDEF although real hardware would run them): SIMD/FP, multiply, load/store
 * exclusive and atomics, MTE, pointer authentication beyond the NOP-compatible hints.
 */
public final class Decoder {
    private Decoder() {
    }

    private static int bits(int w, int msb, int lsb) {
        return (w >>> lsb) & ((1 << (msb - lsb + 1)) - 1);
    }

    private static long sext(long v, int width) {
        return (v << (64 - width)) >> (64 - width);
    }

    private static Insn insn(int op, int w, int rd, int rn, int rm, boolean sf, int aux, int aux2, long imm, long imm2) {
        return new Insn(op, w, rd, rn, rm, sf, aux, aux2, imm, imm2);
    }

    public static Insn decode(int w) {
        int rd = w & 31;
        int rn = (w >>> 5) & 31;
        int rm = (w >>> 16) & 31;
        boolean sf = w < 0;
        // ---- data processing, immediate
        if ((w & 0x1f000000) == 0x10000000) {
            long imm = sext(((long) bits(w, 23, 5) << 2) | bits(w, 30, 29), 21);
            return sf ? insn(Op.ADRP, w, rd, 0, 0, true, 0, 0, imm << 12, 0) : insn(Op.ADR, w, rd, 0, 0, true, 0, 0, imm, 0);
        }
        if ((w & 0x1f800000) == 0x11000000) {
            int opS = bits(w, 30, 29);
            long imm = (long) bits(w, 21, 10) << (bits(w, 22, 22) * 12);
            int op = switch (opS) {
                case 0 -> Op.ADD_I;
                case 1 -> Op.ADDS_I;
                case 2 -> Op.SUB_I;
                default -> Op.SUBS_I;
            };
            return insn(op, w, rd, rn, 0, sf, 0, 0, imm, 0);
        }
        if ((w & 0x1f800000) == 0x12000000) {
            int n = bits(w, 22, 22);
            if (!sf && n == 1) {
                return Insn.undefined(w);
            }
            BitMasks.Masks m = BitMasks.decode(n, bits(w, 15, 10), bits(w, 21, 16), true, sf ? 64 : 32);
            if (!m.valid()) {
                return Insn.undefined(w);
            }
            int op = switch (bits(w, 30, 29)) {
                case 0 -> Op.AND_I;
                case 1 -> Op.ORR_I;
                case 2 -> Op.EOR_I;
                default -> Op.ANDS_I;
            };
            return insn(op, w, rd, rn, 0, sf, 0, 0, m.wmask(), 0);
        }
        if ((w & 0x1f800000) == 0x12800000) {
            int opc = bits(w, 30, 29);
            int hw = bits(w, 22, 21);
            if (opc == 1 || (!sf && hw >= 2)) {
                return Insn.undefined(w);
            }
            int op = opc == 0 ? Op.MOVN : opc == 2 ? Op.MOVZ : Op.MOVK;
            return insn(op, w, rd, 0, 0, sf, hw * 16, 0, (long) bits(w, 20, 5) << (hw * 16), 0);
        }
        if ((w & 0x1f800000) == 0x13000000) {
            int opc = bits(w, 30, 29);
            int n = bits(w, 22, 22);
            if (opc == 3 || n != (sf ? 1 : 0)) {
                return Insn.undefined(w);
            }
            int immr = bits(w, 21, 16);
            int imms = bits(w, 15, 10);
            BitMasks.Masks m = BitMasks.decode(n, imms, immr, false, sf ? 64 : 32);
            if (!m.valid()) {
                return Insn.undefined(w);
            }
            int op = opc == 0 ? Op.SBFM : opc == 1 ? Op.BFM : Op.UBFM;
            return insn(op, w, rd, rn, 0, sf, immr, imms, m.wmask(), m.tmask());
        }
        if ((w & 0x1f800000) == 0x13800000) {
            int n = bits(w, 22, 22);
            int imms = bits(w, 15, 10);
            if (bits(w, 30, 29) != 0 || bits(w, 21, 21) != 0 || n != (sf ? 1 : 0) || (!sf && imms >= 32)) {
                return Insn.undefined(w);
            }
            return insn(Op.EXTR, w, rd, rn, rm, sf, imms, 0, 0, 0);
        }
        // ---- branches, exception generation, system
        if ((w & 0x7c000000) == 0x14000000) {
            long off = sext(bits(w, 25, 0), 26) << 2;
            return insn(sf ? Op.BL : Op.B, w, 0, 0, 0, false, 0, 0, off, 0);
        }
        if ((w & 0x7e000000) == 0x34000000) {
            long off = sext(bits(w, 23, 5), 19) << 2;
            return insn(bits(w, 24, 24) == 0 ? Op.CBZ : Op.CBNZ, w, rd, 0, 0, sf, 0, 0, off, 0);
        }
        if ((w & 0x7e000000) == 0x36000000) {
            long off = sext(bits(w, 18, 5), 14) << 2;
            int bit = (sf ? 32 : 0) | bits(w, 23, 19);
            return insn(bits(w, 24, 24) == 0 ? Op.TBZ : Op.TBNZ, w, rd, 0, 0, true, bit, 0, off, 0);
        }
        if ((w & 0xff000010) == 0x54000000) {
            long off = sext(bits(w, 23, 5), 19) << 2;
            return insn(Op.BCOND, w, 0, 0, 0, false, w & 15, 0, off, 0);
        }
        if ((w & 0xff000000) == 0xd4000000) {
            int opc = bits(w, 23, 21);
            int op2ll = bits(w, 4, 0);
            long imm16 = bits(w, 20, 5);
            if (opc == 0 && op2ll == 1) {
                return insn(Op.SVC, w, 0, 0, 0, false, 0, 0, imm16, 0);
            }
            if (opc == 0 && op2ll == 2) {
                return insn(Op.HVC, w, 0, 0, 0, false, 0, 0, imm16, 0);
            }
            if (opc == 0 && op2ll == 3) {
                return insn(Op.SMC, w, 0, 0, 0, false, 0, 0, imm16, 0);
            }
            if (opc == 1 && op2ll == 0) {
                return insn(Op.BRK, w, 0, 0, 0, false, 0, 0, imm16, 0);
            }
            return Insn.undefined(w);
        }
        if ((w & 0xffc00000) == 0xd5000000) {
            return system(w);
        }
        if ((w & 0xfe000000) == 0xd6000000) {
            if (w == 0xd69f03e0) {
                return insn(Op.ERET, w, 0, 0, 0, false, 0, 0, 0, 0);
            }
            if (bits(w, 20, 16) != 31 || bits(w, 15, 10) != 0 || rd != 0) {
                return Insn.undefined(w);
            }
            return switch (bits(w, 24, 21)) {
                case 0 -> insn(Op.BR, w, 0, rn, 0, true, 0, 0, 0, 0);
                case 1 -> insn(Op.BLR, w, 0, rn, 0, true, 0, 0, 0, 0);
                case 2 -> insn(Op.RET, w, 0, rn, 0, true, 0, 0, 0, 0);
                default -> Insn.undefined(w);
            };
        }
        // ---- loads and stores
        if ((w & 0x3a000000) == 0x28000000) {
            return pair(w);
        }
        if ((w & 0x3b000000) == 0x18000000) {
            if (bits(w, 26, 26) != 0) {
                return Insn.undefined(w);
            }
            long off = sext(bits(w, 23, 5), 19) << 2;
            return switch (bits(w, 31, 30)) {
                case 0 -> insn(Op.LDR_LIT, w, rd, 0, 0, false, 2, 1, off, 0);
                case 1 -> insn(Op.LDR_LIT, w, rd, 0, 0, true, 3, 1, off, 0);
                case 2 -> insn(Op.LDR_LIT, w, rd, 0, 0, true, 2, 2, off, 0);
                default -> insn(Op.NOP, w, 0, 0, 0, false, 0, 0, 0, 0); // PRFM (literal)
            };
        }
        if ((w & 0x3a000000) == 0x38000000) {
            return loadStore(w);
        }
        // ---- data processing, register
        if ((w & 0x1f000000) == 0x0a000000) {
            int amount = bits(w, 15, 10);
            if (!sf && amount >= 32) {
                return Insn.undefined(w);
            }
            int opcN = bits(w, 30, 29) << 1 | bits(w, 21, 21);
            return insn(Op.LOG_R, w, rd, rn, rm, sf, opcN, amount, bits(w, 23, 22), 0);
        }
        if ((w & 0x1f200000) == 0x0b000000) {
            int type = bits(w, 23, 22);
            int amount = bits(w, 15, 10);
            if (type == 3 || (!sf && amount >= 32)) {
                return Insn.undefined(w);
            }
            int op = switch (bits(w, 30, 29)) {
                case 0 -> Op.ADD_R;
                case 1 -> Op.ADDS_R;
                case 2 -> Op.SUB_R;
                default -> Op.SUBS_R;
            };
            return insn(op, w, rd, rn, rm, sf, type, amount, 0, 0);
        }
        if ((w & 0x1f200000) == 0x0b200000) {
            int amount = bits(w, 12, 10);
            if (bits(w, 23, 22) != 0 || amount > 4) {
                return Insn.undefined(w);
            }
            int op = switch (bits(w, 30, 29)) {
                case 0 -> Op.ADD_X;
                case 1 -> Op.ADDS_X;
                case 2 -> Op.SUB_X;
                default -> Op.SUBS_X;
            };
            return insn(op, w, rd, rn, rm, sf, bits(w, 15, 13), amount, 0, 0);
        }
        if ((w & 0x1fe00000) == 0x1a800000) {
            if (bits(w, 29, 29) != 0 || bits(w, 11, 11) != 0) {
                return Insn.undefined(w);
            }
            return insn(Op.CSEL, w, rd, rn, rm, sf, bits(w, 15, 12), bits(w, 30, 30) << 1 | bits(w, 10, 10), 0, 0);
        }
        if ((w & 0x7fff0000) == 0x5ac00000) {
            // data processing, one source: RBIT, REV16, REV32/REV, CLZ, CLS (opcode2 = 0)
            int opcode = bits(w, 15, 10);
            if (opcode > 5 || (!sf && opcode == 3)) {
                return Insn.undefined(w);
            }
            return insn(Op.DP1, w, rd, rn, 0, sf, opcode, 0, 0, 0);
        }
        if ((w & 0x5fe00000) == 0x1ac00000) {
            int opcode = bits(w, 15, 10);
            if (opcode >= 8 && opcode <= 11) {
                return insn(Op.SHIFTV, w, rd, rn, rm, sf, opcode - 8, 0, 0, 0);
            }
            if (opcode == 2) {
                return insn(Op.UDIV, w, rd, rn, rm, sf, 0, 0, 0, 0);
            }
            if (opcode == 3) {
                return insn(Op.SDIV, w, rd, rn, rm, sf, 0, 0, 0, 0);
            }
            return Insn.undefined(w);
        }
        return Insn.undefined(w);
    }

    private static Insn system(int w) {
        int l = bits(w, 21, 21);
        int op0 = bits(w, 20, 19);
        int op1 = bits(w, 18, 16);
        int crn = bits(w, 15, 12);
        int crm = bits(w, 11, 8);
        int op2 = bits(w, 7, 5);
        int rt = w & 31;
        if (op0 == 0 && l == 0) {
            if (crn == 2 && op1 == 3 && rt == 31) {
                int hint = crm << 3 | op2;
                return hint == 3 ? insn(Op.WFI, w, 0, 0, 0, false, 0, 0, 0, 0) : insn(Op.NOP, w, 0, 0, 0, false, 0, 0, 0, 0);
            }
            if (crn == 3 && op1 == 3 && rt == 31) {
                return switch (op2) {
                    case 2 -> insn(Op.NOP, w, 0, 0, 0, false, 0, 0, 0, 0); // CLREX: no exclusive monitor modelled
                    case 4 -> insn(Op.DSB, w, 0, 0, 0, false, crm, 0, 0, 0);
                    case 5 -> insn(Op.DMB, w, 0, 0, 0, false, crm, 0, 0, 0);
                    case 6 -> insn(Op.ISB, w, 0, 0, 0, false, crm, 0, 0, 0);
                    default -> Insn.undefined(w);
                };
            }
            if (crn == 4 && rt == 31) {
                int sel = op1 << 3 | op2;
                if (sel == 5 || sel == (3 << 3 | 6) || sel == (3 << 3 | 7)) {
                    return insn(Op.MSR_IMM, w, 0, 0, 0, false, sel, crm, 0, 0);
                }
            }
            return Insn.undefined(w);
        }
        if (op0 == 1) {
            if (l != 0) {
                return Insn.undefined(w);
            }
            SysOp op = SysOp.byKey(op1 << 11 | crn << 7 | crm << 3 | op2);
            if (op == null || (!op.takesAddress() && rt != 31)) {
                return Insn.undefined(w);
            }
            return insn(Op.SYS, w, rt, 0, 0, true, op.ordinal(), 0, 0, 0);
        }
        if (op0 >= 2) {
            SysRegId r = SysRegId.byKey(bits(w, 19, 5));
            if (r == null) {
                return Insn.undefined(w);
            }
            return insn(l == 1 ? Op.MRS : Op.MSR, w, rt, 0, 0, true, r.ordinal(), 0, 0, 0);
        }
        return Insn.undefined(w);
    }

    private static Insn pair(int w) {
        if (bits(w, 26, 26) != 0) {
            return Insn.undefined(w);
        }
        int opc = bits(w, 31, 30);
        int idx = bits(w, 24, 23);
        int load = bits(w, 22, 22);
        if (opc == 1 || opc == 3) {
            return Insn.undefined(w);
        }
        int size = opc == 0 ? 2 : 3;
        long off = sext(bits(w, 21, 15), 7) << size;
        int mode = idx == 1 ? 1 : idx == 3 ? 3 : 0;
        return insn(Op.PAIR, w, w & 31, (w >>> 5) & 31, (w >>> 10) & 31, size == 3, size, load, off, mode);
    }

    private static Insn loadStore(int w) {
        if (bits(w, 26, 26) != 0) {
            return Insn.undefined(w);
        }
        int size = bits(w, 31, 30);
        int opc = bits(w, 23, 22);
        int rt = w & 31;
        int rn = (w >>> 5) & 31;
        int kind;
        if (opc == 0) {
            kind = 0;
        } else if (opc == 1) {
            kind = 1;
        } else if (opc == 2) {
            if (size == 3) {
                return insn(Op.NOP, w, 0, 0, 0, false, 0, 0, 0, 0); // PRFM
            }
            kind = 2;
        } else {
            if (size >= 2) {
                return Insn.undefined(w);
            }
            kind = 3;
        }
        boolean sf = size == 3 || kind == 2;
        if (bits(w, 24, 24) == 1) {
            long off = (long) bits(w, 21, 10) << size;
            return insn(Op.LDST_U, w, rt, rn, 0, sf, size, kind, off, 0);
        }
        if (bits(w, 21, 21) == 0) {
            long off = sext(bits(w, 20, 12), 9);
            return switch (bits(w, 11, 10)) {
                case 0 -> insn(Op.LDST_UNSCALED, w, rt, rn, 0, sf, size, kind, off, 0);
                case 1 -> insn(Op.LDST_POST, w, rt, rn, 0, sf, size, kind, off, 0);
                case 3 -> insn(Op.LDST_PRE, w, rt, rn, 0, sf, size, kind, off, 0);
                default -> Insn.undefined(w); // LDTR/STTR (unprivileged)
            };
        }
        if (bits(w, 11, 10) == 2) {
            int option = bits(w, 15, 13);
            if ((option & 2) == 0) {
                return Insn.undefined(w);
            }
            int shift = bits(w, 12, 12) == 1 ? size : 0;
            return insn(Op.LDST_REG, w, rt, rn, (w >>> 16) & 31, sf, size, kind, option, shift);
        }
        return Insn.undefined(w);
    }
}
