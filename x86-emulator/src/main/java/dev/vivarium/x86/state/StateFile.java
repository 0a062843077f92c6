package dev.vivarium.x86.state;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The state file format:
 * <pre>
 *   magic   8 bytes  "VIVSTATE"
 *   version int      FORMAT_VERSION
 *   payload          StateWriter output: tagged sections of big-endian fields
 *   length  long     payload length in bytes
 *   crc     int      CRC32C over everything before it
 * </pre>
 * Length and checksum trail the payload so a capture can be streamed straight to disk. Opening
 * checks magic, version, length and checksum before handing out a reader, so a foreign, newer,
 * truncated or damaged file is refused, with a message saying which, before any state changes.
 */
public final class StateFile {

    public static final int FORMAT_VERSION = 1;
    static final byte[] MAGIC = {'V', 'I', 'V', 'S', 'T', 'A', 'T', 'E'};
    private static final int HEADER = MAGIC.length + 4;
    private static final int TRAILER = 8 + 4;

    private StateFile() {
    }

    /** A writer streaming to {@code out}; call {@link StateWriter#finish()} at the end. */
    public static StateWriter create(OutputStream out) {
        return new StateWriter(out);
    }

    /** Finishes an in-memory writer and returns the complete file. */
    public static byte[] seal(StateWriter writer) {
        return writer.toByteArray();
    }

    public static StateReader open(byte[] file) {
        checkHeader(new ByteArrayInputStream(file), file.length);
        CRC32C crc = new CRC32C();
        crc.update(file, 0, file.length - 4);
        ByteBuffer trailer = ByteBuffer.wrap(file, file.length - TRAILER, TRAILER);
        long payload = checkTrailer(trailer.getLong(), trailer.getInt(), crc, file.length);
        return new StateReader(new ByteArrayInputStream(file, HEADER, (int) payload), payload);
    }

    /**
     * Verifies the whole file (one streaming pass for the checksum), then returns a reader over
     * its payload; close the reader when done.
     */
    public static StateReader open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new StateFormatException("no state file at " + file);
        }
        long payload;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            InputStream in = new BufferedInputStream(Channels.newInputStream(channel), 1 << 16);
            checkHeader(in, size);
            CRC32C crc = new CRC32C();
            crc.update(MAGIC);
            crc.update(ByteBuffer.allocate(4).putInt(FORMAT_VERSION).array());
            byte[] chunk = new byte[1 << 16];
            for (long toHash = size - HEADER - 4; toHash > 0; ) {
                int n = in.read(chunk, 0, (int) Math.min(chunk.length, toHash));
                if (n < 0) {
                    throw new StateFormatException("state file " + file + " shrank while being read");
                }
                crc.update(chunk, 0, n);
                toHash -= n;
            }
            ByteBuffer trailer = ByteBuffer.allocate(TRAILER);
            while (trailer.hasRemaining()) {
                if (channel.read(trailer, size - TRAILER + trailer.position()) < 0) {
                    throw new StateFormatException("state file " + file + " shrank while being read");
                }
            }
            trailer.flip();
            payload = checkTrailer(trailer.getLong(), trailer.getInt(), crc, size);
        }
        InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        in.skipNBytes(HEADER);
        return new StateReader(in, payload);
    }

    private static void checkHeader(InputStream in, long size) {
        byte[] magic = new byte[MAGIC.length];
        int version;
        try {
            if (size < MAGIC.length || in.readNBytes(magic, 0, MAGIC.length) != MAGIC.length) {
                throw new StateFormatException("not a Vivarium state file: only " + size + " bytes");
            }
            if (!Arrays.equals(magic, MAGIC)) {
                throw new StateFormatException("not a Vivarium state file (bad magic)");
            }
            if (size < HEADER + TRAILER) {
                throw new StateFormatException("state file is truncated: " + size + " bytes");
            }
            version = new DataInputStream(in).readInt();
        } catch (IOException e) {
            throw new StateFormatException("cannot read state file header: " + e.getMessage(), e);
        }
        if (version != FORMAT_VERSION) {
            throw new StateFormatException("state format version " + version + " is not supported (this build reads "
                    + FORMAT_VERSION + ")");
        }
    }

    private static long checkTrailer(long length, int storedCrc, CRC32C computed, long size) {
        if (storedCrc != (int) computed.getValue()) {
            throw new StateFormatException("state file is damaged or truncated: CRC32C mismatch");
        }
        if (length != size - HEADER - TRAILER) {
            throw new StateFormatException("state file length mismatch: trailer says " + length
                    + " payload bytes, file holds " + (size - HEADER - TRAILER));
        }
        return length;
    }
}
