package dev.vivarium.datastore.storage;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Writes sealed files so that a reader sees the previous version or the new one, never a mix,
 * and a crash at any point loses nothing already written: the content goes to a temporary
 * file in the same directory, is fsynced, then renamed (or hard-linked) over the target, and
 * the directory is fsynced so the new name survives a power cut.
 */
public final class AtomicFiles {
    private final FileCreator creator;

    public AtomicFiles(FileCreator creator) {
        this.creator = creator;
    }

    /** Replaces {@code target} with a new sealed file, once {@code guard} allows it. */
    public void write(Path target, SealedHeader header, PayloadWriter payload, CommitGuard guard) throws IOException {
        Path temp = writeTemp(target, header, payload);
        try {
            guard.beforeCommit();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(target.getParent());
    }

    public void write(Path target, SealedHeader header, byte[] payload) throws IOException {
        write(target, header, PayloadWriter.of(payload), CommitGuard.NONE);
    }

    /**
     * Creates {@code target} with its full content only if no file of that name exists, atomically
     * among processes and hosts: link(2) fails if the name exists, on a local file system and on
     * NFS alike (the classic NFS lock-file idiom, safer there than O_EXCL).
     *
     * @return false if the file already existed (someone else won)
     */
    public boolean createExclusive(Path target, SealedHeader header, byte[] payload) throws IOException {
        return createExclusive(target, header, PayloadWriter.of(payload), CommitGuard.NONE);
    }

    /** {@link #createExclusive(Path, SealedHeader, byte[])} for streamed payloads, checked by {@code guard} first. */
    public boolean createExclusive(Path target, SealedHeader header, PayloadWriter payload, CommitGuard guard) throws IOException {
        return publishExclusive(writeTemp(target, header, payload), target, guard);
    }

    /**
     * Writes and fsyncs {@code target}'s full content under a temporary name now, so that
     * publishing it later ({@link PreparedFile#publish}) is one link(2): the slow part (the
     * fsync) is done before the moment that must be short (a migration's switch-over).
     */
    public PreparedFile prepareExclusive(Path target, SealedHeader header, byte[] payload) throws IOException {
        return new PreparedFile(writeTemp(target, header, PayloadWriter.of(payload)), target);
    }

    /**
     * A complete, synced file waiting under a temporary name to become {@code target}. Closing it
     * unpublished removes the temporary file.
     */
    public static final class PreparedFile implements java.io.Closeable {
        private final Path temp;
        private final Path target;
        private boolean published;

        private PreparedFile(Path temp, Path target) {
            this.temp = temp;
            this.target = target;
        }

        /**
         * Links the file into place unless {@code target} exists, once {@code guard} allows it,
         * and removes the temporary name. The directory is not synced here (see {@link #syncDirectory}).
         *
         * @return false if the file already existed (someone else won)
         */
        public boolean publish(CommitGuard guard) throws IOException {
            try {
                guard.beforeCommit();
                Files.createLink(target, temp);
                published = true;
                return true;
            } catch (FileAlreadyExistsException lost) {
                return false;
            } finally {
                Files.deleteIfExists(temp);
            }
        }

        /** Makes the published name durable (a power cut could otherwise lose it). */
        public void syncDirectory() throws IOException {
            AtomicFiles.syncDirectory(target.getParent());
        }

        public boolean published() {
            return published;
        }

        /** The temporary file's name in the target's directory: another host may publish it (see {@link #publishAs}). */
        public String temporaryName() {
            return temp.getFileName().toString();
        }

        @Override
        public void close() throws IOException {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Publishes a prepared file that another process wrote and synced ({@link PreparedFile}) as
     * {@code target}, by link(2): false if {@code target} exists. The temporary name stays for
     * its writer to remove; the directory is not synced here.
     */
    public static boolean publishAs(Path temporary, Path target) throws IOException {
        try {
            Files.createLink(target, temporary);
            return true;
        } catch (FileAlreadyExistsException lost) {
            return false;
        }
    }

    /**
     * Creates {@code target} from a file in a format of its own (a disk overlay, with its own
     * checksum) that {@code writer} writes at the temporary path it is given (a new file),
     * with the same guarantees as {@link #createExclusive(Path, SealedHeader, PayloadWriter, CommitGuard)}:
     * fsync, {@code guard}, link(2) into place, fsync of the directory.
     *
     * @return false if the file already existed
     */
    public boolean createExclusive(Path target, ForeignFileWriter writer, CommitGuard guard) throws IOException {
        Path temp = temporaryFor(target);
        try {
            writer.writeTo(temp);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            if (e instanceof IOException io && DatastoreFullException.isNoSpace(io)) {
                throw new DatastoreFullException(target, io);
            }
            throw e;
        }
        return publishExclusive(temp, target, guard);
    }

    /** Writes a whole file at a path that does not exist yet. */
    @FunctionalInterface
    public interface ForeignFileWriter {
        void writeTo(Path newFile) throws IOException;
    }

    /** Links a complete, synced temporary file to {@code target} unless that exists, then removes the temporary. */
    private static boolean publishExclusive(Path temp, Path target, CommitGuard guard) throws IOException {
        try {
            guard.beforeCommit();
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException lost) {
            return false;
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(target.getParent());
        return true;
    }

    private static Path temporaryFor(Path target) {
        return target.resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    }

    private static void deleteQuietly(Path temp, Exception failure) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }

    /** Temporary files start with a dot so directory listings of the datastore skip them. */
    public static boolean isTemporary(Path file) {
        return file.getFileName().toString().startsWith(".");
    }

    public static void syncDirectory(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private Path writeTemp(Path target, SealedHeader header, PayloadWriter payload) throws IOException {
        Path temp = temporaryFor(target);
        try (WritableFile file = creator.createNew(temp)) {
            SealedOutputStream out = new SealedOutputStream(file);
            DataOutputStream data = new DataOutputStream(out);
            byte[] meta = header.meta();
            data.writeInt(SealedFormat.MAGIC);
            data.writeShort(SealedFormat.VERSION);
            data.writeShort(header.kind().code());
            data.writeLong(header.epoch());
            data.writeInt(meta.length);
            data.write(meta);
            long headerLength = out.written();
            payload.writeTo(out);
            data.writeLong(out.written() - headerLength);
            int checksum = out.checksum();
            data.writeInt(checksum);
            data.writeInt(SealedFormat.END_MAGIC);
            out.drain();
            file.sync();
        } catch (IOException | RuntimeException e) {
            deleteQuietly(temp, e);
            if (e instanceof IOException io && DatastoreFullException.isNoSpace(io)) {
                throw new DatastoreFullException(target, io);
            }
            throw e;
        }
        return temp;
    }
}
