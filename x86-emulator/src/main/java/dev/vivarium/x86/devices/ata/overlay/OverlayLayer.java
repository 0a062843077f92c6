package dev.vivarium.x86.devices.ata.overlay;

import java.io.IOException;

/** One layer of a copy-on-write disk: the sectors written while it was the newest. */
public sealed interface OverlayLayer permits MemoryOverlay, OverlayFile {

    /** Copies sector {@code lba} into {@code buffer} at {@code offset} and returns true, or returns false if this layer does not hold it. */
    boolean read(long lba, byte[] buffer, int offset) throws IOException;

    /** The sectors this layer holds, ascending. */
    long[] sortedSectors();

    /** How many sectors it holds. */
    long sectorCount();
}
