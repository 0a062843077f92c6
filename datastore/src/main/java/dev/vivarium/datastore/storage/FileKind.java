package dev.vivarium.datastore.storage;

/** What a sealed file holds; stored in its header so a file can never be read as another kind. */
public enum FileKind {
    VM_CONFIG(1),
    DISK_IMAGE(2),
    CHECKPOINT(3),
    SNAPSHOT(4),
    LEASE(5),
    HEARTBEAT(6),
    /** The mark of a VM management paused (empty). */
    PAUSED_MARK(7);

    private final int code;

    FileKind(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    static FileKind ofCode(int code) {
        for (FileKind kind : values()) {
            if (kind.code == code) {
                return kind;
            }
        }
        return null;
    }
}
