package dev.vivarium.datastore.checkpoint;

import java.nio.file.Path;

/**
 * A stored disk overlay: the sectors a VM wrote between two checkpoints (or snapshots), or
 * the fold of several such overlays.
 *
 * @param seq       the checkpoint or snapshot it belongs to (they share the sequence number)
 * @param parentSeq the overlay under it, 0 for the base image
 */
public record OverlayInfo(long seq, long epoch, long parentSeq, Path file) {
}
