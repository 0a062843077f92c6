package dev.vivarium.x86.conformance;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TrackingMemoryTest {

    private final TrackingMemory m = new TrackingMemory();

    @Test
    void sixteenMegabytesWithoutWrapAtOneMegabyte() {
        m.writeWord(0xFFFFF, 0xBBAA);
        assertThat(m.readByte(0xFFFFF)).isEqualTo(0xAA);
        assertThat(m.readByte(0x100000)).isEqualTo(0xBB);
        assertThat(m.readByte(0x00000)).isZero();
        m.writeByte(TrackingMemory.SIZE - 1, 0x55);
        assertThat(m.readByte(TrackingMemory.SIZE - 1)).isEqualTo(0x55);
    }

    @Test
    void beyondSixteenMegabytesReadsFloatHighAndWritesVanish() {
        m.writeByte(TrackingMemory.SIZE, 0x12);
        m.writeByte(-16, 0x12); // FFFFFFF0, where a 386 starts after reset
        assertThat(m.readByte(TrackingMemory.SIZE)).isEqualTo(0xFF);
        assertThat(m.readByte(-16)).isEqualTo(0xFF);
        assertThat(m.writeCount()).isZero();
    }

    @Test
    void clearZeroesExactlyWhatWasWritten() {
        m.load(Fixtures.ram(0x1000, 1, 0x2000, 2));
        m.writeByte(0x1000, 3);
        assertThat(m.writeCount()).isEqualTo(3);
        assertThat(m.writtenAddress(2)).isEqualTo(0x1000);
        m.clear();
        assertThat(m.writeCount()).isZero();
        assertThat(m.readByte(0x1000)).isZero();
        assertThat(m.readByte(0x2000)).isZero();
    }

    @Test
    void manyWritesGrowTheLog() {
        for (int i = 0; i < 200_000; i++) {
            m.writeByte(i, i);
        }
        assertThat(m.writeCount()).isEqualTo(200_000);
        m.clear();
        assertThat(m.readByte(199_999)).isZero();
        m.writeByte(5, 5);
        assertThat(m.writeCount()).isEqualTo(1);
    }
}
