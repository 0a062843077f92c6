package dev.vivarium.datastore.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * An opened, verified sealed file. Opening checks the magic, version, kind, lengths and the
 * CRC32C of the whole file before any payload byte is handed out, so a torn or corrupt file
 * is reported and never loaded. Files are replaced by rename, never rewritten in place, so
 * the open channel keeps reading the very bytes that were verified.
 */
public final class SealedFile implements Closeable {
    private static final int CHUNK = 64 * 1024;

    private final FileChannel channel;
    private final SealedHeader header;
    private final long payloadStart;
    private final long payloadLength;

    private SealedFile(FileChannel channel, SealedHeader header, long payloadStart, long payloadLength) {
        this.channel = channel;
        this.header = header;
        this.payloadStart = payloadStart;
        this.payloadLength = payloadLength;
    }

    /** Opens and verifies {@code path}, which must hold a file of the {@code expected} kind. */
    public static SealedFile open(Path path, FileKind expected) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return verify(path, channel, expected);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Reads a whole small file (configuration, lease, heartbeat) after verifying it. */
    public static Content read(Path path, FileKind expected) throws IOException {
        try (SealedFile file = open(path, expected)) {
            return new Content(file.header(), file.readPayload());
        }
    }

    /** A small file's header and payload together. */
    public record Content(SealedHeader header, byte[] payload) {
    }

    public SealedHeader header() {
        return header;
    }

    public long payloadLength() {
        return payloadLength;
    }

    /** The payload as a stream; it stays valid until this file is closed. */
    public InputStream payload() {
        return new ChannelRangeInputStream(channel, payloadStart, payloadLength);
    }

    public byte[] readPayload() throws IOException {
        if (payloadLength > Integer.MAX_VALUE - 16) {
            throw new IOException("payload of " + payloadLength + " bytes is too large for an array; stream it");
        }
        try (InputStream in = payload()) {
            return in.readAllBytes();
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private static SealedFile verify(Path path, FileChannel channel, FileKind expected) throws IOException {
        long size = channel.size();
        if (size < SealedFormat.FIXED_HEADER + SealedFormat.TRAILER) {
            throw new CorruptFileException(path, "truncated to " + size + " bytes (torn write?)");
        }
        ByteBuffer fixed = readFully(channel, 0, SealedFormat.FIXED_HEADER);
        int magic = fixed.getInt();
        if (magic != SealedFormat.MAGIC) {
            throw new CorruptFileException(path, String.format("not a datastore file (magic 0x%08x)", magic));
        }
        int version = Short.toUnsignedInt(fixed.getShort());
        if (version != SealedFormat.VERSION) {
            throw new CorruptFileException(path, "format version " + version
                    + " is not supported (this build reads version " + SealedFormat.VERSION + ")");
        }
        int kindCode = Short.toUnsignedInt(fixed.getShort());
        FileKind kind = FileKind.ofCode(kindCode);
        long epoch = fixed.getLong();
        long metaLength = Integer.toUnsignedLong(fixed.getInt());
        long payloadStart = SealedFormat.FIXED_HEADER + metaLength;
        if (metaLength > SealedHeader.MAX_META || payloadStart + SealedFormat.TRAILER > size) {
            throw new CorruptFileException(path, "metadata length " + metaLength + " does not fit a file of " + size + " bytes");
        }
        ByteBuffer trailer = readFully(channel, size - SealedFormat.TRAILER, SealedFormat.TRAILER);
        long payloadLength = trailer.getLong();
        int storedChecksum = trailer.getInt();
        int endMagic = trailer.getInt();
        if (endMagic != SealedFormat.END_MAGIC) {
            throw new CorruptFileException(path, "end marker missing (torn or incomplete write)");
        }
        if (payloadLength < 0 || payloadStart + payloadLength + SealedFormat.TRAILER != size) {
            throw new CorruptFileException(path, "payload length " + payloadLength + " disagrees with file size " + size);
        }
        int computed = checksum(channel, size - 8);
        if (computed != storedChecksum) {
            throw new CorruptFileException(path, String.format(
                    "checksum mismatch (stored 0x%08x, computed 0x%08x)", storedChecksum, computed));
        }
        if (kind == null || epoch < 0) {
            throw new CorruptFileException(path, "unknown file kind " + kindCode + " or negative epoch " + epoch);
        }
        if (kind != expected) {
            throw new CorruptFileException(path, "holds a " + kind + ", expected a " + expected);
        }
        byte[] meta = readFully(channel, SealedFormat.FIXED_HEADER, (int) metaLength).array();
        return new SealedFile(channel, new SealedHeader(kind, epoch, meta), payloadStart, payloadLength);
    }

    private static int checksum(FileChannel channel, long length) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
        long position = 0;
        while (position < length) {
            buffer.clear().limit((int) Math.min(CHUNK, length - position));
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("file shrank while being verified");
            }
            position += n;
            buffer.flip();
            crc.update(buffer);
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
