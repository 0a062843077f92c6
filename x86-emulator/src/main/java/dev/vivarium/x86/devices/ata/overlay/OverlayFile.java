package dev.vivarium.x86.devices.ata.overlay;

import dev.vivarium.x86.devices.ata.DiskBackend;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;

/**
 * A frozen overlay on storage, read-only. The format (integers big-endian):
 * <pre>
 *   magic    8 bytes  "VIVOVRLY"
 *   version  int      FORMAT_VERSION
 *   sector   int      512
 *   disk     long     sectors of the disk it belongs to
 *   count    long     n, the sectors it holds
 *   index    n longs  their numbers, strictly ascending
 *   data     n * 512  their contents, in index order
 *   crc      int      CRC32C of everything before it
 * </pre>
 * Written in one pass from layers already complete, so the sizes are known up front and the
 * checksum trails. Opening checks magic, version, sector size, disk size, length, the index
 * order and the checksum of the whole file before any sector is served, so a foreign, newer,
 * torn or damaged overlay is refused with a message saying which.
 */
public final class OverlayFile implements OverlayLayer, AutoCloseable {
    public static final int FORMAT_VERSION = 1;
    private static final byte[] MAGIC = {'V', 'I', 'V', 'O', 'V', 'R', 'L', 'Y'};
    private static final int SECTOR = DiskBackend.SECTOR_SIZE;
    private static final int HEADER = 8 + 4 + 4 + 8 + 8;

    private final Path path;
    private final FileChannel channel;
    private final long[] index;
    private final long dataStart;
    /** The last caller's buffer, wrapped once, so a read allocates nothing (the drive reuses one buffer). */
    private byte[] wrappedArray;
    private ByteBuffer wrapped;

    private OverlayFile(Path path, FileChannel channel, long[] index) {
        this.path = path;
        this.channel = channel;
        this.index = index;
        this.dataStart = HEADER + 8L * index.length;
    }

    /** Opens and verifies an overlay of a disk of {@code diskSectors} sectors. */
    public static OverlayFile open(Path path, long diskSectors) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new OverlayFile(path, channel, verify(path, channel, diskSectors));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public Path path() {
        return path;
    }

    @Override
    public boolean read(long lba, byte[] buffer, int offset) throws IOException {
        int i = Arrays.binarySearch(index, lba);
        if (i < 0) {
            return false;
        }
        if (buffer != wrappedArray) {
            wrappedArray = buffer;
            wrapped = ByteBuffer.wrap(buffer);
        }
        wrapped.limit(offset + SECTOR).position(offset);
        long position = dataStart + (long) i * SECTOR;
        while (wrapped.hasRemaining()) {
            if (channel.read(wrapped, position + wrapped.position() - offset) < 0) {
                throw new IOException("disk overlay " + path + " shrank while in use");
            }
        }
        return true;
    }

    @Override
    public long[] sortedSectors() {
        return index.clone();
    }

    @Override
    public long sectorCount() {
        return index.length;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /**
     * Writes {@code layers} (oldest first; a sector's newest copy wins) as one overlay file at
     * {@code target}, which must not exist, and forces it to the device. This is both how a
     * frozen layer is stored and how a chain of overlays is folded into one.
     *
     * @return the file's size in bytes
     */
    public static long write(Path target, long diskSectors, List<? extends OverlayLayer> layers) throws IOException {
        long[] sectors = union(layers);
        byte[] sector = new byte[SECTOR];
        try (FileChannel channel = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            CRC32C crc = new CRC32C();
            OutputStream raw = Channels.newOutputStream(channel);
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc));
            out.write(MAGIC);
            out.writeInt(FORMAT_VERSION);
            out.writeInt(SECTOR);
            out.writeLong(diskSectors);
            out.writeLong(sectors.length);
            for (long lba : sectors) {
                out.writeLong(lba);
            }
            for (long lba : sectors) {
                newest(layers, lba, sector);
                out.write(sector);
            }
            out.flush();
            new DataOutputStream(raw).writeInt((int) crc.getValue());
            channel.force(true);
            return channel.size();
        }
    }

    private static long[] union(List<? extends OverlayLayer> layers) {
        long[][] all = new long[layers.size()][];
        int total = 0;
        for (int i = 0; i < all.length; i++) {
            all[i] = layers.get(i).sortedSectors();
            total += all[i].length;
        }
        long[] merged = new long[total];
        int n = 0;
        for (long[] part : all) {
            System.arraycopy(part, 0, merged, n, part.length);
            n += part.length;
        }
        Arrays.sort(merged);
        int unique = 0;
        for (int i = 0; i < merged.length; i++) {
            if (i == 0 || merged[i] != merged[i - 1]) {
                merged[unique++] = merged[i];
            }
        }
        return Arrays.copyOf(merged, unique);
    }

    private static void newest(List<? extends OverlayLayer> layers, long lba, byte[] into) throws IOException {
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (layers.get(i).read(lba, into, 0)) {
                return;
            }
        }
        throw new IllegalStateException("sector " + lba + " is in no layer");
    }

    private static long[] verify(Path path, FileChannel channel, long diskSectors) throws IOException {
        long size = channel.size();
        if (size < HEADER + 4) {
            throw new OverlayFormatException(path, "truncated to " + size + " bytes");
        }
        ByteBuffer header = readFully(channel, 0, HEADER);
        byte[] magic = new byte[MAGIC.length];
        header.get(magic);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new OverlayFormatException(path, "not a Vivarium disk overlay (bad magic)");
        }
        int version = header.getInt();
        if (version != FORMAT_VERSION) {
            throw new OverlayFormatException(path, "format version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
        int sectorSize = header.getInt();
        long disk = header.getLong();
        long count = header.getLong();
        if (sectorSize != SECTOR) {
            throw new OverlayFormatException(path, "sector size " + sectorSize + ", expected " + SECTOR);
        }
        if (count < 0 || count > (size - HEADER - 4) / (8 + SECTOR) || HEADER + count * (8 + SECTOR) + 4 != size) {
            throw new OverlayFormatException(path, "holds " + count + " sectors but is " + size + " bytes (torn write?)");
        }
        int stored = readFully(channel, size - 4, 4).getInt();
        int computed = checksum(channel, size - 4);
        if (stored != computed) {
            throw new OverlayFormatException(path, String.format("checksum mismatch (stored 0x%08x, computed 0x%08x)", stored, computed));
        }
        if (disk != diskSectors) {
            throw new OverlayFormatException(path, "belongs to a disk of " + disk + " sectors, this one has " + diskSectors);
        }
        ByteBuffer entries = readFully(channel, HEADER, (int) (8 * count));
        long[] index = new long[(int) count];
        for (int i = 0; i < index.length; i++) {
            index[i] = entries.getLong();
            if (index[i] < 0 || index[i] >= disk || (i > 0 && index[i] <= index[i - 1])) {
                throw new OverlayFormatException(path, "index entry " + i + " (sector " + index[i] + ") is out of order or beyond the disk");
            }
        }
        return index;
    }

    private static int checksum(FileChannel channel, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
        for (long position = 0; position < length; ) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), length - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("file shrank while being verified");
            }
            position += n;
            crc.update(buffer.flip());
        }
        return (int) crc.getValue();
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("unexpected end of file at " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }
}
