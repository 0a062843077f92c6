package dev.vivarium.x86.devices.tools;

import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IoDevice;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

import java.util.OptionalLong;

/**
 * The tools channel, modelled on VMware's backdoor: a 32-bit {@code in} from port 0x5658 with
 * EAX = 0x564D5868 ("VMXh") and the command in CX. Anything else (another size, no magic)
 * behaves like an unmapped port, so a guest probing for VMware on real-looking hardware sees
 * nothing.
 *
 * <table>
 *   <tr><th>ECX</th><th>command</th><th>result</th></tr>
 *   <tr><td>10</td><td>GETVERSION</td><td>EAX = {@value #VERSION}, EBX = magic, ECX = product type 2 (server)</td></tr>
 *   <tr><td>23</td><td>GETTIME</td><td>EAX = seconds, EBX = microseconds of the guest wall clock
 *       (virtual clock + start instant), ECX = maximum lag 1,000,000 µs</td></tr>
 *   <tr><td>0x5601</td><td>HEARTBEAT</td><td>records the virtual time; EAX = 0, EBX = heartbeat count</td></tr>
 *   <tr><td>0x5602</td><td>SHUTDOWN_REQUESTED</td><td>EAX = 1 once the host asked for a clean shutdown, else 0</td></tr>
 *   <tr><td>other</td><td></td><td>EAX = 0xFFFFFFFF, other registers untouched</td></tr>
 * </table>
 *
 * <p>The host side ({@link #requestShutdown()}, {@link #lastHeartbeatNanos()}) is safe to call
 * from another thread.
 */
public final class ToolsBackdoor implements IoDevice, Snapshottable {

    public static final int PORT = 0x5658;
    public static final int MAGIC = 0x564D5868;
    public static final int VERSION = 6;
    public static final int CMD_GETVERSION = 10;
    public static final int CMD_GETTIME = 23;
    public static final int CMD_HEARTBEAT = 0x5601;
    public static final int CMD_SHUTDOWN_REQUESTED = 0x5602;
    private static final int PRODUCT_SERVER = 2;
    private static final int MAX_LAG_MICROS = 1_000_000;

    private final VirtualClock clock;
    private BackdoorRegisters registers;
    private volatile long lastHeartbeat = -1;
    private volatile long heartbeats;
    private volatile boolean shutdownRequested;

    public ToolsBackdoor(VirtualClock clock) {
        this.clock = clock;
    }

    public ToolsBackdoor attach(IoBus bus) {
        bus.map(PORT, 1, this);
        return this;
    }

    /** Connects the CPU's registers; until then the port reads as unmapped. */
    public void connect(BackdoorRegisters cpuRegisters) {
        this.registers = cpuRegisters;
    }

    /** Host: ask the guest to shut down cleanly (it sees this through SHUTDOWN_REQUESTED). */
    public void requestShutdown() {
        shutdownRequested = true;
    }

    public boolean shutdownRequested() {
        return shutdownRequested;
    }

    /** Host: virtual time of the guest's last heartbeat, if it ever sent one. */
    public OptionalLong lastHeartbeatNanos() {
        long t = lastHeartbeat;
        return t < 0 ? OptionalLong.empty() : OptionalLong.of(t);
    }

    public long heartbeats() {
        return heartbeats;
    }

    @Override
    public int in(int port, int size) {
        BackdoorRegisters r = registers;
        if (size != 4 || r == null || r.eax() != MAGIC) {
            return IoBus.floating(size);
        }
        switch (r.ecx() & 0xFFFF) {
            case CMD_GETVERSION -> {
                r.setEbx(MAGIC);
                r.setEcx(PRODUCT_SERVER);
                return VERSION;
            }
            case CMD_GETTIME -> {
                long epochMicros = Math.floorDiv(clock.epochNanos(), 1000L);
                r.setEbx((int) Math.floorMod(epochMicros, 1_000_000L));
                r.setEcx(MAX_LAG_MICROS);
                return (int) Math.floorDiv(epochMicros, 1_000_000L);
            }
            case CMD_HEARTBEAT -> {
                lastHeartbeat = clock.nanos();
                heartbeats++;
                r.setEbx((int) heartbeats);
                return 0;
            }
            case CMD_SHUTDOWN_REQUESTED -> {
                return shutdownRequested ? 1 : 0;
            }
            default -> {
                return -1;
            }
        }
    }

    @Override
    public void out(int port, int size, int value) {
        // The backdoor answers only IN; writes are dropped like on an unmapped port.
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection("tools").writeLong(lastHeartbeat).writeLong(heartbeats).writeBoolean(shutdownRequested)
                .endSection("tools");
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection("tools");
        lastHeartbeat = in.readLong();
        heartbeats = in.readLong();
        shutdownRequested = in.readBoolean();
        in.endSection("tools");
    }
}
