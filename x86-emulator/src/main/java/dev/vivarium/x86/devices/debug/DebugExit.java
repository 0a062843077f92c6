package dev.vivarium.x86.devices.debug;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IoDevice;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.util.OptionalInt;

/**
 * Port 0xF4, QEMU's isa-debug-exit: a write of any size requests that the machine stop with
 * the low byte as exit code. (QEMU itself exits with {@code code << 1 | 1}; Vivarium reports
 * the byte as written.) The board polls {@link #exitRequest()} after each slice, or stops its
 * run loop from the optional listener; the request stays until {@link #clear()}. Reads float.
 */
public final class DebugExit implements IoDevice, Snapshottable {

    public static final int PORT = 0xF4;

    /** Called on the emulation thread when the guest asks to exit. */
    @FunctionalInterface
    public interface Listener {
        void exitRequested(int code);
    }

    private final Listener listener;
    private int code = -1;

    public DebugExit(Listener listener) {
        this.listener = listener;
    }

    public DebugExit() {
        this(code -> { });
    }

    public DebugExit attach(IoBus bus) {
        bus.map(PORT, 1, this); // 16/32-bit writes start at 0xF4 and arrive here whole
        return this;
    }

    public OptionalInt exitRequest() {
        return code < 0 ? OptionalInt.empty() : OptionalInt.of(code);
    }

    public void clear() {
        code = -1;
    }

    @Override
    public int in(int port, int size) {
        return IoBus.floating(size);
    }

    @Override
    public void out(int port, int size, int value) {
        code = value & 0xFF;
        listener.exitRequested(code);
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("debug-exit").writeInt(code).endSection("debug-exit");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("debug-exit");
        code = in.readInt(-1, 0xFF, "debug exit code");
        in.endSection("debug-exit");
    }
}
