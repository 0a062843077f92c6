package dev.vivarium.x86.devices.kbc;

import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.util.function.Consumer;

/**
 * The A20 line: enabled when either the 8042 output port bit 1 or port 0x92 bit 1 says so
 * (the two are ORed on most chipsets). It drives the memory's address mask through
 * {@code sink}, typically {@code memory::setA20Enabled}.
 */
public final class A20Gate implements Snapshottable {

    private final Consumer<Boolean> sink;
    private boolean viaKeyboardController;
    private boolean viaFastPort;

    /** Starts with A20 enabled through the 8042, like QEMU (multiboot kernels expect it on). */
    public A20Gate(Consumer<Boolean> sink) {
        this.sink = sink;
        this.viaKeyboardController = true;
        apply();
    }

    void setFromKeyboardController(boolean enabled) {
        viaKeyboardController = enabled;
        apply();
    }

    void setFromFastPort(boolean enabled) {
        viaFastPort = enabled;
        apply();
    }

    boolean fastPortBit() {
        return viaFastPort;
    }

    public boolean enabled() {
        return viaKeyboardController || viaFastPort;
    }

    private void apply() {
        sink.accept(enabled());
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("a20").writeBoolean(viaKeyboardController).writeBoolean(viaFastPort).endSection("a20");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("a20");
        viaKeyboardController = in.readBoolean();
        viaFastPort = in.readBoolean();
        in.endSection("a20");
        apply();
    }
}
