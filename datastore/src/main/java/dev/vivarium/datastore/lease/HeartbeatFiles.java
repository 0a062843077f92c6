package dev.vivarium.datastore.lease;

import dev.vivarium.datastore.Names;
import dev.vivarium.datastore.storage.AtomicFiles;
import dev.vivarium.datastore.storage.FileKind;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.datastore.storage.SealedHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/** The heartbeat region: one file per host under {@code hosts/}. */
public final class HeartbeatFiles {
    private final Path directory;
    private final AtomicFiles files;

    public HeartbeatFiles(Path directory, AtomicFiles files) {
        this.directory = directory;
        this.files = files;
    }

    public Optional<HeartbeatRecord> read(String host) throws IOException {
        try {
            return Optional.of(HeartbeatRecord.decode(SealedFile.read(file(host), FileKind.HEARTBEAT).payload()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    void write(HeartbeatRecord record) throws IOException {
        Files.createDirectories(directory);
        files.write(file(record.host()), SealedHeader.of(FileKind.HEARTBEAT, 0), record.encode());
    }

    private Path file(String host) {
        return directory.resolve(Names.require("host", host) + ".heartbeat");
    }
}
