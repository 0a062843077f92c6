package dev.vivarium.vm.actor;

import dev.vivarium.datastore.checkpoint.DiskOverlay;
import dev.vivarium.datastore.checkpoint.OverlayInfo;
import dev.vivarium.datastore.checkpoint.OverlayStore;
import dev.vivarium.x86.devices.ata.FileDiskBackend;
import dev.vivarium.x86.devices.ata.overlay.MemoryOverlay;
import dev.vivarium.x86.devices.ata.overlay.OverlayDisk;
import dev.vivarium.x86.devices.ata.overlay.OverlayFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A VM's disk on the datastore: its read-only base image under the chain of overlays of the
 * checkpoint it was restored from, with the guest's writes since then in memory.
 *
 * <p>The VM's thread runs the guest on {@link #backend()} and calls {@link #freeze()} at the
 * instant of each memory capture. The VM's serial I/O tasks then store the frozen layers
 * ({@link #overlayUpTo}, {@link #stored}), fold old overlays ({@link #merge}) and open the new
 * chain ({@link #openChain}), which the VM's thread swaps in ({@link #adopt}). A task that
 * failed leaves its layers pending: the next overlay stored holds them too.
 */
public final class VmDisk implements AutoCloseable {
    private final OverlayDisk disk;
    private final long sectors;
    /** Frozen layers not yet stored, oldest first: added by the VM's thread, removed by its I/O tasks. */
    private final ConcurrentLinkedQueue<MemoryOverlay> pending = new ConcurrentLinkedQueue<>();
    /** The overlay the next one lies on; only the VM's I/O tasks (one at a time) use it. */
    private volatile long parentSeq;
    /** Overlay files opened by I/O tasks, by path, so a new chain reuses those already verified. */
    private final Map<Path, OverlayFile> opened = new HashMap<>();

    private VmDisk(OverlayDisk disk, long parentSeq, List<OverlayFile> chain) {
        this.disk = disk;
        this.sectors = disk.sectorCount();
        this.parentSeq = parentSeq;
        chain.forEach(f -> opened.put(f.path(), f));
    }

    /** Opens {@code base} under the overlays of checkpoint or snapshot {@code tipSeq} (0: the bare base). */
    public static VmDisk open(Path base, OverlayStore overlays, long tipSeq) throws IOException {
        FileDiskBackend image = FileDiskBackend.open(base, true);
        List<OverlayFile> chain = new ArrayList<>();
        try {
            for (OverlayInfo info : overlays.chain(tipSeq)) {
                chain.add(OverlayFile.open(info.file(), image.sectorCount()));
            }
        } catch (IOException | RuntimeException e) {
            for (OverlayFile f : chain) {
                f.close();
            }
            image.close();
            throw e;
        }
        return new VmDisk(new OverlayDisk(image, chain), tipSeq, chain);
    }

    public OverlayDisk backend() {
        return disk;
    }

    /** On the VM's thread, at the instant of a memory capture: the writes so far belong to it. */
    public MemoryOverlay freeze() {
        MemoryOverlay layer = disk.freeze();
        pending.add(layer);
        return layer;
    }

    /** The frozen layers not stored yet, oldest first: a migration sends them (they are immutable). */
    public List<MemoryOverlay> unsaved() {
        return List.copyOf(pending);
    }

    /** The stored overlay the next one lies on (0: the bare base): a migration's target opens the disk there. */
    public long storedTip() {
        return parentSeq;
    }

    /** On an I/O task: the overlay to store for {@code layer}, holding it and any layer before it not stored yet. */
    public DiskOverlay overlayUpTo(MemoryOverlay layer) {
        List<MemoryOverlay> layers = new ArrayList<>();
        for (MemoryOverlay m : pending) {
            layers.add(m);
            if (m == layer) {
                return new DiskOverlay(parentSeq, file -> OverlayFile.write(file, sectors, layers));
            }
        }
        throw new IllegalStateException("that layer was stored already or never frozen here");
    }

    /** On an I/O task, once the overlay of {@code layer} is stored as {@code seq}. */
    public void stored(MemoryOverlay layer, long seq) {
        while (pending.poll() != layer) {
            // the earlier layers went into the same overlay
        }
        parentSeq = seq;
    }

    /** On an I/O task: folds overlay files into one (the datastore's retention calls it). */
    public void merge(List<Path> oldestFirst, Path target) throws IOException {
        List<OverlayFile> files = new ArrayList<>();
        try {
            for (Path p : oldestFirst) {
                files.add(OverlayFile.open(p, sectors));
            }
            OverlayFile.write(target, sectors, files);
        } finally {
            for (OverlayFile f : files) {
                f.close();
            }
        }
    }

    /** On an I/O task: the opened files of the disk of {@code seq}, for {@link #adopt}. */
    public synchronized List<OverlayFile> openChain(OverlayStore overlays, long seq) throws IOException {
        List<OverlayFile> chain = new ArrayList<>();
        for (OverlayInfo info : overlays.chain(seq)) {
            OverlayFile file = opened.get(info.file());
            chain.add(file != null ? file : OverlayFile.open(info.file(), sectors));
        }
        opened.clear();
        chain.forEach(f -> opened.put(f.path(), f)); // the rest are closed when the VM adopts this chain
        return chain;
    }

    /** On the VM's thread: reads of the layers up to {@code layer} now come from {@code chain}. */
    public void adopt(List<OverlayFile> chain, MemoryOverlay layer) throws IOException {
        disk.adopt(chain, layer);
    }

    /** Sectors the guest wrote that are held in memory until a checkpoint stores them. */
    public long memoryBytes() {
        return disk.memoryBytes();
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            disk.close();
        } finally {
            for (OverlayFile f : opened.values()) {
                f.close();
            }
        }
    }
}
