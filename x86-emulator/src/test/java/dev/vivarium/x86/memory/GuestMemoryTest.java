package dev.vivarium.x86.memory;

import dev.vivarium.x86.memory.GuestMemory.DirtyLog;
import dev.vivarium.x86.state.StateFile;
import dev.vivarium.x86.state.StateFormatException;
import dev.vivarium.x86.state.StateReader;
import dev.vivarium.x86.state.StateWriter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GuestMemoryTest {

    private static final int MIB = 1 << 20;

    @Test
    void untouchedPagesAllocateNothingAndReadZero() {
        GuestMemory m = new GuestMemory(64L * MIB);
        assertThat(m.readDword(0x123456)).isZero();
        assertThat(m.readByte(64 * MIB - 1)).isZero();
        m.writeDword(0x5000, 0); // zero into an untouched page changes nothing
        assertThat(m.allocatedPages()).isZero();
        assertThat(m.peekDirty(DirtyLog.MIGRATION).isEmpty()).isTrue();

        m.writeByte(0x5001, 0x42);
        m.writeDword(0x5FFC, 0x11223344);
        assertThat(m.allocatedPages()).isEqualTo(1);
        assertThat(m.readByte(0x5001)).isEqualTo(0x42);
        assertThat(m.readDword(0x5FFC)).isEqualTo(0x11223344);
        assertThat(m.readWord(0x5FFE)).isEqualTo(0x1122);
    }

    @Test
    void littleEndianAcrossPageBoundary() {
        GuestMemory m = new GuestMemory(MIB);
        m.writeDword(0x1FFE, 0xAABBCCDD);
        assertThat(m.readByte(0x1FFE)).isEqualTo(0xDD);
        assertThat(m.readByte(0x1FFF)).isEqualTo(0xCC);
        assertThat(m.readByte(0x2000)).isEqualTo(0xBB);
        assertThat(m.readByte(0x2001)).isEqualTo(0xAA);
        assertThat(m.readDword(0x1FFE)).isEqualTo(0xAABBCCDD);
        assertThat(m.allocatedPages()).isEqualTo(2);
        assertThat(m.peekDirty(DirtyLog.MIGRATION).count()).isEqualTo(2);
    }

    @Test
    void dirtyLogReadAndClearIsPerConsumer() {
        GuestMemory m = new GuestMemory(MIB);
        m.writeByte(0x3000, 1);
        m.writeByte(0x3001, 2);
        m.writeByte(0x9000, 3);
        DirtyPages first = m.takeDirty(DirtyLog.MIGRATION);
        List<Integer> pages = new ArrayList<>();
        first.forEach(pages::add);
        assertThat(pages).containsExactly(3, 9);
        assertThat(m.takeDirty(DirtyLog.MIGRATION).isEmpty()).isTrue();
        // the capture log still holds them: one consumer's clear hides nothing from another
        assertThat(m.peekDirty(DirtyLog.CAPTURE).count()).isEqualTo(2);

        m.writeByte(0x9002, 4); // page 9 is dirty in CAPTURE already, not in MIGRATION
        assertThat(m.takeDirty(DirtyLog.MIGRATION).contains(9)).isTrue();
        m.writeByte(0x9003, 5); // ... and again after the clear
        assertThat(m.takeDirty(DirtyLog.MIGRATION).contains(9)).isTrue();
    }

    @Test
    void dirtyRateCountsPagesPerWindow() {
        GuestMemory m = new GuestMemory(MIB);
        DirtyRateMeter meter = new DirtyRateMeter(m, 0);
        for (int i = 0; i < 10; i++) {
            m.writeDword(i * GuestMemory.PAGE_SIZE, i + 1);
            m.writeDword(i * GuestMemory.PAGE_SIZE + 4, i + 1); // same page twice counts once
        }
        assertThat(meter.sample(500_000_000L)).isEqualTo(20.0); // 10 pages in half a second
        m.writeByte(0, 9);
        assertThat(meter.sample(1_500_000_000L)).isEqualTo(1.0);
        assertThat(meter.sample(1_500_000_000L)).isEqualTo(1.0); // empty window keeps the last figure
    }

    @Test
    void a20GateMasksBit20() {
        GuestMemory m = new GuestMemory(4L * MIB);
        m.writeByte(0x100005, 0x77);
        assertThat(m.readByte(0x000005)).isZero();
        m.setA20Enabled(false);
        assertThat(m.readByte(0x100005)).isZero(); // wraps to 0x5
        m.writeByte(0x100010, 0x55);
        assertThat(m.readByte(0x10)).isEqualTo(0x55);
        // FFFF:0010 style wrap: a dword straddling 1 MiB wraps byte by byte
        m.writeDword(0xFFFFE, 0x04030201);
        assertThat(m.readByte(0x0)).isEqualTo(3);
        assertThat(m.readByte(0x1)).isEqualTo(4);
        m.setA20Enabled(true);
        assertThat(m.readByte(0x100005)).isEqualTo(0x77);
        assertThat(m.readByte(0x100000)).isZero();
    }

    @Test
    void romIgnoresWritesAndHidesRam() {
        GuestMemory m = new GuestMemory(2L * MIB);
        m.writeByte(0xF0000, 0x99);
        byte[] bios = new byte[0x10000];
        bios[0xFFF0] = (byte) 0xEA;
        bios[0xFFF1] = 0x5B;
        m.mapRom(0xF0000, bios);
        m.mapRom(0xFFFF0000L, bios);
        assertThat(m.readByte(0xFFFF0)).isEqualTo(0xEA);
        assertThat(m.readWord(0xFFFF0)).isEqualTo(0x5BEA);
        assertThat(m.readByte(0xF0000)).isZero(); // ROM, not the RAM byte beneath
        m.writeByte(0xFFFF0, 0);
        m.writeDword(0xFFFFFFF0, 0);
        assertThat(m.readByte(0xFFFF0)).isEqualTo(0xEA);
        assertThat(m.readByte(0xFFFFFFF0)).isEqualTo(0xEA);
    }

    @Test
    void outsideRamReadsOnesAndDropsWrites() {
        GuestMemory m = new GuestMemory(MIB);
        m.writeDword(MIB, 0x12345678);
        assertThat(m.readDword(MIB)).isEqualTo(-1);
        assertThat(m.readWord(0x80000000)).isEqualTo(0xFFFF);
        assertThat(m.readByte(-1)).isEqualTo(0xFF);
        assertThat(m.readDword(MIB - 2)).isEqualTo(0xFFFF0000); // two RAM zeros, two floating bytes
        assertThat(m.allocatedPages()).isZero();
    }

    @Test
    void mmioReceivesRelativeAccesses() {
        GuestMemory m = new GuestMemory(MIB);
        List<String> log = new ArrayList<>();
        m.mapMmio(0xFEC00000L, 0x1000, new MmioDevice() {
            @Override
            public int read(int offset, int size) {
                log.add("r" + offset + "/" + size);
                return 0xCAFE;
            }

            @Override
            public void write(int offset, int size, int value) {
                log.add("w" + offset + "/" + size + "=" + Integer.toHexString(value));
            }
        });
        m.writeDword(0xFEC00010, 0xBEEF);
        assertThat(m.readWord(0xFEC00020)).isEqualTo(0xCAFE);
        assertThat(log).containsExactly("w16/4=beef", "r32/2");
        assertThatThrownBy(() -> m.mapMmio(0xFEC00800L, 0x1000, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("page aligned");
        assertThatThrownBy(() -> m.mapRom(0xFEC00000L, new byte[16]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overlaps");
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> new GuestMemory(1000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new GuestMemory(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fullThenIncrementalCaptureRestoresExactly() {
        GuestMemory m = new GuestMemory(4L * MIB);
        m.writeDword(0x1000, 0xDEADBEEF);
        m.writeDword(0x200000, 0x01020304);
        m.setA20Enabled(false);
        StateWriter full = new StateWriter();
        m.save(full);
        byte[] fullFile = StateFile.seal(full);

        m.writeDword(0x1004, 0x55AA55AA);
        m.writeByte(0x3FFFFF, 0x7F);
        StateWriter delta = new StateWriter();
        m.saveIncremental(delta);
        assertThat(m.peekDirty(DirtyLog.CAPTURE).isEmpty()).isTrue();
        byte[] deltaFile = StateFile.seal(delta);
        assertThat(deltaFile.length).isLessThan(fullFile.length + 4096); // two pages, not all of RAM

        GuestMemory copy = new GuestMemory(4L * MIB);
        copy.restore(StateFile.open(fullFile));
        assertThat(copy.readDword(0x1004)).isZero();
        copy.restore(StateFile.open(deltaFile));
        for (int a : new int[] {0x1000, 0x1004, 0x200000, 0x3FFFFC}) {
            assertThat(copy.readDword(a)).as("0x%x", a).isEqualTo(m.readDword(a));
        }
        assertThat(copy.isA20Enabled()).isFalse();
        assertThat(copy.allocatedPages()).isEqualTo(m.allocatedPages());
    }

    @Test
    void preCopyMigrationByDirtyPagesConverges() {
        GuestMemory source = new GuestMemory(MIB);
        GuestMemory target = new GuestMemory(MIB);
        for (int a = 0; a < 64 * 1024; a += 4) {
            source.writeDword(a, a * 3 + 1);
        }
        byte[] page = new byte[GuestMemory.PAGE_SIZE];
        source.takeDirty(DirtyLog.MIGRATION);
        for (int pn = 0; pn < source.ramPages(); pn++) { // round 0: everything
            target.installPage(pn, source.copyPage(pn, page) ? page : null);
        }
        source.writeDword(0x2000, 0xFEEDFACE); // the guest keeps running
        source.writeDword(0x30000, 0x12345678);
        DirtyPages round1 = source.takeDirty(DirtyLog.MIGRATION);
        assertThat(round1.count()).isEqualTo(2);
        round1.forEach(pn -> target.installPage(pn, source.copyPage(pn, page) ? page : null));
        for (int a = 0; a < MIB; a += 4) {
            assertThat(target.readDword(a)).isEqualTo(source.readDword(a));
        }
        assertThat(target.allocatedPages()).isEqualTo(source.allocatedPages());
        assertThat(target.peekDirty(DirtyLog.MIGRATION).isEmpty()).isTrue();
        target.installPage(0, null);
        assertThat(target.readDword(0)).isZero();
        assertThat(target.allocatedPages()).isEqualTo(source.allocatedPages() - 1);
    }

    @Test
    void restoreRefusesOtherSizeWithoutChangingAnything() {
        GuestMemory m = new GuestMemory(2L * MIB);
        m.writeByte(0, 1);
        StateWriter w = new StateWriter();
        m.save(w);
        GuestMemory other = new GuestMemory(4L * MIB);
        other.writeByte(0, 9);
        StateReader in = StateFile.open(StateFile.seal(w));
        assertThatThrownBy(() -> other.restore(in))
                .isInstanceOf(StateFormatException.class).hasMessageContaining("RAM size");
        assertThat(other.readByte(0)).isEqualTo(9);
    }

    /**
     * What a CPU that decoded code from a page hears: each write while it keeps the watch (here
     * while {@code keep} holds the page number), else the first write after each watch, once.
     */
    private static final class RecordingWatcher implements dev.vivarium.x86.bus.CodeWatcher {
        final List<Integer> written = new ArrayList<>();
        final List<String> ranges = new ArrayList<>();
        int keep = -1;
        int changes;

        @Override
        public boolean codeWritten(int pageNumber, int offset, int length) {
            written.add(pageNumber);
            ranges.add(Integer.toHexString(pageNumber << 12 | offset) + "+" + length);
            return pageNumber == keep;
        }

        @Override
        public void memoryChanged() {
            changes++;
        }
    }

    @Test
    void aWatchedPageReportsItsNextWriteOnceWithoutDisturbingTheDirtyLogs() {
        GuestMemory m = new GuestMemory(MIB);
        RecordingWatcher w = new RecordingWatcher();
        m.setCodeWatcher(w);
        m.writeByte(0x3000, 0x90);
        m.writeByte(0x7000, 0x90);
        m.takeDirty(DirtyLog.CAPTURE);
        m.takeDirty(DirtyLog.RATE);
        m.writeByte(0x3001, 1); // dirty in every log now: the write path's single test
        assertThat(m.watchCode(0x3ABC)).isEqualTo(3);
        assertThat(m.watchCode(0x7000)).isEqualTo(7);

        m.writeByte(0x3FFF, 1);
        m.writeDword(0x3010, 2);
        assertThat(w.written).containsExactly(3); // reported once: the watch ends with its report
        m.writeWord(0x6FFF, 0xABCD); // a write that crosses into the watched page 7
        assertThat(w.written).containsExactly(3, 7);
        assertThat(m.peekDirty(DirtyLog.MIGRATION).contains(3)).isTrue();
        assertThat(m.peekDirty(DirtyLog.CAPTURE).count()).isEqualTo(3); // pages 3, 6, 7

        assertThat(m.watchCode(0x3000)).isEqualTo(3);
        m.installPage(3, new byte[GuestMemory.PAGE_SIZE]); // a migration's page replaces the code too
        assertThat(w.written).containsExactly(3, 7, 3);
        assertThat(w.ranges).containsExactly("3fff+1", "7000+1", "3000+4096");
    }

    /**
     * A watcher that keeps its page (data written beside code on it) hears every write with its
     * bytes, whatever the dirty logs say; the page is still logged dirty in every log; once the
     * watcher lets go, writes take the single test again and are not reported.
     */
    @Test
    void aPageTheWatcherKeepsReportsEveryWriteWithItsBytes() {
        GuestMemory m = new GuestMemory(MIB);
        RecordingWatcher w = new RecordingWatcher();
        m.setCodeWatcher(w);
        m.writeByte(0x5000, 0x90);
        assertThat(m.watchCode(0x5000)).isEqualTo(5);
        w.keep = 5;
        m.writeDword(0x5800, 1);
        m.writeWord(0x5802, 2);
        m.takeDirty(DirtyLog.MIGRATION); // clears "dirty in every log" for all pages: still reported
        m.writeByte(0x5FFF, 3);
        assertThat(w.ranges).containsExactly("5800+4", "5802+2", "5fff+1");
        assertThat(m.peekDirty(DirtyLog.MIGRATION).contains(5)).isTrue();
        assertThat(m.peekDirty(DirtyLog.RATE).contains(5)).isTrue();

        w.keep = -1;
        m.writeByte(0x5010, 4); // reported, and the watcher lets go
        m.writeByte(0x5020, 5);
        m.writeByte(0x5030, 6);
        assertThat(w.ranges).containsExactly("5800+4", "5802+2", "5fff+1", "5010+1");
        assertThat(m.readByte(0x5800)).isEqualTo(1);
        assertThat(m.readByte(0x5030)).isEqualTo(6);
    }

    @Test
    void onlyAllocatedPlainRamCanBeWatched() {
        GuestMemory m = new GuestMemory(MIB);
        RecordingWatcher w = new RecordingWatcher();
        m.setCodeWatcher(w);
        m.mapRom(0xF0000, new byte[]{(byte) 0xEA});
        assertThat(m.watchCode(0x5000)).as("never written: reads as zero, no storage").isEqualTo(-1);
        assertThat(m.watchCode(0xF0000)).as("ROM").isEqualTo(-1);
        assertThat(m.watchCode(2 * MIB)).as("beyond RAM").isEqualTo(-1);
    }

    @Test
    void restoreAndTheA20GateDropEveryWatch() {
        GuestMemory m = new GuestMemory(2L * MIB);
        RecordingWatcher w = new RecordingWatcher();
        m.setCodeWatcher(w);
        m.writeByte(0x100000, 0x90);
        assertThat(m.watchCode(0x100000)).isEqualTo(0x100);
        m.setA20Enabled(true); // no change: nothing to report
        assertThat(w.changes).isZero();
        m.setA20Enabled(false); // 0x100000 now aliases 0: what was decoded there is gone
        assertThat(w.changes).isEqualTo(1);
        m.setA20Enabled(true);
        m.writeByte(0x100000, 0x91);
        assertThat(w.written).as("the watch went with the change").isEmpty();

        StateWriter out = new StateWriter();
        m.save(out);
        byte[] sealed = StateFile.seal(out);
        int before = w.changes;
        m.restore(StateFile.open(sealed));
        assertThat(w.changes).isGreaterThan(before);
    }
}
