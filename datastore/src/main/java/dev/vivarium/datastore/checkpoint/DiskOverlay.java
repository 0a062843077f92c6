package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.storage.AtomicFiles;

/**
 * The disk part of a checkpoint or snapshot: the overlay frozen at the instant of the memory
 * capture, stored under the same sequence number as the capture so that checkpoint N means
 * memory up to N and disk up to N.
 *
 * @param parentSeq the overlay it lies on (the previous checkpoint's), 0 for the base image
 * @param content   writes the overlay file (a format the datastore does not interpret)
 */
public record DiskOverlay(long parentSeq, AtomicFiles.ForeignFileWriter content) {
    public DiskOverlay {
        if (parentSeq < 0) {
            throw new IllegalArgumentException("parent overlay " + parentSeq + " (0 is the base image)");
        }
    }
}
