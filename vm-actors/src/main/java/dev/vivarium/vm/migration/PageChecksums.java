package dev.vivarium.vm.migration;

import dev.vivarium.x86.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * A CRC32C per guest page, kept as pages travel, so the whole memory's checksum costs nothing at
 * the switch-over: it is a CRC32C over the per-page values (64 KiB of them for 64 MiB), not over
 * the 64 MiB. The source records what it sent, the target what it installed; the two must match.
 */
final class PageChecksums {
    static final int ZERO_PAGE = crc(new byte[MigrationWire.PAGE], 0);

    private final int[] crcs;

    PageChecksums(int pages) {
        crcs = new int[pages];
        Arrays.fill(crcs, ZERO_PAGE); // an empty machine reads zero everywhere
    }

    void page(int pn, byte[] data, int offset) {
        crcs[pn] = crc(data, offset);
    }

    void zero(int pn) {
        crcs[pn] = ZERO_PAGE;
    }

    int combined() {
        ByteBuffer bytes = ByteBuffer.allocate(crcs.length * 4);
        bytes.asIntBuffer().put(crcs);
        CRC32C crc = new CRC32C();
        crc.update(bytes.array());
        return (int) crc.getValue();
    }

    /** The checksum of {@code memory} as it is now, read page by page (the source's own check afterwards). */
    static int of(GuestMemory memory) {
        PageChecksums sums = new PageChecksums(memory.ramPages());
        byte[] page = new byte[MigrationWire.PAGE];
        for (int pn = 0; pn < memory.ramPages(); pn++) {
            if (memory.copyPage(pn, page)) {
                sums.page(pn, page, 0);
            }
        }
        return sums.combined();
    }

    static int crc(byte[] data, int offset) {
        CRC32C crc = new CRC32C();
        crc.update(data, offset, MigrationWire.PAGE);
        return (int) crc.getValue();
    }
}
