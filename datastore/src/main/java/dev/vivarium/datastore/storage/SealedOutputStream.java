package dev.vivarium.datastore.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/** Buffers writes into a {@link WritableFile}, keeping the running checksum and the payload length. */
final class SealedOutputStream extends OutputStream {
    private static final int BUFFER = 64 * 1024;

    private final WritableFile file;
    private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
    private final CRC32C crc = new CRC32C();
    private long written;

    SealedOutputStream(WritableFile file) {
        this.file = file;
    }

    @Override
    public void write(int b) throws IOException {
        if (!buffer.hasRemaining()) {
            drain();
        }
        buffer.put((byte) b);
        crc.update(b);
        written++;
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
        crc.update(bytes, offset, length);
        written += length;
        while (length > 0) {
            if (!buffer.hasRemaining()) {
                drain();
            }
            int chunk = Math.min(length, buffer.remaining());
            buffer.put(bytes, offset, chunk);
            offset += chunk;
            length -= chunk;
        }
    }

    /** Bytes written so far, header included. */
    long written() {
        return written;
    }

    int checksum() {
        return (int) crc.getValue();
    }

    void drain() throws IOException {
        buffer.flip();
        file.write(buffer);
        buffer.clear();
    }

    /** Closing is the writer's business (it must sync first); the payload writer may not close us. */
    @Override
    public void close() {
    }
}
