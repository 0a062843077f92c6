package dev.vivarium.x86.devices;

/**
 * A device behind one or more I/O ports. It gets the full port number and the access size
 * (1, 2 or 4) and decides itself what a wide access means; most devices extend
 * {@link ByteIoDevice}, which splits wide accesses into byte accesses on consecutive ports.
 */
public interface IoDevice {

    int in(int port, int size);

    void out(int port, int size, int value);
}
