package dev.vivarium.x86.devices.pc;

import dev.vivarium.x86.bus.FpuErrorPins;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IoDevice;
import dev.vivarium.x86.devices.IrqLine;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * The PC/AT's coprocessor-error logic, as Intel recommends it for the 486 and later (SDM vol. 1,
 * appendix D.2.1): FERR# from the processor sets a latch that drives IRQ 13; a write to port
 * 0xF0 (the error handler's first act) clears the latch and, while FERR# is still asserted,
 * asserts IGNNE#, so the handler's own FPU instructions run; IGNNE# drops with FERR#, when the
 * handler clears the error (FNCLEX, FNINIT, FLDENV, FRSTOR), so it never outlives the error.
 * Reads of port 0xF0 return all ones (nothing drives the bus).
 */
public final class CoprocessorErrorLatch implements IoDevice, FpuErrorPins, Snapshottable {

    public static final int PORT = 0xF0;
    static final String SECTION = "ferr";

    private final IrqLine irq13;
    private boolean ferr;
    private boolean latched;
    private boolean ignne;

    public CoprocessorErrorLatch(IrqLine irq13) {
        this.irq13 = irq13;
    }

    public CoprocessorErrorLatch attach(IoBus bus) {
        bus.map(PORT, 1, this);
        return this;
    }

    @Override
    public void ferr(boolean asserted) {
        if (asserted && !ferr) {
            setLatch(true); // the rising edge clocks the flip-flop
        }
        ferr = asserted;
        if (!asserted) {
            ignne = false; // IGNNE#'s flip-flop is cleared by FERR# going inactive
        }
    }

    @Override
    public boolean ignne() {
        return ignne;
    }

    /** Whether IRQ 13 is held by the latch (for tests and the monitor). */
    public boolean irqRaised() {
        return latched;
    }

    @Override
    public int in(int port, int size) {
        return size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1;
    }

    @Override
    public void out(int port, int size, int value) {
        setLatch(false);
        if (ferr) {
            ignne = true;
        }
    }

    private void setLatch(boolean level) {
        latched = level;
        irq13.set(level);
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection(SECTION).writeBoolean(ferr).writeBoolean(latched).writeBoolean(ignne).endSection(SECTION);
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection(SECTION);
        ferr = in.readBoolean();
        latched = in.readBoolean();
        ignne = in.readBoolean();
        in.endSection(SECTION); // IRQ 13's level is the PIC's own state
    }

    /** The power-on state, for a capture taken before this device existed. */
    void clear() {
        ferr = latched = ignne = false;
    }
}
