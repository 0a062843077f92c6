package dev.vivarium.x86.cpu;

/**
 * Unwinds the interpreter from the middle of an instruction to the point where the exception
 * is delivered. One instance per CPU, without a stack trace, so raising a guest exception costs
 * no allocation: guest faults are ordinary guest behaviour, not host errors.
 */
public final class CpuFault extends RuntimeException {
    public int vector;
    /** The error code to push, or -1 when the vector pushes none. */
    public int errorCode;

    CpuFault() {
        super(null, null, false, false);
    }

    CpuFault set(int vector, int errorCode) {
        this.vector = vector;
        this.errorCode = errorCode;
        return this;
    }
}
