package dev.vivarium.x86.devices.tools;

import dev.vivarium.x86.clock.VirtualClock;
import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.Snapshots;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolsBackdoorTest {

    /** A plain register file standing where the CPU's general registers will be. */
    static final class RegisterFile implements BackdoorRegisters {
        int eax, ebx, ecx, edx, esi, edi;

        public int eax() { return eax; }
        public int ebx() { return ebx; }
        public int ecx() { return ecx; }
        public int edx() { return edx; }
        public int esi() { return esi; }
        public int edi() { return edi; }
        public void setEax(int v) { eax = v; }
        public void setEbx(int v) { ebx = v; }
        public void setEcx(int v) { ecx = v; }
        public void setEdx(int v) { edx = v; }
        public void setEsi(int v) { esi = v; }
        public void setEdi(int v) { edi = v; }
    }

    private final VirtualClock clock = VirtualClock.deterministic(1_700_000_000_250_000_000L);
    private final IoBus bus = new IoBus();
    private final ToolsBackdoor backdoor = new ToolsBackdoor(clock).attach(bus);
    private final RegisterFile regs = new RegisterFile();

    /** What the CPU does for {@code in eax, dx} with DX = 0x5658. */
    private void call(int command) {
        regs.eax = ToolsBackdoor.MAGIC;
        regs.ecx = command;
        regs.edx = ToolsBackdoor.PORT;
        regs.eax = bus.in(regs.edx, 4);
    }

    @Test
    void unconnectedOrWithoutMagicItIsAnEmptyPort() {
        regs.eax = ToolsBackdoor.MAGIC;
        assertThat(bus.in(ToolsBackdoor.PORT, 4)).isEqualTo(-1);
        backdoor.connect(regs);
        regs.eax = 0;
        regs.ebx = 77;
        regs.ecx = ToolsBackdoor.CMD_GETVERSION;
        assertThat(bus.in(ToolsBackdoor.PORT, 4)).isEqualTo(-1);
        assertThat(regs.ebx).isEqualTo(77);
        regs.eax = ToolsBackdoor.MAGIC;
        assertThat(bus.in(ToolsBackdoor.PORT, 1)).isEqualTo(0xFF);
    }

    @Test
    void getVersion() {
        backdoor.connect(regs);
        call(ToolsBackdoor.CMD_GETVERSION);
        assertThat(regs.eax).isEqualTo(ToolsBackdoor.VERSION);
        assertThat(regs.ebx).isEqualTo(0x564D5868);
    }

    @Test
    void getTimeReadsVirtualWallClock() {
        backdoor.connect(regs);
        clock.advanceInstructions(150_000_000L); // 1.5 s at the default rate
        call(ToolsBackdoor.CMD_GETTIME);
        assertThat(regs.eax).isEqualTo(1_700_000_001);
        assertThat(regs.ebx).isEqualTo(750_000);
    }

    @Test
    void heartbeatAndShutdownRequest() {
        backdoor.connect(regs);
        assertThat(backdoor.lastHeartbeatNanos()).isEmpty();
        clock.idleUntil(5_000);
        call(ToolsBackdoor.CMD_HEARTBEAT);
        assertThat(backdoor.lastHeartbeatNanos()).hasValue(5_000);
        assertThat(regs.ebx).isEqualTo(1);
        call(ToolsBackdoor.CMD_SHUTDOWN_REQUESTED);
        assertThat(regs.eax).isZero();
        backdoor.requestShutdown();
        call(ToolsBackdoor.CMD_SHUTDOWN_REQUESTED);
        assertThat(regs.eax).isEqualTo(1);
        call(0x9999);
        assertThat(regs.eax).isEqualTo(-1);

        byte[] state = Snapshots.capture(backdoor);
        ToolsBackdoor copy = new ToolsBackdoor(clock);
        Snapshots.restore(state, copy);
        assertThat(copy.shutdownRequested()).isTrue();
        assertThat(copy.lastHeartbeatNanos()).hasValue(5_000);
        assertThat(copy.heartbeats()).isEqualTo(1);
    }
}
