package dev.vivarium.x86.devices.rtc;

import dev.vivarium.x86.clock.TickConverter;
import dev.vivarium.x86.clock.Timer;
import dev.vivarium.x86.clock.TimerQueue;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.ByteIoDevice;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IrqLine;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The MC146818 real-time clock and its 128 bytes of CMOS RAM at ports 0x70 (index, bit 7 =
 * NMI disable) and 0x71 (data).
 *
 * <p>Time is never the host's: it is the virtual clock's wall time (start instant + guest
 * nanoseconds, UTC) plus an offset the guest sets by writing the time registers. Registers
 * 0x00-0x09 and the century (0x32) are computed on read, in BCD or binary and 12- or 24-hour
 * form as register B says; while B.SET is on, the clock is frozen and writes collect in RAM
 * until SET is cleared. Register A reports UIP in the last 244 µs of each second. The periodic
 * (PIE) and update-ended (UIE) interrupts raise IRQ 8 from timers on the virtual clock, until
 * register C is read; alarm interrupts are not modelled (AF never sets).
 *
 * <p>Memory size registers are filled from the RAM size: 0x15/0x16 base memory (640 KiB),
 * 0x17/0x18 and 0x30/0x31 KiB above 1 MiB (at most 0xFFFF), 0x34/0x35 64 KiB blocks above
 * 16 MiB (at most 0xFFFF), with the standard checksum over 0x10-0x2D in 0x2E/0x2F.
 */
public final class CmosRtc extends ByteIoDevice implements Snapshottable {

    public static final int INDEX_PORT = 0x70;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;
    private static final long UIP_WINDOW_NANOS = 244_000;
    private static final TickConverter RTC_TICKS = new TickConverter(32_768);

    static final int SECONDS = 0x00, MINUTES = 0x02, HOURS = 0x04, WEEKDAY = 0x06, DAY = 0x07, MONTH = 0x08,
            YEAR = 0x09, REG_A = 0x0A, REG_B = 0x0B, REG_C = 0x0C, REG_D = 0x0D, CENTURY = 0x32;
    private static final int B_SET = 0x80, B_PIE = 0x40, B_UIE = 0x10, B_BINARY = 0x04, B_24H = 0x02;
    private static final int C_IRQF = 0x80, C_PF = 0x40, C_UF = 0x10;

    private final VirtualClock clock;
    private final IrqLine irq8;
    private final Timer periodic;
    private final Timer update;
    private final byte[] ram = new byte[128];
    private int index;
    private boolean nmiDisabled;
    /** Guest adjustment added to the virtual wall clock, a whole number of seconds. */
    private long offsetNanos;

    public CmosRtc(VirtualClock clock, TimerQueue timers, IrqLine irq8, long ramSize) {
        this.clock = clock;
        this.irq8 = irq8;
        this.periodic = timers.newTimer("rtc-periodic", this::onPeriodic);
        this.update = timers.newTimer("rtc-update", this::onUpdate);
        ram[REG_A] = 0x26; // 32.768 kHz time base, 1024 Hz periodic rate
        ram[REG_B] = B_24H;
        ram[REG_D] = (byte) 0x80; // battery good
        setWord(0x15, 640);
        int extendedKib = (int) Math.min(0xFFFF, Math.max(0, ramSize - (1 << 20)) >> 10);
        setWord(0x17, extendedKib);
        setWord(0x30, extendedKib);
        setWord(0x34, (int) Math.min(0xFFFF, Math.max(0, ramSize - (16 << 20)) >> 16));
        int sum = 0;
        for (int i = 0x10; i <= 0x2D; i++) {
            sum += ram[i] & 0xFF;
        }
        ram[0x2E] = (byte) (sum >> 8);
        ram[0x2F] = (byte) sum;
    }

    public CmosRtc attach(IoBus bus) {
        bus.map(INDEX_PORT, 2, this);
        return this;
    }

    /** Whether the guest last asked for NMIs to be masked (there is no NMI source yet). */
    public boolean nmiDisabled() {
        return nmiDisabled;
    }

    private void setWord(int reg, int value) {
        ram[reg] = (byte) value;
        ram[reg + 1] = (byte) (value >> 8);
    }

    private int reg(int r) {
        return ram[r] & 0xFF;
    }

    @Override
    protected int inByte(int port) {
        if (port == INDEX_PORT) {
            return 0xFF; // write-only on the AT
        }
        return switch (index) {
            case SECONDS, MINUTES, HOURS, WEEKDAY, DAY, MONTH, YEAR, CENTURY ->
                    (reg(REG_B) & B_SET) != 0 ? reg(index) : timeField(index, now());
            case REG_A -> reg(REG_A) & 0x7F | (updateInProgress() ? 0x80 : 0);
            case REG_C -> readAndClearFlags();
            default -> reg(index);
        };
    }

    @Override
    protected void outByte(int port, int value) {
        if (port == INDEX_PORT) {
            index = value & 0x7F;
            nmiDisabled = (value & 0x80) != 0;
            return;
        }
        switch (index) {
            case SECONDS, MINUTES, HOURS, WEEKDAY, DAY, MONTH, YEAR, CENTURY -> writeTimeField(index, value);
            case REG_A -> {
                ram[REG_A] = (byte) (value & 0x7F);
                rearm();
            }
            case REG_B -> writeRegisterB(value);
            case REG_C, REG_D -> { } // read-only
            default -> ram[index] = (byte) value;
        }
    }

    // ---- time ----

    private LocalDateTime now() {
        long epoch = clock.epochNanos() + offsetNanos;
        return LocalDateTime.ofEpochSecond(Math.floorDiv(epoch, NANOS_PER_SECOND), 0, ZoneOffset.UTC);
    }

    private boolean updateInProgress() {
        long phase = Math.floorMod(clock.epochNanos() + offsetNanos, NANOS_PER_SECOND);
        return (reg(REG_B) & B_SET) == 0 && phase >= NANOS_PER_SECOND - UIP_WINDOW_NANOS;
    }

    private int timeField(int field, LocalDateTime t) {
        if (field == HOURS) {
            int h = t.getHour();
            if ((reg(REG_B) & B_24H) != 0) {
                return encode(h);
            }
            int h12 = h % 12 == 0 ? 12 : h % 12;
            return encode(h12) | (h >= 12 ? 0x80 : 0);
        }
        return encode(switch (field) {
            case SECONDS -> t.getSecond();
            case MINUTES -> t.getMinute();
            case WEEKDAY -> t.getDayOfWeek().getValue() % 7 + 1; // 1 = Sunday
            case DAY -> t.getDayOfMonth();
            case MONTH -> t.getMonthValue();
            case YEAR -> t.getYear() % 100;
            default -> t.getYear() / 100; // CENTURY
        });
    }

    private int encode(int v) {
        return (reg(REG_B) & B_BINARY) != 0 ? v : (v / 10) << 4 | v % 10;
    }

    private int decode(int v) {
        return (reg(REG_B) & B_BINARY) != 0 ? v : (v >> 4) * 10 + (v & 0x0F);
    }

    private void writeTimeField(int field, int value) {
        if ((reg(REG_B) & B_SET) != 0) {
            ram[field] = (byte) value;
            return;
        }
        freezeInto(now());
        ram[field] = (byte) value;
        applyFrozenTime();
    }

    private void writeRegisterB(int value) {
        int old = reg(REG_B);
        if ((value & B_SET) != 0 && (old & B_SET) == 0) {
            freezeInto(now());
        }
        ram[REG_B] = (byte) value;
        if ((value & B_SET) == 0 && (old & B_SET) != 0) {
            applyFrozenTime();
        }
        rearm();
        updateIrq();
    }

    private void freezeInto(LocalDateTime t) {
        for (int f : new int[] {SECONDS, MINUTES, HOURS, WEEKDAY, DAY, MONTH, YEAR, CENTURY}) {
            ram[f] = (byte) timeField(f, t);
        }
    }

    /** Makes the time in RAM the current time; an impossible date is ignored (the clock runs on). */
    private void applyFrozenTime() {
        int hourReg = reg(HOURS);
        int hour = decode(hourReg & 0x7F);
        if ((reg(REG_B) & B_24H) == 0) {
            hour = hour % 12 + ((hourReg & 0x80) != 0 ? 12 : 0);
        }
        try {
            LocalDateTime t = LocalDateTime.of(decode(reg(CENTURY)) * 100 + decode(reg(YEAR)), decode(reg(MONTH)),
                    decode(reg(DAY)), hour, decode(reg(MINUTES)), decode(reg(SECONDS)));
            long target = t.toEpochSecond(ZoneOffset.UTC) * NANOS_PER_SECOND;
            long base = clock.epochNanos();
            offsetNanos = target - (base - Math.floorMod(base, NANOS_PER_SECOND));
        } catch (DateTimeException e) {
            // Guest wrote an impossible date: keep the old offset, as a real chip would keep counting.
        }
        rearm();
    }

    // ---- interrupts ----

    private int readAndClearFlags() {
        int flags = reg(REG_C);
        ram[REG_C] = 0;
        irq8.set(false);
        return flags;
    }

    private void raiseFlag(int flag, int enable) {
        int c = reg(REG_C) | flag;
        if ((reg(REG_B) & enable) != 0) {
            c |= C_IRQF;
        }
        ram[REG_C] = (byte) c;
        updateIrq();
    }

    private void updateIrq() {
        int b = reg(REG_B);
        int c = reg(REG_C);
        boolean active = ((c & C_PF) != 0 && (b & B_PIE) != 0) || ((c & C_UF) != 0 && (b & B_UIE) != 0);
        if (active) {
            ram[REG_C] = (byte) (c | C_IRQF);
        }
        irq8.set(active);
    }

    /** Periodic rate select (register A bits 3-0) as a period in 32.768 kHz ticks, 0 when off. */
    private long periodTicks() {
        int rate = reg(REG_A) & 0x0F;
        if (rate == 0 || (reg(REG_A) & 0x70) != 0x20) {
            return 0;
        }
        return 1L << (rate < 3 ? rate + 6 : rate - 1);
    }

    private void rearm() {
        long now = clock.nanos();
        long period = periodTicks();
        if ((reg(REG_B) & B_PIE) != 0 && period != 0) {
            periodic.schedule(RTC_TICKS.nanosForTicks((RTC_TICKS.ticksIn(now) / period + 1) * period));
        } else {
            periodic.cancel();
        }
        if ((reg(REG_B) & (B_UIE | B_SET)) == B_UIE) {
            long phase = Math.floorMod(clock.epochNanos() + offsetNanos, NANOS_PER_SECOND);
            update.schedule(now + NANOS_PER_SECOND - phase);
        } else {
            update.cancel();
        }
    }

    private void onPeriodic(long due) {
        raiseFlag(C_PF, B_PIE);
        long period = periodTicks();
        if ((reg(REG_B) & B_PIE) != 0 && period != 0) {
            periodic.schedule(RTC_TICKS.nanosForTicks((RTC_TICKS.ticksIn(due) / period + 1) * period));
        }
    }

    private void onUpdate(long due) {
        raiseFlag(C_UF, B_UIE);
        update.schedule(due + NANOS_PER_SECOND);
    }

    // ---- state ----

    @Override
    public void save(StateWriter out) {
        out.beginSection("cmos").writeBytes(ram).writeInt(index).writeBoolean(nmiDisabled).writeLong(offsetNanos)
                .writeLong(periodic.deadline()).writeLong(update.deadline()).endSection("cmos");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("cmos");
        in.readBytesInto(ram);
        index = in.readInt(0, 0x7F, "CMOS index");
        nmiDisabled = in.readBoolean();
        offsetNanos = in.readLong();
        periodic.restoreDeadline(in.readLong());
        update.restoreDeadline(in.readLong());
        in.endSection("cmos");
    }
}
