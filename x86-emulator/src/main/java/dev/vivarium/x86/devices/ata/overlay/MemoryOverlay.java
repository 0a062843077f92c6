package dev.vivarium.x86.devices.ata.overlay;

import dev.vivarium.x86.devices.ata.DiskBackend;

import java.util.ArrayList;
import java.util.List;

/**
 * The sectors written since the last checkpoint, held in memory: writing them costs the guest
 * no file I/O, and a checkpoint freezes the layer and writes it out off the VM's thread. Data
 * lives in 64 KiB slabs, so a rewrite of a sector already here allocates nothing and a new one
 * allocates only when a slab fills.
 *
 * <p>Written by one thread (the VM's); once frozen it is immutable and may be read from any
 * thread that received it through a happens-before edge (an executor hand-off).
 */
public final class MemoryOverlay implements OverlayLayer {
    private static final int SECTOR = DiskBackend.SECTOR_SIZE;
    private static final int SLAB_SECTORS = 128;

    private final SectorIndex index = new SectorIndex();
    private final List<byte[]> slabs = new ArrayList<>();
    private boolean frozen;

    @Override
    public boolean read(long lba, byte[] buffer, int offset) {
        int slot = index.get(lba);
        if (slot < 0) {
            return false;
        }
        System.arraycopy(slabs.get(slot / SLAB_SECTORS), slot % SLAB_SECTORS * SECTOR, buffer, offset, SECTOR);
        return true;
    }

    void write(long lba, byte[] buffer, int offset) {
        if (frozen) {
            throw new IllegalStateException("a frozen overlay is read-only");
        }
        int slot = index.get(lba);
        if (slot < 0) {
            slot = index.size();
            if (slot % SLAB_SECTORS == 0) {
                slabs.add(new byte[SLAB_SECTORS * SECTOR]);
            }
            index.put(lba, slot);
        }
        System.arraycopy(buffer, offset, slabs.get(slot / SLAB_SECTORS), slot % SLAB_SECTORS * SECTOR, SECTOR);
    }

    void freeze() {
        frozen = true;
    }

    @Override
    public long[] sortedSectors() {
        return index.sortedSectors();
    }

    @Override
    public long sectorCount() {
        return index.size();
    }

    /** Bytes held in memory (slabs), for the VM's memory figures. */
    public long memoryBytes() {
        return (long) slabs.size() * SLAB_SECTORS * SECTOR;
    }
}
