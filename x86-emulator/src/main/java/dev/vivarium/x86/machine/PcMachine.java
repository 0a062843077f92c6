package dev.vivarium.x86.machine;

import dev.vivarium.x86.boot.BootImageException;
import dev.vivarium.x86.boot.BootState;
import dev.vivarium.x86.boot.FlatBinaryLoader;
import dev.vivarium.x86.boot.LinuxLoader;
import dev.vivarium.x86.boot.MultibootLoader;
import dev.vivarium.x86.clock.Timer;
import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.cpu.Cpu;
import dev.vivarium.x86.devices.ata.DiskBackend;
import dev.vivarium.x86.devices.ata.FileDiskBackend;
import dev.vivarium.x86.devices.pc.PcChipset;
import dev.vivarium.x86.memory.GuestMemory;
import dev.vivarium.x86.state.StateFile;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.io.Closeable;
import java.io.IOException;
import java.util.Arrays;

/**
 * The {@code pc} board: a CPU, guest memory and the PC chipset on one virtual clock. It runs in
 * slices bounded by the next device timer, so timer interrupts arrive at the exact instruction
 * their virtual time falls on, and it can be captured and restored bit for bit.
 *
 * <p>Single-threaded: one thread runs it; capture, restore and input happen between runs.
 */
public final class PcMachine implements Closeable {

    private final MachineConfig config;
    private final GuestMemory memory;
    private final VirtualClock clock;
    private final PcChipset chipset;
    private final Cpu cpu;
    private final DiskBackend disk;
    /** Whether {@link #close()} closes the disk: true when the machine opened it from {@link MachineConfig#disk()}. */
    private final boolean ownsDisk;
    /** CPU instruction count at the clock's last advance, so RDTSC can interpolate within a slice. */
    private long instructionsAtClock;
    private String resetCause;

    private PcMachine(MachineConfig config, DiskBackend disk, boolean ownsDisk) {
        this.config = config;
        this.disk = disk;
        this.ownsDisk = ownsDisk;
        this.memory = new GuestMemory(config.memoryBytes());
        this.clock = config.realtime()
                ? VirtualClock.realtime(config.startEpochNanos())
                : VirtualClock.deterministic(config.startEpochNanos());
        this.chipset = new PcChipset(memory, clock, disk, () -> requestReset("the guest reset the machine"),
                code -> stopSlice(), config.pacedSerial());
        this.cpu = new Cpu(memory, new ClockSyncedPorts(), chipset.interrupts());
        chipset.backdoor().connect(new CpuBackdoorRegisters(cpu));
        cpu.setFpuErrorPins(chipset.fpuErrorPins());
        cpu.setTimeStampCounter(this::timeStampCounter);
        if (config.boot() instanceof MachineConfig.BiosRom bios) {
            mapBios(bios.rom());
        }
    }

    /** Builds a machine and loads its boot image; a malformed or oversized image is refused before anything runs. */
    public static PcMachine create(MachineConfig config) throws BootImageException, IOException {
        if (config.boot() instanceof MachineConfig.BiosRom bios) {
            checkBios(bios.rom());
        }
        return booted(new PcMachine(config, openConfiguredDisk(config), true));
    }

    /**
     * Builds a machine on a disk the caller owns (a copy-on-write overlay disk, say) and loads
     * its boot image; {@link MachineConfig#disk()} must be null. The disk outlives the machine:
     * {@link #close()} leaves it open, so a reset can boot a new machine on the same disk.
     */
    public static PcMachine create(MachineConfig config, DiskBackend disk) throws BootImageException, IOException {
        if (config.boot() instanceof MachineConfig.BiosRom bios) {
            checkBios(bios.rom());
        }
        return booted(new PcMachine(config, callerDisk(config, disk), false));
    }

    private static PcMachine booted(PcMachine machine) throws BootImageException, IOException {
        try {
            machine.boot();
        } catch (BootImageException | RuntimeException e) {
            machine.close();
            throw e;
        }
        return machine;
    }

    /** Builds an empty machine of the same configuration, for {@link #restore}: no image is loaded. */
    public static PcMachine createForRestore(MachineConfig config) throws IOException {
        return new PcMachine(config, openConfiguredDisk(config), true);
    }

    /** {@link #createForRestore(MachineConfig)} on a disk the caller owns and that holds the capture's disk content. */
    public static PcMachine createForRestore(MachineConfig config, DiskBackend disk) {
        return new PcMachine(config, callerDisk(config, disk), false);
    }

    private static DiskBackend openConfiguredDisk(MachineConfig config) throws IOException {
        return config.disk() == null ? null : FileDiskBackend.open(config.disk(), false);
    }

    private static DiskBackend callerDisk(MachineConfig config, DiskBackend disk) {
        if (config.disk() != null) {
            throw new IllegalArgumentException("the configuration names disk " + config.disk() + " and a disk backend was given too");
        }
        return disk;
    }

    private void boot() throws BootImageException {
        BootState state;
        if (config.boot() instanceof MachineConfig.MultibootKernel k) {
            state = MultibootLoader.load(k.image(), k.cmdline(), memory, config.memoryBytes());
        } else if (config.boot() instanceof MachineConfig.LinuxKernel k) {
            state = LinuxLoader.load(k.kernel(), k.initrd(), k.cmdline(), memory, config.memoryBytes());
        } else if (config.boot() instanceof MachineConfig.FlatBinary f) {
            state = FlatBinaryLoader.load(f.image(), f.loadAddress(), f.entry(), memory, config.memoryBytes());
        } else {
            state = BootState.resetVector();
        }
        state.apply(cpu, memory);
    }

    private static void checkBios(byte[] rom) throws BootImageException {
        if (rom.length == 0 || rom.length % 65536 != 0 || rom.length > 16 << 20) {
            throw new BootImageException("a BIOS ROM must be a non-empty multiple of 64 KiB up to 16 MiB; this one has "
                    + rom.length + " bytes");
        }
    }

    /** The ROM sits at the top of the 4 GiB space, and its last 128 KiB also at the top of the first MiB. */
    private void mapBios(byte[] rom) {
        memory.mapRom(0x1_0000_0000L - rom.length, rom);
        int low = Math.min(rom.length, 128 << 10);
        memory.mapRom(0x100000 - low, Arrays.copyOfRange(rom, rom.length - low, rom.length));
    }

    // ---- running ----

    /**
     * Runs up to {@code budget} instructions. Slices end at the next device timer so that its
     * interrupt is raised at the right instruction; a halted CPU returns at once with the time it
     * waits for, and the caller decides whether to skip ahead ({@link #idleUntil}) or wait.
     */
    public RunResult run(long budget) {
        return run(budget, Long.MIN_VALUE);
    }

    /**
     * Like {@link #run(long)}, but a halted CPU whose next timer event is due at or before guest
     * time {@code idleLimitNanos} skips ahead to it ({@link #idleUntil}) and goes on instead of
     * returning: an idle guest runs every timer interrupt due up to the limit (a host's pacing
     * bound) in one call. The result is the same as the caller's own loop of {@code run} and
     * {@code idleUntil}, instruction for instruction; only the trips out and back in are saved.
     * A realtime clock never skips, and a guest halted with no timer armed is returned as
     * halted whatever the limit (only host input can wake it).
     */
    public RunResult run(long budget, long idleLimitNanos) {
        var stopped = chipset.debugExit().exitRequest();
        if (stopped.isPresent()) {
            return new RunResult.Exited(stopped.getAsInt()); // a stopped machine (or its restored capture) stays stopped
        }
        long done = 0;
        while (done < budget) {
            long slice = Math.min(budget - done, instructionsUntil(chipset.nextEventTime()));
            long before = cpu.instructions();
            Cpu.Exit exit = cpu.run(slice);
            long executed = cpu.instructions() - before;
            done += executed;
            syncClock();
            chipset.runDueTimers();
            chipset.pollHostInput();
            var exitCode = chipset.debugExit().exitRequest();
            if (exitCode.isPresent()) {
                return new RunResult.Exited(exitCode.getAsInt());
            }
            if (resetCause != null) {
                return new RunResult.Reset(resetCause);
            }
            if (exit == Cpu.Exit.SHUTDOWN) {
                return new RunResult.Reset("triple fault");
            }
            if (exit == Cpu.Exit.HALT) {
                if (!cpu.interruptsEnabled()) {
                    return new RunResult.HaltedForever();
                }
                if (!chipset.interrupts().pending()) {
                    long next = chipset.nextEventTime();
                    if (next == Timer.NEVER || next > idleLimitNanos || clock.isRealtime()) {
                        return new RunResult.Halted(next);
                    }
                    idleUntil(next);
                }
            }
        }
        return RunResult.BUDGET_USED;
    }

    /** Skips guest time ahead to {@code deadline} (deterministic clock), firing the timers due; returns host nanos still to wait in realtime mode. */
    public long idleUntil(long deadline) {
        long wait = clock.idleUntil(deadline);
        instructionsAtClock = cpu.instructions();
        chipset.runDueTimers();
        return wait;
    }

    /** After a realtime wait: fires what is now due. */
    public void pollTimers() {
        chipset.runDueTimers();
        chipset.pollHostInput();
    }

    private long instructionsUntil(long deadline) {
        if (deadline == Timer.NEVER || clock.isRealtime()) {
            return clock.isRealtime() ? 100_000 : Long.MAX_VALUE;
        }
        long delta = deadline - clock.nanos();
        if (delta <= 0) {
            return 1;
        }
        long ips = clock.instructionsPerSecond();
        // ceil(delta * ips / 1e9) without overflow for any realistic delta
        long whole = delta / 1_000_000_000L * ips;
        long part = (delta % 1_000_000_000L * ips + 999_999_999L) / 1_000_000_000L;
        return Math.max(1, whole + part);
    }

    private void advanceClock(long executed) {
        clock.advanceInstructions(executed);
        instructionsAtClock = cpu.instructions();
    }

    /** Guest time in nanoseconds, interpolated by the instructions run since the clock last moved: the TSC ticks at 1 GHz. */
    private long timeStampCounter() {
        long since = cpu.instructions() - instructionsAtClock;
        if (clock.isRealtime()) {
            return clock.nanos();
        }
        return clock.nanos() + since * 1_000_000_000L / clock.instructionsPerSecond();
    }

    /**
     * The chipset's ports, with the clock brought up to the exact instruction before each access:
     * a device reading the time mid-slice (PIT counter, RTC, GETTIME) sees the same value however
     * the run was sliced, and a write that arms a timer earlier than the slice end ends the slice.
     */
    private final class ClockSyncedPorts implements dev.vivarium.x86.bus.IoPorts {
        @Override
        public int in(int port, int size) {
            syncClock();
            return chipset.ioPorts().in(port, size);
        }

        @Override
        public void out(int port, int size, int value) {
            syncClock();
            long before = chipset.nextEventTime();
            chipset.ioPorts().out(port, size, value);
            if (chipset.nextEventTime() < before) {
                cpu.requestStop();
            }
        }
    }

    private void syncClock() {
        advanceClock(cpu.instructions() - instructionsAtClock);
    }

    private void stopSlice() {
        cpu.requestStop();
    }

    private void requestReset(String cause) {
        resetCause = cause;
        cpu.requestStop();
    }

    // ---- state capture ----

    /** The whole machine (CPU, devices and clock, every allocated page) as one sealed state file. */
    public byte[] capture() {
        StateWriter out = new StateWriter();
        writeCore(out);
        memory.save(out);
        return StateFile.seal(out);
    }

    /** CPU, devices and clock, and only the pages written since the previous capture. */
    public byte[] captureIncremental() {
        StateWriter out = new StateWriter();
        writeCore(out);
        memory.saveIncremental(out);
        return StateFile.seal(out);
    }

    /**
     * CPU, devices and clock without a page of memory: what a live migration sends at the
     * switch-over, after it has copied the pages themselves ({@link GuestMemory#copyPage},
     * {@link GuestMemory#installPage}). The memory's layout (size, A20 gate) goes with it.
     */
    public byte[] captureWithoutMemory() {
        StateWriter out = new StateWriter();
        writeCore(out);
        memory.saveLayout(out);
        return StateFile.seal(out);
    }

    /**
     * Restores a {@link #captureWithoutMemory()} into this machine, whose pages the caller has
     * already installed. A corrupt or foreign capture is refused before anything changes.
     */
    public void restoreWithoutMemory(byte[] stateFile) {
        StateReader in = StateFile.open(stateFile);
        readCore(in);
        memory.restoreLayout(in);
    }

    private void writeCore(StateWriter out) {
        out.beginSection("machine");
        out.writeLong(config.memoryBytes());
        out.writeLong(instructionsAtClock);
        out.endSection("machine");
        cpu.save(out);
        chipset.save(out);
    }

    /**
     * Restores a capture (a full one, then any incremental ones in order) into this machine,
     * which must have been built with the same configuration. A corrupt or foreign file is
     * refused with {@link dev.vivarium.x86.state.StateFormatException} before anything changes.
     */
    public void restore(byte[] stateFile) {
        StateReader in = StateFile.open(stateFile);
        readCore(in);
        memory.restore(in);
    }

    private void readCore(StateReader in) {
        in.beginSection("machine");
        long size = in.readLong();
        if (size != config.memoryBytes()) {
            throw new StateFormatException(
                    "the capture is of a machine with " + (size >> 20) + " MiB, this one has "
                            + (config.memoryBytes() >> 20) + " MiB");
        }
        instructionsAtClock = in.readLong();
        in.endSection("machine");
        cpu.restore(in);
        chipset.restore(in);
    }

    // ---- parts the host uses ----

    public Cpu cpu() {
        return cpu;
    }

    public GuestMemory memory() {
        return memory;
    }

    public VirtualClock clock() {
        return clock;
    }

    public PcChipset chipset() {
        return chipset;
    }

    public MachineConfig config() {
        return config;
    }

    @Override
    public void close() throws IOException {
        if (disk != null && ownsDisk) {
            disk.close();
        }
    }
}
