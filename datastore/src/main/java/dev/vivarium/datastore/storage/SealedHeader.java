package dev.vivarium.datastore.storage;

import java.util.Objects;

/**
 * The self-describing part of a sealed file: what it holds, the fencing epoch of the writer
 * (0 for files written outside any lease, such as a VM's configuration) and a small metadata
 * block that the file's owner encodes (checkpoint sequence numbers, snapshot descriptions).
 */
public record SealedHeader(FileKind kind, long epoch, byte[] meta) {
    /** Metadata stays small: it is read in full before the payload is touched. */
    public static final int MAX_META = 64 * 1024;

    public SealedHeader {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(meta, "meta");
        if (epoch < 0) {
            throw new IllegalArgumentException("epoch must not be negative: " + epoch);
        }
        if (meta.length > MAX_META) {
            throw new IllegalArgumentException("metadata of " + meta.length + " bytes exceeds " + MAX_META);
        }
        meta = meta.clone();
    }

    public static SealedHeader of(FileKind kind, long epoch) {
        return new SealedHeader(kind, epoch, new byte[0]);
    }

    @Override
    public byte[] meta() {
        return meta.clone();
    }
}
