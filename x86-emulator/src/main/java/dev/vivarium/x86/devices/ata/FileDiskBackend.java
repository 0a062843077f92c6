package dev.vivarium.x86.devices.ata;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A raw disk image file: sector n at byte n * 512. Used by one thread at a time (the machine's). */
public final class FileDiskBackend implements DiskBackend {

    private final FileChannel channel;
    private final long sectors;
    private final boolean readOnly;
    /** The caller's buffer wrapped once: the drive passes the same one every time, so a transfer allocates nothing. */
    private byte[] wrappedArray;
    private ByteBuffer wrapped;

    private FileDiskBackend(FileChannel channel, long sectors, boolean readOnly) {
        this.channel = channel;
        this.sectors = sectors;
        this.readOnly = readOnly;
    }

    /** Opens an existing image; refused when its size is not a whole number of sectors. */
    public static FileDiskBackend open(Path image, boolean readOnly) throws IOException {
        FileChannel channel = readOnly
                ? FileChannel.open(image, StandardOpenOption.READ)
                : FileChannel.open(image, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long size = channel.size();
        if (size % SECTOR_SIZE != 0 || size == 0) {
            channel.close();
            throw new IOException("disk image " + image + " is " + size + " bytes, not a non-zero multiple of "
                    + SECTOR_SIZE);
        }
        return new FileDiskBackend(channel, size / SECTOR_SIZE, readOnly);
    }

    @Override
    public long sectorCount() {
        return sectors;
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public void read(long lba, byte[] buffer, int offset, int count) throws IOException {
        ByteBuffer target = wrap(buffer, offset, count);
        long position = lba * SECTOR_SIZE;
        while (target.hasRemaining()) {
            int n = channel.read(target, position);
            if (n < 0) {
                throw new IOException("unexpected end of disk image at sector " + position / SECTOR_SIZE);
            }
            position += n;
        }
    }

    @Override
    public void write(long lba, byte[] buffer, int offset, int count) throws IOException {
        if (readOnly) {
            throw new IOException("disk is read-only");
        }
        ByteBuffer source = wrap(buffer, offset, count);
        long position = lba * SECTOR_SIZE;
        while (source.hasRemaining()) {
            position += channel.write(source, position);
        }
    }

    private ByteBuffer wrap(byte[] buffer, int offset, int count) {
        if (buffer != wrappedArray) {
            wrappedArray = buffer;
            wrapped = ByteBuffer.wrap(buffer);
        }
        wrapped.limit(offset + count * SECTOR_SIZE).position(offset);
        return wrapped;
    }

    @Override
    public void flush() throws IOException {
        channel.force(false);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
