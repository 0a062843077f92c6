package dev.vivarium.x86.devices.pci;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.state.StateFile;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Configuration mechanism #1 as operating systems use it, against the 440FX host bridge. */
class PciHostBridgeTest {

    private final IoBus bus = new IoBus();
    private final PciHostBridge bridge = new PciHostBridge().attach(bus);

    private static int address(int bus, int device, int function, int register) {
        return 0x80000000 | bus << 16 | device << 11 | function << 8 | register;
    }

    private int read(int address, int offset, int size) {
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, address);
        return bus.in(PciHostBridge.CONFIG_DATA + offset, size);
    }

    @Test
    void theHostBridgeIdentifiesItselfAt00_0() {
        assertThat(read(address(0, 0, 0, 0x00), 0, 4)).isEqualTo(0x1237_8086);
        assertThat(read(address(0, 0, 0, 0x08), 0, 4)).as("class 06/00/00, revision 2").isEqualTo(0x0600_0002);
        assertThat(read(address(0, 0, 0, 0x0C), 2, 1)).as("header type 0").isZero();
        assertThat(read(address(0, 0, 0, 0x00), 2, 2)).as("device id by word at offset 2").isEqualTo(0x1237);
        assertThat(read(address(0, 0, 0, 0x08), 3, 1)).as("base class by byte").isEqualTo(0x06);
    }

    @Test
    void absentFunctionsAndDisabledCyclesReadAllOnes() {
        assertThat(read(address(0, 1, 0, 0), 0, 4)).isEqualTo(-1);
        assertThat(read(address(0, 0, 1, 0), 0, 4)).isEqualTo(-1);
        assertThat(read(address(1, 0, 0, 0), 0, 4)).isEqualTo(-1);
        assertThat(read(0x0000_0000, 0, 4)).as("enable bit clear").isEqualTo(-1);
        assertThat(read(address(0, 1, 0, 0), 0, 2)).isEqualTo(0xFFFF);
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, address(0, 5, 0, 0x04));
        bus.out(PciHostBridge.CONFIG_DATA, 4, 0x1234);
        assertThat(bus.in(PciHostBridge.CONFIG_DATA, 4)).isEqualTo(-1);
    }

    /** Linux's pci_check_type1: a byte written to 0xCFB does not disturb CONFIG_ADDRESS, which reads back. */
    @Test
    void configAddressTakesOnlyDoublewordsAndReadsBackWithReservedBitsClear() {
        bus.out(0xCFB, 1, 0x01);
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, 0x80000000);
        assertThat(bus.in(PciHostBridge.CONFIG_ADDRESS, 4)).isEqualTo(0x80000000);
        bus.out(0xCFB, 1, 0x01);
        bus.out(0xCF8, 2, 0x1234);
        assertThat(bus.in(PciHostBridge.CONFIG_ADDRESS, 4)).isEqualTo(0x80000000);
        assertThat(bus.in(0xCF8, 1)).isEqualTo(0xFF);
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, 0xFFFFFFFF);
        assertThat(bus.in(PciHostBridge.CONFIG_ADDRESS, 4)).isEqualTo(0x80FFFFFC);
    }

    @Test
    void writableRegistersKeepWhatIsWrittenAndIdentityStaysReadOnly() {
        int id = address(0, 0, 0, 0x00);
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, id);
        bus.out(PciHostBridge.CONFIG_DATA, 4, 0xDEADBEEF);
        assertThat(read(id, 0, 4)).isEqualTo(0x1237_8086);
        int command = address(0, 0, 0, 0x04);
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, command);
        bus.out(PciHostBridge.CONFIG_DATA, 2, 0xFFFF);
        assertThat(read(command, 0, 2)).as("only the command bits the 440FX has").isEqualTo(0x0047);
        int pam = address(0, 0, 0, 0x58);
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, pam);
        bus.out(PciHostBridge.CONFIG_DATA + 1, 1, 0x33);
        assertThat(read(pam, 1, 1)).as("PAM0 at 0x59").isEqualTo(0x33);
    }

    @Test
    void stateRoundTrips() {
        int pam = address(0, 0, 0, 0x58);
        bus.out(PciHostBridge.CONFIG_ADDRESS, 4, pam);
        bus.out(PciHostBridge.CONFIG_DATA + 1, 1, 0x11);
        StateWriter w = new StateWriter();
        bridge.save(w);
        IoBus other = new IoBus();
        PciHostBridge restored = new PciHostBridge().attach(other);
        try (StateReader r = StateFile.open(StateFile.seal(w))) {
            restored.restore(r);
        }
        assertThat(other.in(PciHostBridge.CONFIG_ADDRESS, 4)).isEqualTo(pam);
        assertThat(other.in(PciHostBridge.CONFIG_DATA + 1, 1)).isEqualTo(0x11);
    }
}
