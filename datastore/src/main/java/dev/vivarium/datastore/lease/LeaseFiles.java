package dev.vivarium.datastore.lease;

import dev.vivarium.datastore.storage.AtomicFiles;
import dev.vivarium.datastore.storage.CorruptFileException;
import dev.vivarium.datastore.storage.FileKind;
import dev.vivarium.datastore.storage.SealedFile;
import dev.vivarium.datastore.storage.SealedHeader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A VM's lease directory: one immutable file per epoch, {@code <epoch>.lease}. The current lease
 * is the highest epoch; a new epoch is created with {@link AtomicFiles#createExclusive}, so of
 * several hosts taking epoch n+1 exactly one succeeds.
 */
public final class LeaseFiles {
    private static final String SUFFIX = ".lease";

    private final Path directory;
    private final AtomicFiles files;

    public LeaseFiles(Path directory, AtomicFiles files) {
        this.directory = directory;
        this.files = files;
    }

    public Optional<LeaseRecord> current() throws IOException {
        List<Long> epochs = epochs();
        return epochs.isEmpty() ? Optional.empty() : Optional.of(read(epochs.get(epochs.size() - 1)));
    }

    /** The records of all epochs above {@code epoch}, oldest first. */
    public List<LeaseRecord> after(long epoch) throws IOException {
        List<LeaseRecord> records = new ArrayList<>();
        for (long e : epochs()) {
            if (e > epoch) {
                records.add(read(e));
            }
        }
        return records;
    }

    /** @return false if that epoch already exists (another host got there first) */
    boolean create(LeaseRecord record) throws IOException {
        Files.createDirectories(directory);
        return files.createExclusive(file(record.epoch()), SealedHeader.of(FileKind.LEASE, record.epoch()), record.encode());
    }

    /** {@link #create} in two steps: written and synced now, published by one link(2) later. */
    AtomicFiles.PreparedFile prepare(LeaseRecord record) throws IOException {
        Files.createDirectories(directory);
        return files.prepareExclusive(file(record.epoch()), SealedHeader.of(FileKind.LEASE, record.epoch()), record.encode());
    }

    private LeaseRecord read(long epoch) throws IOException {
        Path file = file(epoch);
        SealedFile.Content content = SealedFile.read(file, FileKind.LEASE);
        if (content.header().epoch() != epoch) {
            throw new CorruptFileException(file, "header says epoch " + content.header().epoch());
        }
        return LeaseRecord.decode(epoch, content.payload());
    }

    private List<Long> epochs() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.endsWith(SUFFIX) && !name.startsWith("."))
                    .map(name -> parse(name.substring(0, name.length() - SUFFIX.length())))
                    .filter(e -> e > 0)
                    .sorted()
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static long parse(String digits) {
        try {
            return Long.parseLong(digits);
        } catch (NumberFormatException e) {
            return -1; // not one of ours
        }
    }

    private Path file(long epoch) {
        return directory.resolve(String.format("%019d%s", epoch, SUFFIX));
    }
}
