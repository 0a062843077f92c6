package dev.vivarium.node.vm;

/**
 * A VM's snapshot as {@code GET /api/v1/vms/{name}/snapshots} shows it.
 *
 * @param seq     its place in the VM's sequence of checkpoints and snapshots (later is newer)
 * @param created when it was taken (ISO-8601)
 */
public record SnapshotView(String name, String description, long seq, String created) {
}
