package dev.vivarium.x86.devices;

/** Where a character device's output bytes go (the host subscribes one). Called on the emulation thread. */
@FunctionalInterface
public interface ByteSink {

    void write(int b);
}
