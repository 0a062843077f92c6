package dev.vivarium.x86.devices.pc;

import dev.vivarium.x86.clock.TimerQueue;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.ata.AtaController;
import dev.vivarium.x86.devices.ata.DiskBackend;
import dev.vivarium.x86.devices.debug.DebugConsole;
import dev.vivarium.x86.devices.debug.DebugExit;
import dev.vivarium.x86.devices.debug.PostCodeLatch;
import dev.vivarium.x86.devices.kbc.A20Gate;
import dev.vivarium.x86.devices.kbc.FastA20Port;
import dev.vivarium.x86.devices.kbc.KeyboardController;
import dev.vivarium.x86.devices.pci.PciHostBridge;
import dev.vivarium.x86.devices.pic.DualPic;
import dev.vivarium.x86.devices.pit.Pit8254;
import dev.vivarium.x86.devices.pit.SystemControlPort;
import dev.vivarium.x86.devices.rtc.CmosRtc;
import dev.vivarium.x86.devices.serial.Uart16550;
import dev.vivarium.x86.devices.tools.ToolsBackdoor;
import dev.vivarium.x86.memory.GuestMemory;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.util.ArrayList;
import java.util.List;

/**
 * The PC's devices, wired to one another and to an I/O bus, without the processor: what the
 * board hands the CPU is {@link #ioPorts()} and {@link #interrupts()} (plus the memory it
 * already has), and {@link #backdoor()} waits for the CPU's registers.
 *
 * <pre>
 *   PIC 0x20/0xA0   PIT 0x40-0x43 -> IRQ 0   port 0x61   CMOS/RTC 0x70/0x71 -> IRQ 8
 *   8042 0x60/0x64 -> IRQ 1 (A20, reset)     port 0x92 (fast A20, reset)
 *   COM1 0x3F8 -> IRQ 4   0xE9 debug console   0x80 POST   0xF4 debug exit
 *   ATA 0x1F0-0x1F7, 0x3F6 -> IRQ 14 (when a disk is given)   tools backdoor 0x5658
 *   PCI configuration 0xCF8/0xCFC (the 440FX host bridge at 00:00.0, nothing else on the bus)
 *   FERR# latch -> IRQ 13, cleared by a write to 0xF0 (the FPU's MS-DOS compatibility mode)
 * </pre>
 *
 * <p>The run loop's side: bound each slice by {@link #nextEventTime()}, call
 * {@link #runDueTimers()} after it (and {@link #pollHostInput()} to feed the serial console),
 * and when the CPU halts with interrupts enabled, {@code clock.idleUntil(nextEventTime())}.
 *
 * <p>State: {@link #save} covers the clock and every device, in a fixed order. Guest memory
 * is captured by its owner (full or incremental), the CPU by the CPU, and the disk contents
 * live in the disk backend.
 */
public final class PcChipset implements Snapshottable {

    public static final int IRQ_PIT = 0, IRQ_KEYBOARD = 1, IRQ_COM1 = 4, IRQ_RTC = 8, IRQ_FPU = 13, IRQ_ATA = 14;

    private final VirtualClock clock;
    private final TimerQueue timers = new TimerQueue();
    private final IoBus bus = new IoBus();
    private final DualPic pic = new DualPic().attach(bus);
    private final Pit8254 pit;
    private final SystemControlPort port61;
    private final CmosRtc rtc;
    private final A20Gate a20;
    private final KeyboardController keyboard;
    private final Uart16550 com1;
    private final DebugConsole debugConsole = new DebugConsole().attach(bus);
    private final PostCodeLatch postCodes = new PostCodeLatch().attach(bus);
    private final DebugExit debugExit;
    private final AtaController ata;
    private final ToolsBackdoor backdoor;
    private final PciHostBridge pciHost = new PciHostBridge().attach(bus);
    private final CoprocessorErrorLatch fpuError = new CoprocessorErrorLatch(pic.line(IRQ_FPU)).attach(bus);
    private final List<Snapshottable> stateParts = new ArrayList<>();

    /** A chipset whose serial port transmits instantaneously. */
    public PcChipset(GuestMemory memory, VirtualClock clock, DiskBackend disk, Runnable resetRequest,
                     DebugExit.Listener exitListener) {
        this(memory, clock, disk, resetRequest, exitListener, false);
    }

    /**
     * @param memory       the guest memory (A20 drives its mask; its size goes into the CMOS)
     * @param clock        the machine's virtual clock
     * @param disk         the primary master disk, or null for none
     * @param resetRequest called on the emulation thread when the guest resets the machine
     *                     (8042 pulse, port 0x92 bit 0)
     * @param exitListener called when the guest writes port 0xF4
     * @param pacedSerial  whether COM1 sends at its baud rate in virtual time (see {@link Uart16550})
     */
    public PcChipset(GuestMemory memory, VirtualClock clock, DiskBackend disk, Runnable resetRequest,
                     DebugExit.Listener exitListener, boolean pacedSerial) {
        this.clock = clock;
        this.pit = new Pit8254(clock, timers, pic.line(IRQ_PIT)).attach(bus);
        this.port61 = new SystemControlPort(pit, clock).attach(bus);
        this.rtc = new CmosRtc(clock, timers, pic.line(IRQ_RTC), memory.ramSize()).attach(bus);
        this.a20 = new A20Gate(memory::setA20Enabled);
        this.keyboard = new KeyboardController(a20, resetRequest, pic.line(IRQ_KEYBOARD)).attach(bus);
        new FastA20Port(a20, resetRequest).attach(bus);
        this.com1 = (pacedSerial ? new Uart16550(Uart16550.COM1, pic.line(IRQ_COM1), clock, timers)
                : new Uart16550(Uart16550.COM1, pic.line(IRQ_COM1))).attach(bus);
        this.debugExit = new DebugExit(exitListener).attach(bus);
        this.ata = disk == null ? null : new AtaController(disk, pic.line(IRQ_ATA)).attach(bus);
        this.backdoor = new ToolsBackdoor(clock).attach(bus);
        stateParts.addAll(List.of(clock, pic, pit, port61, rtc, a20, keyboard, com1, postCodes, debugExit, backdoor));
    }

    public IoBus ioPorts() {
        return bus;
    }

    public DualPic interrupts() {
        return pic;
    }

    public TimerQueue timers() {
        return timers;
    }

    public long nextEventTime() {
        return timers.nextEventTime();
    }

    /** Fires the device timers due at the clock's current time. */
    public int runDueTimers() {
        return timers.runDue(clock.nanos());
    }

    public void pollHostInput() {
        com1.pollInput();
    }

    public Uart16550 serial() {
        return com1;
    }

    public DebugConsole debugConsole() {
        return debugConsole;
    }

    public PostCodeLatch postCodes() {
        return postCodes;
    }

    public DebugExit debugExit() {
        return debugExit;
    }

    public ToolsBackdoor backdoor() {
        return backdoor;
    }

    /** The FPU's error pins on this board (FERR# to IRQ 13, IGNNE# from port 0xF0), for the CPU. */
    public CoprocessorErrorLatch fpuErrorPins() {
        return fpuError;
    }

    public CmosRtc rtc() {
        return rtc;
    }

    public A20Gate a20() {
        return a20;
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("chipset").writeBoolean(ata != null);
        for (Snapshottable part : stateParts) {
            part.save(out);
        }
        if (ata != null) {
            ata.save(out);
        }
        pciHost.save(out);
        fpuError.save(out);
        out.endSection("chipset");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("chipset");
        boolean hadDisk = in.readBoolean();
        if (hadDisk != (ata != null)) {
            throw new StateFormatException("the capture was taken " + (hadDisk ? "with" : "without")
                    + " a disk, this machine has " + (ata != null ? "one" : "none"));
        }
        for (Snapshottable part : stateParts) {
            part.restore(in);
        }
        if (ata != null) {
            ata.restore(in);
        }
        if (PciHostBridge.SECTION.equals(in.peekSection())) {
            pciHost.restore(in); // a capture from before the bridge existed leaves it at power-on
        }
        if (CoprocessorErrorLatch.SECTION.equals(in.peekSection())) {
            fpuError.restore(in);
        } else {
            fpuError.clear(); // a capture from before the latch: FERR# was never wired, so nothing is latched
        }
        in.endSection("chipset");
    }
}
