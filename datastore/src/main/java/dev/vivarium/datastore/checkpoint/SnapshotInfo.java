package dev.vivarium.datastore.checkpoint;

import java.nio.file.Path;

/** A named snapshot as listed (from its file name alone). */
public record SnapshotInfo(String name, long seq, long epoch, Path file) {
}
