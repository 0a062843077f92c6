package dev.vivarium.datastore.checkpoint;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Folds a chain of overlay files into one new file holding, for every sector any of them
 * holds, its newest copy. The datastore does not read overlays; the emulator's format knows how.
 */
@FunctionalInterface
public interface OverlayMerger {
    void merge(List<Path> oldestFirst, Path newFile) throws IOException;
}
