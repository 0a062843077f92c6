package dev.vivarium.x86.devices.pit;

import dev.vivarium.x86.clock.Timer;
import dev.vivarium.x86.clock.TimerQueue;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.ByteIoDevice;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IrqLine;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * The 8254 programmable interval timer at ports 0x40-0x43: three channels clocked at
 * 1.193182 MHz of virtual time. Channel 0's OUT drives IRQ 0 (the PIC latches its rising
 * edges); a timer on the virtual clock fires at each change of that OUT, so a halted guest
 * can skip straight to its next tick. Channel 2's gate and OUT are on port 0x61
 * ({@link SystemControlPort}); channel 1 (DRAM refresh) counts but drives nothing.
 * Control words, latch and read-back commands and all three access modes are supported.
 */
public final class Pit8254 extends ByteIoDevice implements Snapshottable {

    public static final int FREQUENCY_HZ = 1_193_182;
    public static final int BASE_PORT = 0x40;

    private final VirtualClock clock;
    private final IrqLine irq0;
    private final Timer timer;
    private final PitChannel[] channels = {new PitChannel(), new PitChannel(), new PitChannel()};

    public Pit8254(VirtualClock clock, TimerQueue timers, IrqLine irq0) {
        this.clock = clock;
        this.irq0 = irq0;
        this.timer = timers.newTimer("pit0", due -> updateChannel0(due));
        channels[2].gate = false; // port 0x61 bit 0 is clear at power-on
    }

    public Pit8254 attach(IoBus bus) {
        bus.map(BASE_PORT, 4, this);
        return this;
    }

    /** Channel 2 gate, from port 0x61 bit 0. */
    void setGate2(boolean level) {
        channels[2].setGate(level, clock.nanos());
    }

    boolean gate2() {
        return channels[2].gate;
    }

    boolean out2() {
        return channels[2].out(clock.nanos());
    }

    /** Sets IRQ 0 to channel 0's OUT at {@code now} and arms the timer for its next change. */
    private void updateChannel0(long now) {
        PitChannel c0 = channels[0];
        irq0.set(c0.out(now));
        long next = c0.nextTransition(now);
        if (next == PitChannel.NO_TRANSITION) {
            timer.cancel();
        } else {
            timer.schedule(next);
        }
    }

    @Override
    protected int inByte(int port) {
        int index = port - BASE_PORT;
        return index == 3 ? 0xFF : channels[index].read(clock.nanos());
    }

    @Override
    protected void outByte(int port, int value) {
        long now = clock.nanos();
        int index = port - BASE_PORT;
        if (index < 3) {
            if (channels[index].write(value, now) && index == 0) {
                updateChannel0(now);
            }
            return;
        }
        int select = value >>> 6;
        if (select == 3) {
            readBack(value, now);
        } else if ((value & 0x30) == 0) {
            channels[select].latchCount(now);
        } else {
            channels[select].control(value);
            if (select == 0) {
                updateChannel0(now);
            }
        }
    }

    private void readBack(int value, long now) {
        for (int i = 0; i < 3; i++) {
            if ((value & 2 << i) != 0) {
                if ((value & 0x20) == 0) {
                    channels[i].latchCount(now);
                }
                if ((value & 0x10) == 0) {
                    channels[i].latchStatus(now);
                }
            }
        }
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("pit");
        for (PitChannel c : channels) {
            c.save(out);
        }
        out.writeLong(timer.deadline());
        out.endSection("pit");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("pit");
        for (PitChannel c : channels) {
            c.restore(in);
        }
        timer.restoreDeadline(in.readLong());
        in.endSection("pit");
    }
}
