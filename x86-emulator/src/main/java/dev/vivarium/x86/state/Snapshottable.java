package dev.vivarium.x86.state;

/**
 * A part of the machine whose complete guest-visible state can be written out and read back.
 * {@link #restore} is called on a freshly constructed instance wired exactly like the one that
 * was saved (same configuration, same clock, same IRQ lines); after it, running on gives
 * bit-identical behaviour to the original. Wiring (callbacks, sinks, backends) is configuration
 * and is not part of the state.
 *
 * <p>A {@link StateFormatException} from {@code restore} leaves the instance unusable (devices
 * read field by field); the caller discards the fresh machine it was restoring into. Sealed
 * files are CRC-checked before any restore starts, so this only happens with a capture from an
 * incompatible build or configuration. {@code GuestMemory} is stricter: it reads a whole
 * section before changing anything.
 */
public interface Snapshottable {

    void save(StateWriter out);

    void restore(StateReader in);
}
