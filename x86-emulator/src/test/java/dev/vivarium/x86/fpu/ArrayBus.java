package dev.vivarium.x86.fpu;

/**
 * An {@link FpuBus} over a little byte array, for driving the FPU without a processor: the
 * operand is at {@link #at}, the integer flags are a plain field, the mode is 32-bit
 * protected (the layout a 64-bit host's FNSAVE uses).
 */
final class ArrayBus implements FpuBus {

    static final int ZF = 0x40, PF = 0x04, CF = 0x01, OF = 0x800, SF = 0x80, AF = 0x10;

    final byte[] memory;
    int at;
    int eflags = 0x202;
    int ax;

    ArrayBus(int size) {
        memory = new byte[size];
    }

    ArrayBus at(int address) {
        at = address;
        return this;
    }

    @Override
    public int read8(int offset) {
        return memory[at + offset] & 0xFF;
    }

    @Override
    public int read16(int offset) {
        return read8(offset) | read8(offset + 1) << 8;
    }

    @Override
    public int read32(int offset) {
        return read16(offset) | read16(offset + 2) << 16;
    }

    @Override
    public void write8(int offset, int value) {
        memory[at + offset] = (byte) value;
    }

    @Override
    public void write16(int offset, int value) {
        write8(offset, value);
        write8(offset + 1, value >>> 8);
    }

    @Override
    public void write32(int offset, int value) {
        write16(offset, value);
        write16(offset + 2, value >>> 16);
    }

    @Override
    public void probeWrite(int size) {
        if (at + size > memory.length) {
            throw new IndexOutOfBoundsException(at + size);
        }
    }

    @Override
    public boolean condition(int cc) {
        boolean r = switch (cc >>> 1) {
            case 1 -> (eflags & CF) != 0;
            case 2 -> (eflags & ZF) != 0;
            case 3 -> (eflags & (CF | ZF)) != 0;
            case 5 -> (eflags & PF) != 0;
            default -> throw new IllegalArgumentException("FCMOV has no condition " + cc);
        };
        return (cc & 1) == 0 ? r : !r;
    }

    @Override
    public void setCompareFlags(boolean zf, boolean pf, boolean cf) {
        eflags = eflags & ~(ZF | PF | CF | OF | SF | AF) | (zf ? ZF : 0) | (pf ? PF : 0) | (cf ? CF : 0);
    }

    @Override
    public void setAx(int value) {
        ax = value & 0xFFFF;
    }

    @Override
    public boolean protectedMode() {
        return true;
    }

    @Override
    public boolean operand32() {
        return true;
    }

    @Override
    public int instructionOffset() {
        return 0x1000;
    }

    @Override
    public int codeSelector() {
        return 8;
    }

    @Override
    public int operandOffset() {
        return at;
    }

    @Override
    public int operandSelector() {
        return 0x10;
    }
}
