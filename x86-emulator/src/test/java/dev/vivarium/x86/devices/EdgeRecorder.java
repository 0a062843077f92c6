package dev.vivarium.x86.devices;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/** Test helper: an IRQ wire that records its level, its rising edges and when they happened. */
public final class EdgeRecorder implements IrqLine {

    private final LongSupplier now;
    public final List<Long> risingEdges = new ArrayList<>();
    public boolean level;
    public int edges;

    public EdgeRecorder() {
        this(() -> 0L);
    }

    /** Records each rising edge's time from {@code now} (the virtual clock). */
    public EdgeRecorder(LongSupplier now) {
        this.now = now;
    }

    @Override
    public void set(boolean high) {
        if (high && !level) {
            edges++;
            risingEdges.add(now.getAsLong());
        }
        level = high;
    }
}
