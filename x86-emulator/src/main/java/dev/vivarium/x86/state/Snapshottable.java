package dev.vivarium.x86.state;

/**
 * A part of the machine whose complete guest-visible state can be written out and read back.
 * {@link #restore} is called on a freshly constructed instance wired exactly like the one that
 * was saved (same configuration, same clock, same IRQ lines); after it, running on gives
 * bit-identical behaviour to the original. Wiring (callbacks, sinks, backends) is configuration
 * and is not part of the state.
 */
public interface Snapshottable {

    void save(StateWriter out);

    void restore(StateReader in);
}
