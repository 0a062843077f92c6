package dev.vivarium.x86.devices.ata;

import java.io.Closeable;
import java.io.IOException;

/**
 * Sector storage behind an emulated disk. Narrow on purpose, so a copy-on-write overlay, a
 * datastore file with fencing, or an in-memory disk can stand in for the plain image file.
 * Failures are reported as IOException; the drive turns them into ATA error status for the
 * guest, never into a host exception.
 */
public interface DiskBackend extends Closeable {

    int SECTOR_SIZE = 512;

    long sectorCount();

    boolean isReadOnly();

    /** Reads {@code sectors} sectors starting at {@code lba} into {@code buffer} at {@code offset}. */
    void read(long lba, byte[] buffer, int offset, int sectors) throws IOException;

    void write(long lba, byte[] buffer, int offset, int sectors) throws IOException;

    void flush() throws IOException;
}
