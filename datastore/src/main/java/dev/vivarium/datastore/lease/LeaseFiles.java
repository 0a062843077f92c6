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

    /**
     * The record in a hand-over file another host prepared under {@code temporaryName} (see
     * {@link #prepare}), checked to be of {@code epoch}: what {@link #publishPrepared} would make current.
     */
    LeaseRecord readPrepared(String temporaryName, long epoch) throws IOException {
        Path file = prepared(temporaryName, epoch);
        SealedFile.Content content = SealedFile.read(file, FileKind.LEASE);
        if (content.header().epoch() != epoch) {
            throw new CorruptFileException(file, "header says epoch " + content.header().epoch() + ", not " + epoch);
        }
        return LeaseRecord.decode(epoch, content.payload());
    }

    /** Makes a prepared hand-over file the lease of {@code epoch} (one link(2)); false if that epoch exists. */
    boolean publishPrepared(String temporaryName, long epoch) throws IOException {
        return AtomicFiles.publishAs(prepared(temporaryName, epoch), file(epoch));
    }

    /** Makes the lease directory's names durable. */
    void sync() throws IOException {
        AtomicFiles.syncDirectory(directory);
    }

    private Path prepared(String temporaryName, long epoch) throws IOException {
        String expected = "." + file(epoch).getFileName() + ".tmp-";
        if (!temporaryName.startsWith(expected) || temporaryName.contains("/") || temporaryName.length() > expected.length() + 64) {
            throw new IOException("'" + temporaryName + "' is no prepared lease file of epoch " + epoch);
        }
        return directory.resolve(temporaryName);
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
