package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.storage.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A file named {@code [label@]<seq>-e<epoch><suffix>} in a VM directory; the label is a
 * snapshot name or a checkpoint kind.
 */
record StampedFile(Path path, String label, StampedName stamp) {
    static String name(String label, StampedName stamp, String suffix) {
        return label + "@" + stamp.format() + suffix;
    }

    /** The stamped files of {@code directory} ending in {@code suffix}; anything else is skipped. */
    static List<StampedFile> list(Path directory, String suffix) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(p -> !AtomicFiles.isTemporary(p))
                    .map(p -> parse(p, suffix))
                    .flatMap(Optional::stream)
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    private static Optional<StampedFile> parse(Path path, String suffix) {
        String name = path.getFileName().toString();
        int at = name.lastIndexOf('@');
        if (!name.endsWith(suffix) || at < 1) {
            return Optional.empty();
        }
        return StampedName.parse(name.substring(at + 1, name.length() - suffix.length()))
                .map(stamp -> new StampedFile(path, name.substring(0, at), stamp));
    }
}
