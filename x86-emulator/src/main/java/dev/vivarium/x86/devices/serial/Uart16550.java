package dev.vivarium.x86.devices.serial;

import dev.vivarium.x86.clock.Timer;
import dev.vivarium.x86.clock.TimerQueue;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.ByteIoDevice;
import dev.vivarium.x86.devices.ByteSinks;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IrqLine;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * A 16550A UART (COM1 is base 0x3F8, IRQ 4): RBR/THR, IER, IIR/FCR with 16-byte FIFOs and
 * trigger levels, LCR with the divisor latch, MCR with loopback, LSR, MSR and SCR.
 *
 * <p>Modelling choices, each so the guest cannot tell on a PC console:
 * <ul>
 *   <li>Transmission is instantaneous by default: a byte written to THR goes to the
 *       {@link #output()} subscribers at once, and THRE/TEMT are set again. The THRE interrupt
 *       is dropped and re-raised around each write, so an edge-triggered PIC sees a fresh
 *       request per byte. Built with a clock and timer queue, the UART is <em>paced</em>
 *       instead: bytes wait in the 16-byte transmit FIFO and leave one per character time
 *       (start + data + parity + stop bits at 115200 / divisor baud) of virtual time, so THRE
 *       and TEMT read as a real chip's would and a capture can catch the UART mid-output.
 *       Loopback is instantaneous in both modes.</li>
 *   <li>Host input is flow-controlled: bytes move from {@link #input()} into the receive FIFO
 *       only while it has room, so the host can never overrun the guest (OE can only happen in
 *       loopback).</li>
 *   <li>With FIFOs on and fewer bytes waiting than the trigger level, the character-timeout
 *       interrupt (IIR 0x0C) is reported at once, as if the 4-character gap had passed.</li>
 *   <li>The modem inputs read CTS, DSR and DCD active (a host is attached), RI inactive.</li>
 *   <li>As on a PC, the interrupt reaches the PIC only while MCR.OUT2 is set.</li>
 * </ul>
 */
public final class Uart16550 extends ByteIoDevice implements Snapshottable {

    public static final int COM1 = 0x3F8;

    private static final int IER_RDA = 0x01, IER_THRE = 0x02, IER_LSR = 0x04, IER_MSR = 0x08;
    private static final int LCR_DLAB = 0x80;
    private static final int MCR_DTR = 0x01, MCR_RTS = 0x02, MCR_OUT1 = 0x04, MCR_OUT2 = 0x08, MCR_LOOP = 0x10;
    private static final int LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
    private static final int HOST_MODEM_LINES = 0xB0; // DCD, DSR, CTS
    private static final int[] TRIGGER = {1, 4, 8, 14};

    private final int base;
    private final String section;
    private final IrqLine irq;
    private final ByteSinks output = new ByteSinks();
    private final HostInput input = new HostInput();
    private final ByteFifo rx = new ByteFifo();
    private final ByteFifo tx = new ByteFifo();
    /** Null for instantaneous transmission. */
    private final VirtualClock clock;
    private final Timer txTimer;
    /** The byte in the transmit shift register, or -1 when it is idle. */
    private int shifting = -1;

    private int ier;
    private int lcr;
    private int mcr;
    private int scr;
    private int divisor = 12; // 9600 baud until the guest says otherwise
    private boolean fifoEnabled;
    private int triggerLevel = 1;
    private boolean overrun;
    private boolean thrInterrupt;
    private int msrDeltas;
    private boolean irqLevel;

    /** An instantaneous UART. */
    public Uart16550(int basePort, IrqLine irq) {
        this(basePort, irq, null, null);
    }

    /** A UART paced on the virtual clock (null clock and timers: instantaneous). */
    public Uart16550(int basePort, IrqLine irq, VirtualClock clock, TimerQueue timers) {
        this.clock = clock;
        this.txTimer = clock == null ? null : timers.newTimer("uart-tx@" + Integer.toHexString(basePort),
                this::onCharacterSent);
        this.base = basePort;
        this.section = "uart@" + Integer.toHexString(basePort);
        this.irq = irq;
    }

    public Uart16550 attach(IoBus bus) {
        bus.map(base, 8, this);
        return this;
    }

    /** What the guest transmits; subscribe a sink (stdout, a log, a test buffer). */
    public ByteSinks output() {
        return output;
    }

    /** Where the host types; see {@link #pollInput()}. */
    public HostInput input() {
        return input;
    }

    /**
     * Moves waiting host bytes into the receive FIFO while it has room. The board calls this
     * between run slices; the guest's RBR reads also refill the FIFO.
     */
    public void pollInput() {
        if ((mcr & MCR_LOOP) != 0) {
            return; // the receiver listens to the transmitter only
        }
        boolean moved = false;
        while (rx.count() < capacity()) {
            int b = input.take();
            if (b < 0) {
                break;
            }
            rx.add(b, capacity());
            moved = true;
        }
        if (moved) {
            updateIrq();
        }
    }

    /** The baud rate the guest programmed (115200 / divisor). */
    /** Whether a byte is on the wire or waiting in the transmit FIFO (only ever so when paced). */
    public boolean transmitting() {
        return shifting >= 0 || !tx.isEmpty();
    }

    public int baudRate() {
        return divisor == 0 ? 0 : 115_200 / divisor;
    }

    private int capacity() {
        return fifoEnabled ? ByteFifo.DEPTH : 1;
    }

    @Override
    protected int inByte(int port) {
        int value = switch (port - base) {
            case 0 -> (lcr & LCR_DLAB) != 0 ? divisor & 0xFF : readReceiver();
            case 1 -> (lcr & LCR_DLAB) != 0 ? divisor >>> 8 : ier;
            case 2 -> readInterruptId();
            case 3 -> lcr;
            case 4 -> mcr;
            case 5 -> readLineStatus();
            case 6 -> readModemStatus();
            default -> scr;
        };
        updateIrq();
        return value;
    }

    @Override
    protected void outByte(int port, int value) {
        switch (port - base) {
            case 0 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = divisor & 0xFF00 | value;
                } else {
                    transmit(value);
                }
            }
            case 1 -> {
                if ((lcr & LCR_DLAB) != 0) {
                    divisor = divisor & 0xFF | value << 8;
                } else {
                    if ((value & IER_THRE) != 0 && (ier & IER_THRE) == 0 && tx.isEmpty()) {
                        thrInterrupt = true; // enabling THRE with THR empty interrupts at once
                    }
                    ier = value & 0x0F;
                }
            }
            case 2 -> writeFifoControl(value);
            case 3 -> lcr = value;
            case 4 -> writeModemControl(value & 0x1F);
            case 5, 6 -> { } // LSR and MSR are read-only (factory test writes ignored)
            default -> scr = value;
        }
        updateIrq();
    }

    private int readReceiver() {
        int b = rx.poll();
        if ((mcr & MCR_LOOP) == 0 && rx.count() < capacity()) {
            int next = input.take();
            if (next >= 0) {
                rx.add(next, capacity());
            }
        }
        return b;
    }

    private void transmit(int b) {
        thrInterrupt = false;
        updateIrq(); // drop the line so the re-raise below is an edge
        if ((mcr & MCR_LOOP) != 0) {
            if (!rx.add(b, capacity())) {
                overrun = true;
            }
        } else if (clock != null) {
            tx.add(b, capacity()); // a byte written into a full FIFO is lost, as on the chip
            if (shifting < 0) {
                startNextCharacter(clock.nanos());
            }
            return;
        } else {
            output.write(b);
        }
        thrInterrupt = true;
    }

    /** Paced mode: move the next byte into the shift register; THR empties when the FIFO does. */
    private void startNextCharacter(long now) {
        shifting = tx.poll();
        txTimer.schedule(now + characterNanos());
        if (tx.isEmpty()) {
            thrInterrupt = true;
        }
    }

    private void onCharacterSent(long due) {
        output.write(shifting);
        shifting = -1;
        if (!tx.isEmpty()) {
            startNextCharacter(due);
        }
        updateIrq();
    }

    /** One character on the wire: start bit, 5-8 data bits, optional parity, 1 or 2 stop bits. */
    private long characterNanos() {
        int bits = 1 + 5 + (lcr & 0x03) + ((lcr & 0x08) != 0 ? 1 : 0) + ((lcr & 0x04) != 0 ? 2 : 1);
        return bits * Math.max(divisor, 1) * 1_000_000_000L / 115_200;
    }

    private int interruptId() {
        if ((ier & IER_LSR) != 0 && overrun) {
            return 0x06;
        }
        if ((ier & IER_RDA) != 0 && !rx.isEmpty()) {
            return !fifoEnabled || rx.count() >= triggerLevel ? 0x04 : 0x0C;
        }
        if ((ier & IER_THRE) != 0 && thrInterrupt) {
            return 0x02;
        }
        if ((ier & IER_MSR) != 0 && msrDeltas != 0) {
            return 0x00;
        }
        return 0x01;
    }

    private int readInterruptId() {
        int id = interruptId();
        if (id == 0x02) {
            thrInterrupt = false; // reading IIR acknowledges THRE
        }
        return id | (fifoEnabled ? 0xC0 : 0);
    }

    private int readLineStatus() {
        boolean thrEmpty = tx.isEmpty();
        int lsr = (rx.isEmpty() ? 0 : LSR_DR) | (overrun ? LSR_OE : 0) | (thrEmpty ? LSR_THRE : 0)
                | (thrEmpty && shifting < 0 ? LSR_TEMT : 0);
        overrun = false;
        return lsr;
    }

    private int modemLines() {
        if ((mcr & MCR_LOOP) == 0) {
            return HOST_MODEM_LINES;
        }
        return ((mcr & MCR_RTS) != 0 ? 0x10 : 0) | ((mcr & MCR_DTR) != 0 ? 0x20 : 0)
                | ((mcr & MCR_OUT1) != 0 ? 0x40 : 0) | ((mcr & MCR_OUT2) != 0 ? 0x80 : 0);
    }

    private int readModemStatus() {
        int msr = modemLines() | msrDeltas;
        msrDeltas = 0;
        return msr;
    }

    private void writeModemControl(int value) {
        int before = modemLines();
        mcr = value;
        int after = modemLines();
        int changed = before ^ after;
        msrDeltas |= (changed & 0x10) != 0 ? 0x01 : 0;  // DCTS
        msrDeltas |= (changed & 0x20) != 0 ? 0x02 : 0;  // DDSR
        msrDeltas |= (before & 0x40) != 0 && (after & 0x40) == 0 ? 0x04 : 0; // TERI: trailing edge
        msrDeltas |= (changed & 0x80) != 0 ? 0x08 : 0;  // DDCD
    }

    private void writeFifoControl(int value) {
        boolean enable = (value & 0x01) != 0;
        if (enable != fifoEnabled) {
            rx.clear();
            tx.clear();
        }
        fifoEnabled = enable;
        if ((value & 0x02) != 0) {
            rx.clear();
        }
        if ((value & 0x04) != 0) {
            tx.clear();
        }
        triggerLevel = TRIGGER[value >>> 6];
    }

    private void updateIrq() {
        boolean level = interruptId() != 0x01 && (mcr & MCR_OUT2) != 0;
        if (level != irqLevel) {
            irqLevel = level;
            irq.set(level);
        }
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection(section);
        out.writeInt(ier).writeInt(lcr).writeInt(mcr).writeInt(scr).writeInt(divisor).writeBoolean(fifoEnabled)
                .writeInt(triggerLevel).writeBoolean(overrun).writeBoolean(thrInterrupt).writeInt(msrDeltas)
                .writeBoolean(irqLevel);
        rx.save(out);
        tx.save(out);
        out.writeBoolean(txTimer != null).writeInt(shifting).writeLong(txTimer == null ? Timer.NEVER : txTimer.deadline());
        out.writeInts(input.snapshot());
        out.endSection(section);
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection(section);
        ier = in.readInt(0, 0x0F, "UART IER");
        lcr = in.readInt(0, 0xFF, "UART LCR");
        mcr = in.readInt(0, 0x1F, "UART MCR");
        scr = in.readInt(0, 0xFF, "UART SCR");
        divisor = in.readInt(0, 0xFFFF, "UART divisor");
        fifoEnabled = in.readBoolean();
        triggerLevel = in.readInt(1, 14, "UART trigger level");
        overrun = in.readBoolean();
        thrInterrupt = in.readBoolean();
        msrDeltas = in.readInt(0, 0x0F, "UART MSR deltas");
        irqLevel = in.readBoolean();
        rx.restore(in);
        tx.restore(in);
        boolean paced = in.readBoolean();
        if (paced != (txTimer != null)) {
            throw new StateFormatException("the capture's UART " + (paced ? "is paced" : "is instantaneous")
                    + ", this one is not");
        }
        shifting = in.readInt(-1, 0xFF, "UART shift register");
        long txDeadline = in.readLong();
        if (txTimer != null) {
            txTimer.restoreDeadline(txDeadline);
        }
        int[] pending = in.readInts();
        for (int b : pending) {
            if (b < 0 || b > 0xFF) {
                throw new StateFormatException("UART host input byte out of range: " + b);
            }
        }
        input.replace(pending);
        in.endSection(section);
    }
}
