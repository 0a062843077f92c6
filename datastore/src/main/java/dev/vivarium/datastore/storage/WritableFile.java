package dev.vivarium.datastore.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/** A freshly created file being written: the only calls that can fail with a full or broken device. */
public interface WritableFile extends Closeable {
    void write(ByteBuffer bytes) throws IOException;

    /** Flushes data and metadata to the device (fsync). */
    void sync() throws IOException;
}
