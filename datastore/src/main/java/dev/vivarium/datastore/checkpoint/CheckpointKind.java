package dev.vivarium.datastore.checkpoint;

/** A full checkpoint holds the whole machine; an incremental one only what changed since its parent. */
public enum CheckpointKind {
    FULL("full"), INCREMENTAL("incr");

    private final String label;

    CheckpointKind(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    static CheckpointKind ofLabel(String label) {
        for (CheckpointKind kind : values()) {
            if (kind.label.equals(label)) {
                return kind;
            }
        }
        return null;
    }
}
