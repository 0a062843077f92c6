package dev.vivarium.x86.conformance;

/**
 * The layout of a test's instruction as a 286 in real mode decodes it: prefixes, opcode, ModRM,
 * displacement and immediates. Enough to reason about a test from its bytes (its length, its
 * prefixes, the operand it addresses), not an emulator.
 *
 * @param prefixes     the prefix bytes in order (26/2E/36/3E segment overrides, F0 LOCK, F1, F2/F3 REP)
 * @param opcode       the opcode byte, or {@code 0x0F00 | second byte} for a two-byte opcode
 * @param modrm        the ModRM byte, -1 when the opcode has none
 * @param displacement the ModRM displacement, sign-extended for disp8; 0 when there is none
 * @param immediate8   the first immediate byte, -1 when there is none
 * @param length       the instruction's length in bytes, prefixes included
 */
public record Instruction(byte[] prefixes, int opcode, int modrm, int displacement, int immediate8, int length) {

    public static final int LOCK = 0xF0;

    private static final boolean[] PREFIX = new boolean[256];
    private static final boolean[] HAS_MODRM = new boolean[256];
    private static final int[] IMMEDIATE = new int[256];

    static {
        for (int p : new int[] {0x26, 0x2E, 0x36, 0x3E, 0xF0, 0xF1, 0xF2, 0xF3}) {
            PREFIX[p] = true;
        }
        for (int base = 0x00; base <= 0x38; base += 8) { // ADD OR ADC SBB AND SUB XOR CMP
            for (int i = 0; i < 4; i++) {
                HAS_MODRM[base + i] = true;
            }
            IMMEDIATE[base + 4] = 1;
            IMMEDIATE[base + 5] = 2;
        }
        for (int op : new int[] {0x62, 0x63, 0x69, 0x6B, 0xC0, 0xC1, 0xC4, 0xC5, 0xC6, 0xC7,
                0xD0, 0xD1, 0xD2, 0xD3, 0xF6, 0xF7, 0xFE, 0xFF}) {
            HAS_MODRM[op] = true;
        }
        for (int op = 0x80; op <= 0x8F; op++) {
            HAS_MODRM[op] = true;
        }
        for (int op = 0xD8; op <= 0xDF; op++) {
            HAS_MODRM[op] = true; // FPU escapes
        }
        for (int op : new int[] {0x6A, 0x6B, 0x80, 0x82, 0x83, 0xA8, 0xC0, 0xC1, 0xC6, 0xCD, 0xD4, 0xD5, 0xEB}) {
            IMMEDIATE[op] = 1;
        }
        for (int op = 0x70; op <= 0x7F; op++) {
            IMMEDIATE[op] = 1; // Jcc rel8
        }
        for (int op = 0xB0; op <= 0xB7; op++) {
            IMMEDIATE[op] = 1;
            IMMEDIATE[op + 8] = 2;
        }
        for (int op = 0xE0; op <= 0xE7; op++) {
            IMMEDIATE[op] = 1; // LOOPcc, JCXZ, IN/OUT imm8
        }
        for (int op : new int[] {0x68, 0x69, 0x81, 0xA0, 0xA1, 0xA2, 0xA3, 0xA9, 0xC2, 0xC7, 0xCA, 0xE8, 0xE9}) {
            IMMEDIATE[op] = 2;
        }
        IMMEDIATE[0x9A] = 4; // CALL far ptr16:16
        IMMEDIATE[0xEA] = 4; // JMP far ptr16:16
        IMMEDIATE[0xC8] = 3; // ENTER imm16, imm8
    }

    /** Decodes the instruction at the start of {@code code}; bytes past its end read as 0. */
    public static Instruction decode(byte[] code) {
        int i = 0;
        while (i < code.length && PREFIX[code[i] & 0xFF]) {
            i++;
        }
        byte[] prefixes = java.util.Arrays.copyOf(code, i);
        int opcode = at(code, i++);
        int modrm = -1;
        int immediate = IMMEDIATE[opcode];
        boolean hasModrm = HAS_MODRM[opcode];
        if (opcode == 0x0F) {
            opcode = 0x0F00 | at(code, i++);
            // The 286's two-byte opcodes with a ModRM byte: the system groups, LAR and LSL.
            hasModrm = opcode <= 0x0F03;
            immediate = 0;
        }
        int displacement = 0;
        if (hasModrm) {
            modrm = at(code, i++);
            int mod = modrm >> 6;
            if (mod == 1) {
                displacement = (byte) at(code, i);
                i += 1;
            } else if (mod == 2 || (mod == 0 && (modrm & 7) == 6)) {
                displacement = at(code, i) | at(code, i + 1) << 8;
                i += 2;
            }
            int reg = (modrm >> 3) & 7;
            if ((opcode == 0xF6 || opcode == 0xF7) && reg < 2) {
                immediate = opcode == 0xF6 ? 1 : 2; // TEST r/m, imm
            }
        }
        int immediate8 = immediate > 0 ? at(code, i) : -1;
        return new Instruction(prefixes, opcode, modrm, displacement, immediate8, i + immediate);
    }

    private static int at(byte[] code, int i) {
        return i < code.length ? code[i] & 0xFF : 0;
    }

    public boolean hasPrefix(int prefix) {
        for (byte b : prefixes) {
            if ((b & 0xFF) == prefix) {
                return true;
            }
        }
        return false;
    }

    /** The ModRM reg field, -1 without ModRM. */
    public int reg() {
        return modrm < 0 ? -1 : (modrm >> 3) & 7;
    }

    /** True when the ModRM byte addresses memory (mod != 3). */
    public boolean hasMemoryOperand() {
        return modrm >= 0 && modrm < 0xC0;
    }

    /** The segment register the memory operand uses: the last override, else SS for BP-based forms, else DS. */
    public Register operandSegment() {
        Register segment = null;
        for (byte b : prefixes) {
            switch (b & 0xFF) {
                case 0x26 -> segment = Register.ES;
                case 0x2E -> segment = Register.CS;
                case 0x36 -> segment = Register.SS;
                case 0x3E -> segment = Register.DS;
                default -> { }
            }
        }
        if (segment != null) {
            return segment;
        }
        int mod = modrm >> 6;
        int rm = modrm & 7;
        boolean bpBased = rm == 2 || rm == 3 || (rm == 6 && mod != 0);
        return bpBased ? Register.SS : Register.DS;
    }

    /** The 16-bit offset of the memory operand, given the registers before the instruction. */
    public int operandOffset(TestCase test) {
        int mod = modrm >> 6;
        int rm = modrm & 7;
        int base = switch (rm) {
            case 0 -> test.initial(Register.BX) + test.initial(Register.SI);
            case 1 -> test.initial(Register.BX) + test.initial(Register.DI);
            case 2 -> test.initial(Register.BP) + test.initial(Register.SI);
            case 3 -> test.initial(Register.BP) + test.initial(Register.DI);
            case 4 -> test.initial(Register.SI);
            case 5 -> test.initial(Register.DI);
            case 6 -> mod == 0 ? 0 : test.initial(Register.BP);
            default -> test.initial(Register.BX);
        };
        return (base + displacement) & 0xFFFF;
    }

    /** How many bytes the memory operand spans (the widest access the instruction makes to it). */
    public int operandSize() {
        int reg = reg();
        return switch (opcode) {
            case 0x62, 0xC4, 0xC5 -> 4; // BOUND's two words, LES/LDS's far pointer
            case 0xFF -> reg == 3 || reg == 5 ? 4 : 2; // far CALL/JMP through memory
            case 0xD8, 0xDA -> 4; // m32real, m32int
            case 0xDC -> 8; // m64real
            case 0xDE -> 2; // m16int
            case 0xD9 -> reg == 4 || reg == 6 ? 14 : reg == 5 || reg == 7 ? 2 : 4; // env, control word, m32
            case 0xDB -> reg >= 4 ? 10 : 4; // m80real, m32int
            case 0xDD -> reg == 4 || reg == 6 ? 94 : reg == 7 ? 2 : 8; // state, status word, m64
            case 0xDF -> reg == 4 || reg == 6 ? 10 : reg == 5 || reg == 7 ? 8 : 2; // bcd/m64int, m16int
            case 0x8C, 0x8E, 0x8F, 0x69, 0x6B, 0xC7 -> 2;
            default -> opcode < 0x100 && (opcode & 1) != 0 ? 2 : 1; // bit 0 selects word operands elsewhere
        };
    }

    /** MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS. */
    public boolean isString() {
        return (opcode >= 0xA4 && opcode <= 0xA7) || (opcode >= 0xAA && opcode <= 0xAF)
                || (opcode >= 0x6C && opcode <= 0x6F);
    }

    /** True for the instructions that read or write the stack through SS:SP (or SS:BP for LEAVE). */
    public boolean usesStack() {
        return switch (opcode) {
            case 0x06, 0x07, 0x0E, 0x16, 0x17, 0x1E, 0x1F, 0x60, 0x61, 0x68, 0x6A, 0x8F, 0x9A, 0x9C, 0x9D,
                    0xC2, 0xC3, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xE8 -> true;
            case 0xFF -> reg() == 2 || reg() == 3 || reg() == 6; // CALL near/far, PUSH
            default -> opcode >= 0x50 && opcode <= 0x5F; // PUSH/POP reg
        };
    }

    /**
     * Whether a 386 accepts a LOCK prefix on this instruction: one of ADD, ADC, AND, DEC, INC,
     * NEG, NOT, OR, SBB, SUB, XOR, XCHG (BT*, CMPXCHG and XADD have no 286 encoding) with a
     * memory destination. CMP and TEST are not lockable; 82 is the 386's alias of 80.
     */
    public boolean lockable() {
        if (!hasMemoryOperand()) {
            return false;
        }
        int reg = reg();
        if (opcode <= 0x31) {
            // ALU r/m, reg: 00/01 ADD ... 30/31 XOR (02/03 and kin have a register destination).
            return (opcode & 0x06) == 0;
        }
        return switch (opcode) {
            case 0x86, 0x87 -> true;
            case 0x80, 0x81, 0x82, 0x83 -> reg != 7;
            case 0xF6, 0xF7 -> reg == 2 || reg == 3;
            case 0xFE, 0xFF -> reg == 0 || reg == 1;
            default -> false;
        };
    }
}
