package dev.vivarium.x86.devices.tools;

/**
 * The general registers the VMware-style backdoor reads and writes beyond the I/O port
 * access itself. The CPU implements this; the backdoor does not know the CPU class. EAX's
 * result is not set through here: it is the value the {@code in} returns, which the CPU puts
 * into EAX as for any IN instruction.
 */
public interface BackdoorRegisters {

    int eax();

    int ebx();

    int ecx();

    int edx();

    int esi();

    int edi();

    void setEax(int value);

    void setEbx(int value);

    void setEcx(int value);

    void setEdx(int value);

    void setEsi(int value);

    void setEdi(int value);
}
