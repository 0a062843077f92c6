package dev.vivarium.x86.devices.debug;

import dev.vivarium.x86.devices.ByteSinks;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IoDevice;

/**
 * The Bochs/QEMU debug console at port 0xE9: each byte written goes to the subscribers; a
 * read returns 0xE9, which is how guests detect the port. Stateless.
 */
public final class DebugConsole implements IoDevice {

    public static final int PORT = 0xE9;

    private final ByteSinks output = new ByteSinks();

    public DebugConsole attach(IoBus bus) {
        bus.map(PORT, 1, this);
        return this;
    }

    public ByteSinks output() {
        return output;
    }

    @Override
    public int in(int port, int size) {
        return PORT;
    }

    @Override
    public void out(int port, int size, int value) {
        output.write(value);
    }
}
