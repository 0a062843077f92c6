package dev.vivarium.x86.fpu;

/**
 * What the FPU needs of the processor while it executes one instruction: its memory operand
 * (already decoded: offsets are relative to the operand's effective address, and every access
 * goes through the CPU's segment and paging checks, so a fault leaves the FPU unchanged when
 * it comes before the FPU's first change), the integer flags and AX, and the mode that
 * decides the layout of FNSTENV and FNSAVE images.
 */
public interface FpuBus {

    int read8(int offset);

    int read16(int offset);

    int read32(int offset);

    void write8(int offset, int value);

    void write16(int offset, int value);

    void write32(int offset, int value);

    /** Faults now if a write of {@code size} bytes at the operand would, writing nothing. */
    void probeWrite(int size);

    /** Whether the EFLAGS condition {@code cc} (the Jcc encoding, 0-15) holds, for FCMOVcc. */
    boolean condition(int cc);

    /** FCOMI and FUCOMI: sets ZF, PF and CF, clears OF, SF and AF. */
    void setCompareFlags(boolean zf, boolean pf, boolean cf);

    /** FNSTSW AX. */
    void setAx(int value);

    /** Protected mode (not virtual-8086): environment images hold selectors and offsets, not linear addresses. */
    boolean protectedMode();

    /** A 32-bit operand size: the 28-byte environment instead of the 14-byte one. */
    boolean operand32();

    /** The offset (EIP) of the instruction's first byte and its CS selector, for the instruction pointer. */
    int instructionOffset();

    int codeSelector();

    /** The operand's offset and segment selector, for the data pointer. */
    int operandOffset();

    int operandSelector();
}
