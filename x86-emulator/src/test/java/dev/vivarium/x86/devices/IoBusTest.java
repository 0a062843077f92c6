package dev.vivarium.x86.devices;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IoBusTest {

    /** Eight byte registers that remember what was written. */
    static final class Registers extends ByteIoDevice {
        final int[] regs = new int[8];
        final List<String> log = new ArrayList<>();

        @Override
        protected int inByte(int port) {
            log.add("in " + Integer.toHexString(port));
            return regs[port & 7];
        }

        @Override
        protected void outByte(int port, int value) {
            log.add("out " + Integer.toHexString(port) + "=" + Integer.toHexString(value));
            regs[port & 7] = value;
        }
    }

    @Test
    void unmappedPortsFloatHigh() {
        IoBus bus = new IoBus();
        assertThat(bus.in(0x1234, 1)).isEqualTo(0xFF);
        assertThat(bus.in(0x1234, 2)).isEqualTo(0xFFFF);
        assertThat(bus.in(0xFFFF, 4)).isEqualTo(-1);
        bus.out(0x1234, 4, 0); // dropped without complaint
    }

    @Test
    void wideAccessesSplitIntoBytesLowFirst() {
        IoBus bus = new IoBus();
        Registers r = new Registers();
        bus.map(0x300, 8, r);
        bus.out(0x302, 4, 0x44332211);
        assertThat(r.log).containsExactly("out 302=11", "out 303=22", "out 304=33", "out 305=44");
        assertThat(bus.in(0x303, 2)).isEqualTo(0x3322);
        assertThat(bus.in(0x300, 1)).isZero();
    }

    @Test
    void wideAccessSpillsIntoTheNextPortsOwner() {
        IoBus bus = new IoBus();
        Registers low = new Registers();
        Registers high = new Registers();
        bus.map(0x40, 4, low);
        bus.map(0x44, 1, high);
        bus.out(0x43, 4, 0x44332211);
        assertThat(low.log).containsExactly("out 43=11");
        assertThat(high.log).containsExactly("out 44=22"); // 0x45 and 0x46 belong to nobody
        assertThat(bus.in(0x43, 4)).isEqualTo(0xFFFF2211);
    }

    @Test
    void portsHaveOneOwner() {
        IoBus bus = new IoBus();
        bus.map(0x60, 1, new Registers());
        assertThatThrownBy(() -> bus.map(0x5E, 4, new Registers()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0x60");
        assertThat(bus.deviceAt(0x5E)).isNull(); // the refused mapping left nothing behind
        assertThatThrownBy(() -> bus.map(0xFFFF, 2, new Registers())).isInstanceOf(IllegalArgumentException.class);
    }
}
