package dev.vivarium.x86.devices.pci;

import dev.vivarium.x86.devices.IoBus;
import dev.vivarium.x86.devices.IoDevice;
import dev.vivarium.x86.state.Snapshottable;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;

/**
 * The PCI host bridge of an Intel 440FX board (the PMC, 8086:1237, at bus 0 device 0), answering
 * configuration cycles by configuration mechanism #1, as operating systems probe for PCI:
 *
 * <ul>
 * <li>0xCF8, CONFIG_ADDRESS: a 32-bit register (enable bit 31, bus 23-16, device 15-11, function
 *     10-8, register 7-2); only doubleword accesses reach it, as on the chipset. Byte and word
 *     accesses to 0xCF8-0xCFB are ordinary I/O that nothing here answers (Linux's probe writes
 *     0xCFB as a byte and then checks that CONFIG_ADDRESS kept its value).</li>
 * <li>0xCFC-0xCFF, CONFIG_DATA: with the enable bit set, the addressed register of the addressed
 *     function, at the byte offset of the port; a function that does not exist reads as all
 *     ones and ignores writes (a master abort), as does every cycle with the enable bit clear.</li>
 * </ul>
 *
 * <p>The bridge's own configuration space holds the 440FX's identity (class 06/00/00, header
 * type 0, revision 2) and keeps what software writes to the bits that are writable there: the
 * command register's memory and I/O enables, bus master and parity bits, the latency timer, and
 * the chipset registers from 0x50 (PAM, DRAM rows, SMRAM), which are stored but change nothing:
 * the board's memory map is fixed (no shadow RAM switching). Nothing else sits on the bus yet.
 */
public final class PciHostBridge implements IoDevice, Snapshottable {

    public static final int CONFIG_ADDRESS = 0xCF8, CONFIG_DATA = 0xCFC;
    public static final int VENDOR_INTEL = 0x8086, DEVICE_440FX = 0x1237;
    private static final int ENABLE = 0x80000000;
    /** Bits of CONFIG_ADDRESS that hold a value; 30-24 and 1-0 read as zero. */
    private static final int ADDRESS_MASK = 0x80FFFFFC;

    private final byte[] config = new byte[256];
    private final byte[] writable = new byte[256];
    private int address;

    public PciHostBridge() {
        powerOnValues();
        writable[0x04] = 0x47;        // command: I/O, memory, bus master, parity error response
        writable[0x0D] = (byte) 0xF8; // latency timer
        for (int r = 0x50; r < 0x100; r++) {
            writable[r] = (byte) 0xFF;
        }
    }

    private void powerOnValues() {
        put16(0x00, VENDOR_INTEL);
        put16(0x02, DEVICE_440FX);
        put16(0x04, 0x0006);         // command: memory and bus master enabled, as after firmware
        put16(0x06, 0x0280);         // status: fast back-to-back capable, DEVSEL medium
        config[0x08] = 0x02;         // revision
        config[0x0B] = 0x06;         // class: bridge, subclass 0: host bridge, prog-if 0
        config[0x0E] = 0x00;         // header type 0, single function
    }

    public PciHostBridge attach(IoBus bus) {
        bus.map(CONFIG_ADDRESS, 8, this);
        return this;
    }

    @Override
    public int in(int port, int size) {
        if (port < CONFIG_DATA) {
            return port == CONFIG_ADDRESS && size == 4 ? address : IoBus.floating(size);
        }
        if ((address & ENABLE) == 0 || !addressesThisBridge()) {
            return IoBus.floating(size);
        }
        int register = (address & 0xFC) + (port & 3);
        int value = 0;
        for (int i = 0; i < size; i++) {
            int r = register + i;
            value |= (r < 256 ? config[r] & 0xFF : 0xFF) << (8 * i);
        }
        return value;
    }

    @Override
    public void out(int port, int size, int value) {
        if (port < CONFIG_DATA) {
            if (port == CONFIG_ADDRESS && size == 4) {
                address = value & ADDRESS_MASK;
            }
            return;
        }
        if ((address & ENABLE) == 0 || !addressesThisBridge()) {
            return;
        }
        int register = (address & 0xFC) + (port & 3);
        for (int i = 0; i < size && register + i < 256; i++) {
            int r = register + i;
            int mask = writable[r] & 0xFF;
            config[r] = (byte) (config[r] & ~mask | (value >>> (8 * i)) & mask);
        }
    }

    /** Bus 0, device 0, function 0. */
    private boolean addressesThisBridge() {
        return (address & 0x00FFFF00) == 0;
    }

    private void put16(int at, int v) {
        config[at] = (byte) v;
        config[at + 1] = (byte) (v >>> 8);
    }

    @Override
    public void save(StateWriter out) {
        out.beginSection(SECTION).writeInt(address).writeBytes(config).endSection(SECTION);
    }

    @Override
    public void restore(StateReader in) {
        in.beginSection(SECTION);
        address = in.readInt() & ADDRESS_MASK;
        byte[] saved = in.readBytes();
        if (saved.length != config.length) {
            throw new StateFormatException("PCI host bridge configuration space of " + saved.length + " bytes");
        }
        System.arraycopy(saved, 0, config, 0, config.length);
        in.endSection(SECTION);
    }

    /** The section's tag, for a restore that must tell whether a capture from before the bridge has it. */
    public static final String SECTION = "pci-host";
}
