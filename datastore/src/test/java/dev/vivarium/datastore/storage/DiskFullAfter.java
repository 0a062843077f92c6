package dev.vivarium.datastore.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** A device that fills up after a byte budget: the kernel's ENOSPC, injected at the write seam. */
public final class DiskFullAfter implements FileCreator {
    private long remaining;

    public DiskFullAfter(long bytes) {
        this.remaining = bytes;
    }

    @Override
    public WritableFile createNew(Path path) throws IOException {
        WritableFile real = FileCreator.LOCAL.createNew(path);
        return new WritableFile() {
            @Override
            public void write(ByteBuffer bytes) throws IOException {
                if (bytes.remaining() > remaining) {
                    bytes.limit(bytes.position() + (int) remaining);
                    real.write(bytes);
                    remaining = 0;
                    throw new IOException("No space left on device");
                }
                remaining -= bytes.remaining();
                real.write(bytes);
            }

            @Override
            public void sync() throws IOException {
                real.sync();
            }

            @Override
            public void close() throws IOException {
                real.close();
            }
        };
    }
}
