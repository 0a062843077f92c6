package dev.vivarium.x86.bus;

/**
 * The FPU's two error pins as the board wires them, used in the MS-DOS compatibility mode
 * (CR0.NE clear; with NE set the processor raises #MF itself and uses neither): FERR#, which
 * the processor asserts when a pending unmasked error stops an FPU instruction, and IGNNE#,
 * which the board asserts to let FPU instructions run in spite of the error (SDM vol. 1,
 * appendix D.2).
 */
public interface FpuErrorPins {

    /** FERR#: asserted on a pending error (the board latches it on IRQ 13), released when the error is cleared. */
    void ferr(boolean asserted);

    /** IGNNE#: whether the board currently tells the processor to ignore a pending error. */
    boolean ignne();

    /**
     * No board logic: FERR# goes nowhere and IGNNE# is held asserted, so an error with CR0.NE
     * clear never stops the processor (a board without the PC/AT's circuit, as the unit tests' is).
     */
    FpuErrorPins NONE = new FpuErrorPins() {
        @Override
        public void ferr(boolean asserted) {
        }

        @Override
        public boolean ignne() {
            return true;
        }
    };
}
