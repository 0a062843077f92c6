package dev.vivarium.x86.machine;

import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.devices.tools.BackdoorRegisters;

/** Lets the tools backdoor reach the CPU's registers without the devices knowing the CPU. */
final class CpuBackdoorRegisters implements BackdoorRegisters {

    private final Cpu cpu;

    CpuBackdoorRegisters(Cpu cpu) {
        this.cpu = cpu;
    }

    @Override
    public int eax() {
        return cpu.reg(Cpu.EAX);
    }

    @Override
    public int ebx() {
        return cpu.reg(Cpu.EBX);
    }

    @Override
    public int ecx() {
        return cpu.reg(Cpu.ECX);
    }

    @Override
    public int edx() {
        return cpu.reg(Cpu.EDX);
    }

    @Override
    public int esi() {
        return cpu.reg(Cpu.ESI);
    }

    @Override
    public int edi() {
        return cpu.reg(Cpu.EDI);
    }

    @Override
    public void setEax(int value) {
        cpu.setReg(Cpu.EAX, value);
    }

    @Override
    public void setEbx(int value) {
        cpu.setReg(Cpu.EBX, value);
    }

    @Override
    public void setEcx(int value) {
        cpu.setReg(Cpu.ECX, value);
    }

    @Override
    public void setEdx(int value) {
        cpu.setReg(Cpu.EDX, value);
    }

    @Override
    public void setEsi(int value) {
        cpu.setReg(Cpu.ESI, value);
    }

    @Override
    public void setEdi(int value) {
        cpu.setReg(Cpu.EDI, value);
    }
}
