package dev.vivarium.x86.cpu;

import dev.vivarium.x86.fpu.FpuBus;

import static dev.vivarium.x86.cpu.CpuState.CS;
import static dev.vivarium.x86.cpu.CpuState.EAX;

/**
 * The FPU's view of the processor during one escape instruction: its decoded memory operand
 * (every access through the CPU's segment, alignment and paging checks), the flags, AX and
 * the mode. Set up by {@link #operand} before each instruction; allocates nothing.
 */
final class FpuPort implements FpuBus {

    private final Cpu cpu;
    private int seg, off;
    private boolean o32;

    FpuPort(Cpu cpu) {
        this.cpu = cpu;
    }

    /** The instruction's memory operand (ignored for register forms) and operand size. */
    void operand(int seg, int off, boolean o32) {
        this.seg = seg;
        this.off = off;
        this.o32 = o32;
    }

    @Override
    public int read8(int offset) {
        return cpu.read8(seg, off + offset);
    }

    @Override
    public int read16(int offset) {
        return cpu.read16(seg, off + offset);
    }

    @Override
    public int read32(int offset) {
        return cpu.read32(seg, off + offset);
    }

    @Override
    public void write8(int offset, int value) {
        cpu.write8(seg, off + offset, value);
    }

    @Override
    public void write16(int offset, int value) {
        cpu.write16(seg, off + offset, value);
    }

    @Override
    public void write32(int offset, int value) {
        cpu.write32(seg, off + offset, value);
    }

    @Override
    public void probeWrite(int size) {
        cpu.probeWrite(seg, off, size);
    }

    @Override
    public boolean condition(int cc) {
        return cpu.condition(cc);
    }

    @Override
    public void setCompareFlags(boolean zf, boolean pf, boolean cf) {
        cpu.putArithFlags((zf ? CpuState.ZF : 0) | (pf ? CpuState.PF : 0) | (cf ? CpuState.CF : 0));
    }

    @Override
    public void setAx(int value) {
        cpu.setReg16(EAX, value);
    }

    @Override
    public boolean protectedMode() {
        return cpu.protectedMode() && !cpu.v86Mode();
    }

    @Override
    public boolean operand32() {
        return o32;
    }

    @Override
    public int instructionOffset() {
        return cpu.instrStart;
    }

    @Override
    public int codeSelector() {
        return cpu.segSel[CS];
    }

    @Override
    public int operandOffset() {
        return off;
    }

    @Override
    public int operandSelector() {
        return cpu.segSel[seg];
    }
}
