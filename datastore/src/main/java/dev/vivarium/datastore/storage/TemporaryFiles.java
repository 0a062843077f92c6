package dev.vivarium.datastore.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Removes what a host killed in the middle of a write leaves behind: the temporary files of
 * {@link AtomicFiles} ({@code .NAME.tmp-UUID}), which no reader ever looks at but which would
 * otherwise take datastore space for good (a checkpoint's temporary is as big as the VM's memory).
 * Only files older than a write could ever take are removed, judged by their modification
 * time, so a write in progress on another host is never touched; the age allows for clocks of
 * hosts that differ by minutes.
 */
public final class TemporaryFiles {

    /** Far longer than any write takes, and than the clock skew between hosts. */
    public static final Duration ABANDONED_AFTER = Duration.ofHours(1);

    private static final Pattern TEMPORARY = Pattern.compile("\\..+\\.tmp-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private TemporaryFiles() {
    }

    /** Deletes the abandoned temporary files below {@code root}; returns the paths deleted. */
    public static List<Path> sweep(Path root, Duration olderThan) throws IOException {
        Instant cutoff = Instant.now().minus(olderThan);
        try (Stream<Path> files = Files.find(root, Integer.MAX_VALUE, (p, a) -> abandoned(p, a, cutoff))) {
            List<Path> found = files.toList();
            for (Path p : found) {
                Files.deleteIfExists(p);
            }
            return found;
        } catch (UncheckedIOException e) {
            if (e.getCause() instanceof NoSuchFileException) {
                return List.of(); // a directory went away while we walked: another host's business
            }
            throw e.getCause();
        }
    }

    private static boolean abandoned(Path p, BasicFileAttributes a, Instant cutoff) {
        return a.isRegularFile() && TEMPORARY.matcher(p.getFileName().toString()).matches()
                && a.lastModifiedTime().toInstant().isBefore(cutoff);
    }
}
