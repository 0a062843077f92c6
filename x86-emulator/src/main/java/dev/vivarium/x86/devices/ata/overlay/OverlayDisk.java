package dev.vivarium.x86.devices.ata.overlay;

import dev.vivarium.x86.devices.ata.DiskBackend;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A copy-on-write disk: a read-only base image under a chain of overlays. Writes go to the
 * newest layer, an in-memory {@link MemoryOverlay}; a read of a sector takes it from the
 * newest layer that holds it, down to the base. {@link #freeze()} ends the newest layer at an
 * instant (a checkpoint's) and starts a new one; the frozen layer is read from memory until
 * its file is written and {@link #adopt adopted}. The base is never written, so several VMs
 * may share it.
 *
 * <pre>
 *   newest  active (memory)  <- guest writes
 *           frozen (memory, being written out), newest first
 *           sealed overlay files, newest first
 *   oldest  base image
 * </pre>
 *
 * <p>Single-threaded like the machine: the VM's thread reads, writes, freezes and adopts.
 */
public final class OverlayDisk implements DiskBackend {
    private final DiskBackend base;
    private List<OverlayFile> sealed;
    /** Oldest first; indexed loops, so a read allocates no iterator. */
    private final List<MemoryOverlay> frozen = new ArrayList<>();
    private MemoryOverlay active = new MemoryOverlay();

    /** @param sealed the overlays on the base, oldest first; the disk owns (closes) them and the base */
    public OverlayDisk(DiskBackend base, List<OverlayFile> sealed) {
        this.base = base;
        this.sealed = List.copyOf(sealed);
    }

    @Override
    public long sectorCount() {
        return base.sectorCount();
    }

    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public void read(long lba, byte[] buffer, int offset, int sectors) throws IOException {
        for (int s = 0; s < sectors; s++) {
            readSector(lba + s, buffer, offset + s * SECTOR_SIZE);
        }
    }

    private void readSector(long lba, byte[] buffer, int offset) throws IOException {
        if (active.read(lba, buffer, offset)) {
            return;
        }
        for (int i = frozen.size() - 1; i >= 0; i--) {
            if (frozen.get(i).read(lba, buffer, offset)) {
                return;
            }
        }
        for (int i = sealed.size() - 1; i >= 0; i--) {
            if (sealed.get(i).read(lba, buffer, offset)) {
                return;
            }
        }
        base.read(lba, buffer, offset, 1);
    }

    @Override
    public void write(long lba, byte[] buffer, int offset, int sectors) {
        for (int s = 0; s < sectors; s++) {
            active.write(lba + s, buffer, offset + s * SECTOR_SIZE);
        }
    }

    /** Nothing to flush: the guest's writes become durable with the checkpoint that covers them. */
    @Override
    public void flush() {
    }

    /**
     * Ends the newest layer here: it holds exactly the writes since the previous freeze, and
     * later writes go to a new layer. Call it at the instant of the memory capture it belongs to.
     *
     * @return the frozen layer, to be written out (it stays readable here until adopted)
     */
    public MemoryOverlay freeze() {
        MemoryOverlay done = active;
        done.freeze();
        frozen.add(done);
        active = new MemoryOverlay();
        return done;
    }

    /**
     * Takes the overlay files that now hold everything up to and including {@code upTo} (a layer
     * this disk froze), oldest first, in place of those frozen layers and of the previous files.
     * Files not in the new chain are closed.
     */
    public void adopt(List<OverlayFile> chain, MemoryOverlay upTo) throws IOException {
        if (!frozen.contains(upTo)) {
            throw new IllegalArgumentException("that layer is not one this disk froze and still holds");
        }
        while (frozen.remove(0) != upTo) {
            // layers frozen before upTo are in the chain as well
        }
        List<OverlayFile> old = sealed;
        sealed = List.copyOf(chain);
        closeUnused(old, sealed);
    }

    /** The overlay files under the memory layers, oldest first. */
    public List<OverlayFile> sealedChain() {
        return sealed;
    }

    /** Memory the in-memory layers hold (written sectors not yet in a file). */
    public long memoryBytes() {
        long bytes = active.memoryBytes();
        for (MemoryOverlay layer : frozen) {
            bytes += layer.memoryBytes();
        }
        return bytes;
    }

    @Override
    public void close() throws IOException {
        IOException first = null;
        for (AutoCloseable c : closeables()) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof IOException io ? io : new IOException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private List<AutoCloseable> closeables() {
        List<AutoCloseable> all = new ArrayList<>(sealed);
        all.add(base);
        return all;
    }

    private static void closeUnused(List<OverlayFile> old, List<OverlayFile> kept) throws IOException {
        for (OverlayFile file : old) {
            if (!kept.contains(file)) {
                file.close();
            }
        }
    }
}
