package dev.vivarium.x86.cpu.diff;

import static dev.vivarium.x86.cpu.diff.Flags.AF;
import static dev.vivarium.x86.cpu.diff.Flags.ARITH;
import static dev.vivarium.x86.cpu.diff.Flags.CF;
import static dev.vivarium.x86.cpu.diff.Flags.OF;
import static dev.vivarium.x86.cpu.diff.Flags.PF;
import static dev.vivarium.x86.cpu.diff.Flags.SF;
import static dev.vivarium.x86.cpu.diff.Flags.ZF;

/**
 * What of a snippet's outcome the Intel SDM defines, for a given input: the arithmetic flags to
 * compare (DF is always compared) and the registers whose final value is architectural. Where
 * the manual says "undefined", the host and the emulator may legitimately differ, so those bits
 * are left out. Every rule below cites the flags paragraph of its instruction in SDM Vol. 2.
 */
interface Defined {

    int flags(CaseInput in);

    /** Bit r set: register r is compared. */
    default int regs(CaseInput in) {
        return 0xFF;
    }

    /** The same mask whatever the input. */
    static Defined flags(int mask) {
        return in -> mask;
    }

    /** ADD, ADC, SUB, SBB, CMP, NEG, INC, DEC, XADD, CMPXCHG, CMPS, SCAS: all six set by the result. */
    Defined ARITHMETIC = flags(ARITH);
    /** AND, OR, XOR, TEST: "OF and CF cleared; SF, ZF, PF set by the result; AF undefined". */
    Defined LOGIC = flags(ARITH & ~AF);
    /** Instructions that affect no flag (MOV*, NOT, XCHG, BSWAP, SETcc, CMOVcc, LEA, PUSH/POP...): all must be kept. */
    Defined NONE_AFFECTED = flags(ARITH);
    /** MUL, IMUL: "OF and CF ... SF, ZF, AF and PF are undefined". */
    Defined MULTIPLY = flags(CF | OF);
    /** DIV, IDIV: "CF, OF, SF, ZF, AF and PF are undefined". */
    Defined DIVIDE = flags(0);
    /** BT, BTS, BTR, BTC: "CF contains the value of the selected bit. ZF is unaffected. OF, SF, AF, PF undefined". */
    Defined BIT_TEST = flags(CF | ZF);
    /** DAA, DAS: "CF and AF set if ... SF, ZF, PF set by the result. OF undefined". */
    Defined DECIMAL_ADJUST = flags(ARITH & ~OF);
    /** AAA, AAS: "AF and CF set if ... OF, SF, ZF and PF undefined". */
    Defined ASCII_ADJUST = flags(AF | CF);
    /** AAM, AAD: "SF, ZF and PF set by the result; OF, AF and CF undefined". */
    Defined ASCII_MULDIV = flags(SF | ZF | PF);

    /**
     * SAL/SAR/SHL/SHR: "If the count is 0, the flags are not affected. CF is the last bit shifted
     * out; it is undefined for SHL and SHR where the count is greater than or equal to the size of
     * the destination. OF is affected only for 1-bit shifts, otherwise undefined. SF, ZF, PF set by
     * the result. For a non-zero count, AF is undefined." The count is masked to 5 bits.
     */
    static int shift(int count, int width, boolean arithmeticRight) {
        int c = count & 0x1F;
        if (c == 0) {
            return ARITH;
        }
        int mask = CF | SF | ZF | PF | (c == 1 ? OF : 0);
        if (!arithmeticRight && c >= width) {
            mask &= ~CF;
        }
        return mask;
    }

    /**
     * ROL/ROR/RCL/RCR: "If the masked count is 0, the flags are not affected. CF is affected when
     * the masked count is non-zero. OF is defined only for the 1-bit rotates (masked count 1), undefined
     * otherwise. SF, ZF, AF and PF are always unaffected." The count is masked to 5 bits.
     */
    static int rotate(int count) {
        int c = count & 0x1F;
        if (c == 0) {
            return ARITH;
        }
        return ARITH & ~OF | (c == 1 ? OF : 0);
    }

    /**
     * SHLD/SHRD: "If the count is 0, the flags are not affected. If the count is greater than the
     * operand size, the result and all flags are undefined. Otherwise CF is the last bit shifted out,
     * OF is defined for a 1-bit shift only, SF, ZF, PF set by the result, AF undefined." The count
     * is masked to 5 bits.
     */
    static int doubleShift(int count, int width) {
        int c = count & 0x1F;
        if (c == 0) {
            return ARITH;
        }
        if (c > width) {
            return 0;
        }
        return CF | SF | ZF | PF | (c == 1 ? OF : 0);
    }
}
