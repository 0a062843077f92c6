package dev.vivarium.datastore.checkpoint;

import java.nio.file.Path;

/**
 * A stored checkpoint.
 *
 * @param parentSeq the checkpoint an incremental one applies to; -1 for a full one
 */
public record CheckpointInfo(long seq, long epoch, CheckpointKind kind, long parentSeq, Path file) {
}
