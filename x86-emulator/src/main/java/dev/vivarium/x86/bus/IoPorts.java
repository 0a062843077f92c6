package dev.vivarium.x86.bus;

/**
 * The processor's I/O port space (IN/OUT and the string forms). Sizes are in bytes: 1, 2 or 4.
 * A port nobody decodes reads as all ones and ignores writes, as on a PC's ISA bus.
 */
public interface IoPorts {

    /** Returns the value read, in the low {@code size * 8} bits. */
    int in(int port, int size);

    void out(int port, int size, int value);

    /** An empty bus: every read floats high, every write is dropped. */
    IoPorts NONE = new IoPorts() {
        @Override
        public int in(int port, int size) {
            return size == 1 ? 0xFF : size == 2 ? 0xFFFF : -1;
        }

        @Override
        public void out(int port, int size, int value) {
        }
    };
}
