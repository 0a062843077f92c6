package dev.vivarium.datastore.storage;

import java.io.IOException;
import java.io.OutputStream;

/** Streams a file's payload; the stream must not be closed by the writer. */
@FunctionalInterface
public interface PayloadWriter {
    void writeTo(OutputStream out) throws IOException;

    static PayloadWriter of(byte[] bytes) {
        return out -> out.write(bytes);
    }
}
