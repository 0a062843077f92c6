package dev.vivarium.node.fault;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.vivarium.node.api.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The lab's faults, in {@code faults.json} of the lab's folder: every node of the lab serves the
 * API, so they share one file, changed under a file lock and replaced by rename.
 */
final class FaultLog {

    private final Path file;
    private final Path lock;

    FaultLog(Path labDir) {
        this.file = labDir.resolve("faults.json");
        this.lock = labDir.resolve(".faults.lock");
    }

    List<FaultRecord> read() {
        try {
            return Files.isRegularFile(file) ? Json.MAPPER.readValue(file.toFile(), new TypeReference<List<FaultRecord>>() { })
                    : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Changes the list under the lock; returns the new list. */
    List<FaultRecord> update(UnaryOperator<List<FaultRecord>> change) {
        try (FileChannel channel = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = channel.lock()) {
            List<FaultRecord> next = change.apply(new ArrayList<>(read()));
            Path tmp = file.resolveSibling(".faults.json.tmp");
            Files.writeString(tmp, Json.write(next));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return next;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file, e);
        }
    }
}
