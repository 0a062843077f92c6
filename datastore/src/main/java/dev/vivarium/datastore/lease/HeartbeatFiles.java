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
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The heartbeat region: one file per host under {@code hosts/}. */
public final class HeartbeatFiles {
    private static final String SUFFIX = ".heartbeat";
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

    /** Every host that has a heartbeat slot: every host that ever joined the datastore. */
    public List<String> hosts() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX) && !name.startsWith("."))
                    .map(name -> name.substring(0, name.length() - SUFFIX.length()))
                    .filter(Names::isValid)
                    .sorted()
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    void write(HeartbeatRecord record) throws IOException {
        Files.createDirectories(directory);
        files.write(file(record.host()), SealedHeader.of(FileKind.HEARTBEAT, 0), record.encode());
    }

    private Path file(String host) {
        return directory.resolve(Names.require("host", host) + SUFFIX);
    }
}
