package dev.vivarium.x86.devices.kbc;

import dev.vivarium.x86.devices.ByteIoDevice;
import dev.vivarium.x86.devices.IoBus;

/**
 * Port 0x92, "system control port A": bit 1 is the fast A20 gate, and writing bit 0 as 1
 * requests a fast CPU reset. Its only state is the A20 bit, kept (and saved) by {@link A20Gate}.
 */
public final class FastA20Port extends ByteIoDevice {

    public static final int PORT = 0x92;

    private final A20Gate a20;
    private final Runnable resetRequest;

    public FastA20Port(A20Gate a20, Runnable resetRequest) {
        this.a20 = a20;
        this.resetRequest = resetRequest;
    }

    public FastA20Port attach(IoBus bus) {
        bus.map(PORT, 1, this);
        return this;
    }

    @Override
    protected int inByte(int port) {
        return a20.fastPortBit() ? 0x02 : 0x00;
    }

    @Override
    protected void outByte(int port, int value) {
        a20.setFromFastPort((value & 0x02) != 0);
        if ((value & 0x01) != 0) {
            resetRequest.run();
        }
    }
}
