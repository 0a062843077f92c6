package dev.vivarium.datastore.storage;

import java.io.IOException;
import java.nio.file.Path;

/** A datastore file that is torn, truncated, of a foreign format or fails its checksum. Never loaded. */
public final class CorruptFileException extends IOException {
    private final Path file;

    public CorruptFileException(Path file, String reason) {
        super("corrupt datastore file " + file + ": " + reason);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
