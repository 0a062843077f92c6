package dev.vivarium.x86.cpu.translator;

import dev.vivarium.x86.cpu.Cpu;

import java.util.ArrayList;
import java.util.List;

import static dev.vivarium.x86.cpu.Cpu.DS;
import static dev.vivarium.x86.cpu.Cpu.EBP;
import static dev.vivarium.x86.cpu.Cpu.ESP;
import static dev.vivarium.x86.cpu.Cpu.SS;

/**
 * Decodes the instructions of 32-bit code into a {@link Block} of {@link Op}s. It takes the
 * forms compiled code runs most (ALU, MOV, MOVZX/SX, LEA, PUSH/POP, shifts, MUL/DIV, SETcc,
 * CMOVcc, near jumps, calls and returns) with 32-bit addressing, 32- or 8-bit operands and
 * segment overrides; at anything else (operand- or address-size prefixes, LOCK, REP, far or
 * system instructions, I/O, anything that changes IF, TF or a segment) it ends the block
 * before that instruction, which the interpreter then runs. Nothing here can fault: an
 * instruction that would run past the page or CS's limit also ends the block.
 */
final class BlockDecoder {

    /** Ops per block at most, so a long straight run still returns to the interrupt check. */
    static final int MAX_OPS = 64;
    /** The longest legal instruction; a longer one (possible with repeated segment prefixes) faults. */
    private static final int MAX_INSTRUCTION_LENGTH = 15;

    /** Reading past the decodable bytes: the instruction is left to the interpreter. */
    private static final class Truncated extends RuntimeException {
        Truncated() {
            super(null, null, false, false);
        }
    }

    private static final Truncated TRUNCATED = new Truncated();

    private byte[] code;
    private int pos, end;
    private int mod, regField, rm;

    /**
     * Decodes from {@code page[index]}, the byte at {@code eip}, until the block ends.
     * {@code csLimit} bounds the bytes that may be decoded as CS's limit does.
     */
    Block decode(byte[] page, int index, int eip, int linear, int physical, int pageNumber, int csLimit) {
        code = page;
        pos = index;
        long room = (csLimit & 0xFFFFFFFFL) - (eip & 0xFFFFFFFFL) + 1;
        end = (int) Math.min(page.length, index + Math.max(0, Math.min(room, page.length)));
        List<Op> ops = new ArrayList<>();
        List<Integer> starts = new ArrayList<>();
        while (ops.size() < MAX_OPS) {
            int at = pos;
            int instrEip = eip + (at - index);
            Op op;
            try {
                op = decodeOne(at, instrEip);
            } catch (Truncated t) {
                op = null;
            }
            if (pos - at > MAX_INSTRUCTION_LENGTH) {
                op = null; // redundant prefixes made it too long: the interpreter raises #GP(0)
            }
            if (op == null) {
                pos = at;
                break;
            }
            ops.add(op);
            starts.add(instrEip);
            if (op.transfersControl()) {
                break;
            }
        }
        int[] s = new int[ops.size() + 1];
        for (int i = 0; i < ops.size(); i++) {
            s[i] = starts.get(i);
        }
        s[ops.size()] = eip + (pos - index);
        code = null;
        return new Block(linear, eip, physical, pageNumber, page, ops.toArray(new Op[0]), s);
    }

    // ---- bytes ----

    private int u8() {
        if (pos >= end) {
            throw TRUNCATED;
        }
        return code[pos++] & 0xFF;
    }

    private int s8() {
        return (byte) u8();
    }

    private int u16() {
        return u8() | u8() << 8;
    }

    private int s32() {
        return u8() | u8() << 8 | u8() << 16 | u8() << 24;
    }

    // ---- ModRM ----

    private void modrm() {
        int b = u8();
        mod = b >>> 6;
        regField = b >>> 3 & 7;
        rm = b & 7;
    }

    /** The memory operand of the ModRM byte just read (mod != 3), with 32-bit addressing. */
    private Op.Ea ea(int segOverride) {
        int base = 0, baseMask = 0, index = 0, scale = 0, indexMask = 0, disp = 0;
        int seg = DS;
        if (rm == 4) {
            int sib = u8();
            scale = sib >>> 6;
            int i = sib >>> 3 & 7;
            int b = sib & 7;
            if (b == 5 && mod == 0) {
                disp = s32();
            } else {
                base = b;
                baseMask = -1;
                if (b == ESP || b == EBP) {
                    seg = SS;
                }
            }
            if (i != 4) {
                index = i;
                indexMask = -1;
            }
        } else if (rm == 5 && mod == 0) {
            disp = s32();
        } else {
            base = rm;
            baseMask = -1;
            if (rm == EBP) {
                seg = SS;
            }
        }
        if (mod == 1) {
            disp += s8();
        } else if (mod == 2) {
            disp += s32();
        }
        return new Op.Ea(segOverride >= 0 ? segOverride : seg, base, baseMask, index, scale, indexMask, disp);
    }

    private static Op.Ea absolute(int seg, int disp) {
        return new Op.Ea(seg, 0, 0, 0, 0, 0, disp);
    }

    // ---- instructions ----

    /** One instruction at {@code code[at]}, or null when the interpreter must run it. */
    private Op decodeOne(int at, int instrEip) {
        int segOverride = -1;
        int b = u8();
        for (int seg = Cpu.segmentOverride(b); seg >= 0; seg = Cpu.segmentOverride(b)) {
            segOverride = seg;
            b = u8();
        }
        return opcode(b, segOverride, at, instrEip);
    }

    private int next(int at, int instrEip) {
        return instrEip + (pos - at);
    }

    private Op opcode(int b, int seg, int at, int instrEip) {
        int dataSeg = seg >= 0 ? seg : DS;
        if (b < 0x40 && (b & 7) < 6 && b != 0x0F) {
            return alu(b, seg);
        }
        switch (b) {
            case 0x0F:
                return twoByte(u8(), seg, at, instrEip);
            case 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47:
                return new AluOps.IncDecReg(b & 7, false);
            case 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F:
                return new AluOps.IncDecReg(b & 7, true);
            case 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57:
                return new StackOps.PushReg(b & 7);
            case 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F:
                return new StackOps.PopReg(b & 7);
            case 0x68:
                return new StackOps.PushImm(s32());
            case 0x6A:
                return new StackOps.PushImm(s8());
            case 0x69, 0x6B: {
                modrm();
                Op.Ea ea = mod == 3 ? null : ea(seg);
                int imm = b == 0x69 ? s32() : s8();
                return ea == null ? new AluOps.ImulReg(regField, rm, imm, false) : new AluOps.ImulMem(regField, ea, imm, false);
            }
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F: {
                int rel = s8();
                int next = next(at, instrEip);
                return new BranchOps.Jcc(b & 0xF, next + rel, next);
            }
            case 0x80, 0x82, 0x81, 0x83: {
                modrm();
                Op.Ea ea = mod == 3 ? null : ea(seg);
                int op = regField;
                boolean write = op != 7;
                if (b == 0x81 || b == 0x83) {
                    int imm = b == 0x81 ? s32() : s8();
                    return ea == null ? new AluOps.RegImm(op, rm, imm, write) : new AluOps.MemImm(op, ea, imm, write);
                }
                int imm = u8();
                return ea == null ? new AluOps.RegImm8(op, rm, imm, write) : new AluOps.MemImm8(op, ea, imm, write);
            }
            case 0x84: {
                modrm();
                return mod == 3 ? new AluOps.RegReg8(4, rm, regField, false) : new AluOps.MemReg8(4, ea(seg), regField, false);
            }
            case 0x85: {
                modrm();
                return mod == 3 ? new AluOps.RegReg(4, rm, regField, false) : new AluOps.MemReg(4, ea(seg), regField, false);
            }
            case 0x87: {
                modrm();
                return mod == 3 ? new MoveOps.XchgRegReg(rm, regField) : new MoveOps.XchgRegMem(regField, ea(seg));
            }
            case 0x88: {
                modrm();
                return mod == 3 ? new MoveOps.RegReg8(rm, regField) : new MoveOps.Store8(ea(seg), regField);
            }
            case 0x89: {
                modrm();
                return mod == 3 ? new MoveOps.RegReg(rm, regField) : new MoveOps.Store(ea(seg), regField);
            }
            case 0x8A: {
                modrm();
                return mod == 3 ? new MoveOps.RegReg8(regField, rm) : new MoveOps.Load8(regField, ea(seg));
            }
            case 0x8B: {
                modrm();
                return mod == 3 ? new MoveOps.RegReg(regField, rm) : new MoveOps.Load(regField, ea(seg));
            }
            case 0x8D: {
                modrm();
                return mod == 3 ? null : new MoveOps.Lea(regField, ea(seg));
            }
            case 0x90:
                return new MoveOps.Nop();
            case 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97:
                return new MoveOps.XchgRegReg(0, b & 7);
            case 0x98:
                return new AluOps.Cwde();
            case 0x99:
                return new AluOps.Cdq();
            case 0xA0:
                return new MoveOps.Load8(0, absolute(dataSeg, s32()));
            case 0xA1:
                return new MoveOps.Load(0, absolute(dataSeg, s32()));
            case 0xA2:
                return new MoveOps.Store8(absolute(dataSeg, s32()), 0);
            case 0xA3:
                return new MoveOps.Store(absolute(dataSeg, s32()), 0);
            case 0xA4, 0xA5:
                return new MoveOps.Movs(dataSeg, b == 0xA4 ? 1 : 4);
            case 0xA8:
                return new AluOps.RegImm8(4, 0, u8(), false);
            case 0xA9:
                return new AluOps.RegImm(4, 0, s32(), false);
            case 0xAA, 0xAB:
                return new MoveOps.Stos(b == 0xAA ? 1 : 4);
            case 0xAC, 0xAD:
                return new MoveOps.Lods(dataSeg, b == 0xAC ? 1 : 4);
            case 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7:
                return new MoveOps.RegImm8(b & 7, u8());
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF:
                return new MoveOps.RegImm(b & 7, s32());
            case 0xC0, 0xC1, 0xD0, 0xD1, 0xD2, 0xD3: {
                modrm();
                Op.Ea ea = mod == 3 ? null : ea(seg);
                int count = b <= 0xC1 ? u8() & 0x1F : b <= 0xD1 ? 1 : -1;
                boolean bytes = (b & 1) == 0;
                if (bytes) {
                    return ea == null ? new AluOps.ShiftReg8(regField, rm, count) : new AluOps.ShiftMem8(regField, ea, count);
                }
                return ea == null ? new AluOps.ShiftReg(regField, rm, count) : new AluOps.ShiftMem(regField, ea, count);
            }
            case 0xC2:
                return new BranchOps.Ret(u16());
            case 0xC3:
                return new BranchOps.Ret(0);
            case 0xC6, 0xC7: {
                modrm();
                if (regField != 0) {
                    return null;
                }
                Op.Ea ea = mod == 3 ? null : ea(seg);
                if (b == 0xC6) {
                    int imm = u8();
                    return ea == null ? new MoveOps.RegImm8(rm, imm) : new MoveOps.MemImm8(ea, imm);
                }
                int imm = s32();
                return ea == null ? new MoveOps.RegImm(rm, imm) : new MoveOps.MemImm(ea, imm);
            }
            case 0xC9:
                return new StackOps.Leave();
            case 0xE8: {
                int rel = s32();
                int next = next(at, instrEip);
                return new BranchOps.Call(next + rel, next);
            }
            case 0xE9: {
                int rel = s32();
                return new BranchOps.Jmp(next(at, instrEip) + rel);
            }
            case 0xEB: {
                int rel = s8();
                return new BranchOps.Jmp(next(at, instrEip) + rel);
            }
            case 0xF6, 0xF7:
                return group3(b == 0xF6 ? 7 : 31, seg);
            case 0xFE: {
                modrm();
                if (regField > 1) {
                    return null;
                }
                return mod == 3 ? new AluOps.IncDecReg8(rm, regField == 1) : new AluOps.IncDecMem8(ea(seg), regField == 1);
            }
            case 0xFF: {
                modrm();
                Op.Ea ea = mod == 3 ? null : ea(seg);
                switch (regField) {
                    case 0, 1:
                        return ea == null ? new AluOps.IncDecReg(rm, regField == 1) : new AluOps.IncDecMem(ea, regField == 1);
                    case 2, 4: {
                        boolean call = regField == 2;
                        int next = next(at, instrEip);
                        return ea == null ? new BranchOps.IndirectReg(rm, call, next) : new BranchOps.IndirectMem(ea, call, next);
                    }
                    case 6:
                        return ea == null ? new StackOps.PushReg(rm) : new StackOps.PushMem(ea);
                    default:
                        return null;
                }
            }
            default:
                return null;
        }
    }

    /** 00-3D: the eight ALU operations in their six forms. */
    private Op alu(int b, int seg) {
        int op = b >>> 3;
        boolean write = op != 7;
        switch (b & 7) {
            case 0: {
                modrm();
                return mod == 3 ? new AluOps.RegReg8(op, rm, regField, write) : new AluOps.MemReg8(op, ea(seg), regField, write);
            }
            case 1: {
                modrm();
                return mod == 3 ? new AluOps.RegReg(op, rm, regField, write) : new AluOps.MemReg(op, ea(seg), regField, write);
            }
            case 2: {
                modrm();
                return mod == 3 ? new AluOps.RegReg8(op, regField, rm, write) : new AluOps.RegMem8(op, regField, ea(seg), write);
            }
            case 3: {
                modrm();
                return mod == 3 ? new AluOps.RegReg(op, regField, rm, write) : new AluOps.RegMem(op, regField, ea(seg), write);
            }
            case 4:
                return new AluOps.RegImm8(op, 0, u8(), write);
            default:
                return new AluOps.RegImm(op, 0, s32(), write);
        }
    }

    /** F6/F7: TEST with an immediate, NOT, NEG (32-bit only), MUL, IMUL, DIV, IDIV. */
    private Op group3(int top, int seg) {
        modrm();
        Op.Ea ea = mod == 3 ? null : ea(seg);
        switch (regField) {
            case 0, 1: {
                if (top == 7) {
                    int imm = u8();
                    return ea == null ? new AluOps.RegImm8(4, rm, imm, false) : new AluOps.MemImm8(4, ea, imm, false);
                }
                int imm = s32();
                return ea == null ? new AluOps.RegImm(4, rm, imm, false) : new AluOps.MemImm(4, ea, imm, false);
            }
            case 2, 3: {
                if (top == 7) {
                    return null;
                }
                boolean neg = regField == 3;
                return ea == null ? new AluOps.NotNegReg(rm, neg) : new AluOps.NotNegMem(ea, neg);
            }
            default:
                return ea == null ? new AluOps.MulDivReg(regField, rm, top) : new AluOps.MulDivMem(regField, ea, top);
        }
    }

    /** 0F xx: Jcc rel32, SETcc, CMOVcc, IMUL, MOVZX, MOVSX. */
    private Op twoByte(int b, int seg, int at, int instrEip) {
        if (b >= 0x80 && b <= 0x8F) {
            int rel = s32();
            int next = next(at, instrEip);
            return new BranchOps.Jcc(b & 0xF, next + rel, next);
        }
        if (b >= 0x90 && b <= 0x9F) {
            modrm();
            return mod == 3 ? new AluOps.SetccReg(b & 0xF, rm) : new AluOps.SetccMem(b & 0xF, ea(seg));
        }
        if (b >= 0x40 && b <= 0x4F) {
            modrm();
            return mod == 3 ? new AluOps.CmovReg(b & 0xF, regField, rm) : new AluOps.CmovMem(b & 0xF, regField, ea(seg));
        }
        switch (b) {
            case 0xAF: {
                modrm();
                return mod == 3 ? new AluOps.ImulReg(regField, rm, 0, true) : new AluOps.ImulMem(regField, ea(seg), 0, true);
            }
            case 0xB6: {
                modrm();
                return mod == 3 ? new MoveOps.ZeroExtend8(regField, rm) : new MoveOps.ZeroExtendLoad8(regField, ea(seg));
            }
            case 0xB7: {
                modrm();
                return mod == 3 ? new MoveOps.ZeroExtend16(regField, rm) : new MoveOps.ZeroExtendLoad16(regField, ea(seg));
            }
            case 0xBE: {
                modrm();
                return mod == 3 ? new MoveOps.SignExtend8(regField, rm) : new MoveOps.SignExtendLoad8(regField, ea(seg));
            }
            case 0xBF: {
                modrm();
                return mod == 3 ? new MoveOps.SignExtend16(regField, rm) : new MoveOps.SignExtendLoad16(regField, ea(seg));
            }
            default:
                return null;
        }
    }
}
