package dev.vivarium.x86.devices.pit;

import dev.vivarium.x86.clock.TickConverter;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * One 8254 counter, modelled as a function of virtual time rather than decremented tick by
 * tick: after a count is loaded at {@code loadTime}, the counter value and the OUT pin at any
 * later moment follow from the number of 1.193182 MHz ticks since then. That keeps reads exact
 * and cheap and makes the whole channel a handful of numbers to capture.
 *
 * <p>Simplifications, as in most PC emulators: the count takes effect on the write (no extra
 * loading tick), a new count in modes 2/3 applies at once rather than at the end of the period,
 * BCD counting is recorded in the status but counts in binary, and the gate only matters for
 * the modes where its rising edge (re)starts counting (1, 2, 3, 5) or holds OUT high (2, 3).
 */
final class PitChannel {

    static final TickConverter TICKS = new TickConverter(Pit8254.FREQUENCY_HZ);
    static final long NO_TRANSITION = Long.MAX_VALUE;

    int mode;
    int rwMode = 3; // 1 = low byte, 2 = high byte, 3 = low then high
    boolean bcd;
    /** The loaded count, 1..0x10000 (a written 0 means 0x10000). */
    int count = 0x10000;
    long loadTime;
    /** A count has been written since the last control word. */
    boolean loaded;
    /** Modes 1 and 5 count only after a gate rising edge. */
    boolean triggered;
    boolean gate = true;

    boolean countLatched;
    int latchedCount;
    boolean statusLatched;
    int latchedStatus;
    boolean readHighNext;
    boolean writeHighNext;
    int writeLowByte;

    /** Ticks since the count was loaded (or triggered) at virtual time {@code now}. */
    private long ticks(long now) {
        return TICKS.ticksIn(Math.max(0, now - loadTime));
    }

    private boolean running() {
        return loaded && (triggered || (mode != 1 && mode != 5));
    }

    int counter(long now) {
        if (!running()) {
            return count & 0xFFFF;
        }
        long d = ticks(now);
        long c = switch (mode) {
            case 2 -> count - d % count;
            case 3 -> count - (2 * d) % count;
            default -> count - d;
        };
        return (int) c & 0xFFFF;
    }

    boolean out(long now) {
        if (!loaded) {
            return mode != 0; // after a control word: mode 0 starts low, every other mode high
        }
        if (!running()) {
            return true;
        }
        return outAt(ticks(now));
    }

    private boolean outAt(long d) {
        int period = Math.max(count, 2);
        return switch (mode) {
            case 0, 1 -> d >= count;
            case 2 -> !gate || d % period != period - 1;
            case 3 -> !gate || d % period < (period + 1) / 2;
            default -> d != count; // 4, 5: one tick low when the count expires
        };
    }

    /** The virtual time of the next change of OUT after {@code now}, or NO_TRANSITION. */
    long nextTransition(long now) {
        if (!running() || ((mode == 2 || mode == 3) && !gate)) {
            return NO_TRANSITION;
        }
        long d = ticks(now);
        int period = Math.max(count, 2);
        long next;
        switch (mode) {
            case 0, 1 -> next = d < count ? count : -1;
            case 2 -> {
                long base = d - d % period;
                next = d % period < period - 1 ? base + period - 1 : base + period;
            }
            case 3 -> {
                long base = d - d % period;
                long half = (period + 1) / 2;
                next = d % period < half ? base + half : base + period;
            }
            default -> next = d < count ? count : d == count ? count + 1 : -1;
        }
        return next < 0 ? NO_TRANSITION : loadTime + TICKS.nanosForTicks(next);
    }

    void control(int value) {
        rwMode = (value >>> 4) & 3;
        int m = (value >>> 1) & 7;
        mode = m > 5 ? m - 4 : m; // 6 and 7 are aliases of 2 and 3
        bcd = (value & 1) != 0;
        loaded = false;
        triggered = false;
        countLatched = false;
        statusLatched = false;
        readHighNext = false;
        writeHighNext = false;
    }

    void latchCount(long now) {
        if (!countLatched) {
            countLatched = true;
            latchedCount = counter(now);
            readHighNext = false;
        }
    }

    void latchStatus(long now) {
        if (!statusLatched) {
            statusLatched = true;
            latchedStatus = (out(now) ? 0x80 : 0) | (loaded ? 0 : 0x40) | rwMode << 4 | mode << 1 | (bcd ? 1 : 0);
        }
    }

    int read(long now) {
        if (statusLatched) {
            statusLatched = false;
            return latchedStatus;
        }
        int value = countLatched ? latchedCount : counter(now);
        int result;
        switch (rwMode) {
            case 1 -> result = value & 0xFF;
            case 2 -> result = value >>> 8;
            default -> {
                result = readHighNext ? value >>> 8 : value & 0xFF;
                readHighNext = !readHighNext;
            }
        }
        if (countLatched && (rwMode != 3 || !readHighNext)) {
            countLatched = false;
        }
        return result & 0xFF;
    }

    /** A data-port write; returns true when it completed a count (the channel restarted). */
    boolean write(int value, long now) {
        int newCount;
        switch (rwMode) {
            case 1 -> newCount = value;
            case 2 -> newCount = value << 8;
            default -> {
                if (!writeHighNext) {
                    writeLowByte = value;
                    writeHighNext = true;
                    return false;
                }
                writeHighNext = false;
                newCount = writeLowByte | value << 8;
            }
        }
        count = newCount == 0 ? 0x10000 : newCount;
        loadTime = now;
        loaded = true;
        return true;
    }

    /** Drives the gate input; a rising edge (re)starts modes 1, 2, 3 and 5. */
    void setGate(boolean level, long now) {
        if (level && !gate && loaded) {
            loadTime = now;
            triggered = true;
        }
        gate = level;
    }

    void save(StateWriter out) {
        out.writeInt(mode).writeInt(rwMode).writeBoolean(bcd).writeInt(count).writeLong(loadTime)
                .writeBoolean(loaded).writeBoolean(triggered).writeBoolean(gate)
                .writeBoolean(countLatched).writeInt(latchedCount).writeBoolean(statusLatched).writeInt(latchedStatus)
                .writeBoolean(readHighNext).writeBoolean(writeHighNext).writeInt(writeLowByte);
    }

    void restore(StateReader in) {
        mode = in.readInt(0, 5, "PIT mode");
        rwMode = in.readInt(1, 3, "PIT access mode");
        bcd = in.readBoolean();
        count = in.readInt(1, 0x10000, "PIT count");
        loadTime = in.readLong();
        loaded = in.readBoolean();
        triggered = in.readBoolean();
        gate = in.readBoolean();
        countLatched = in.readBoolean();
        latchedCount = in.readInt(0, 0xFFFF, "PIT latched count");
        statusLatched = in.readBoolean();
        latchedStatus = in.readInt(0, 0xFF, "PIT latched status");
        readHighNext = in.readBoolean();
        writeHighNext = in.readBoolean();
        writeLowByte = in.readInt(0, 0xFF, "PIT low byte");
    }
}
