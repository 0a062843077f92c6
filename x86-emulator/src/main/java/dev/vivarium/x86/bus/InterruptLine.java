package dev.vivarium.x86.bus;

/**
 * The INTR pin and the interrupt-acknowledge cycle, as the 8259A pair presents them to the CPU.
 * The CPU samples {@link #pending()} between instructions when EFLAGS.IF is set and, when it is
 * true, calls {@link #acknowledge()} for the vector to deliver.
 */
public interface InterruptLine {

    boolean pending();

    /** The vector of the highest-priority pending request; called only after pending() was true. */
    int acknowledge();

    /** No interrupt controller attached: the line is never raised. */
    InterruptLine NONE = new InterruptLine() {
        @Override
        public boolean pending() {
            return false;
        }

        @Override
        public int acknowledge() {
            throw new IllegalStateException("acknowledge without a pending interrupt");
        }
    };
}
