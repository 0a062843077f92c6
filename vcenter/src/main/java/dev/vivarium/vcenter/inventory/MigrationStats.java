package dev.vivarium.vcenter.inventory;

/**
 * What a live migration measured, as the inventory keeps it (times in milliseconds). The API's
 * migration task shows the same fields in its {@code details}.
 *
 * @param downtimeMs       the source's last guest instruction to the target's first (-1 unknown)
 * @param sourceDowntimeMs QEMU's definition, on the source alone: the pause to the last byte sent
 * @param totalMs          the start of the migration to the target's resume
 * @param rounds           pre-copy passes, the first over all memory included
 * @param zeroPages        pages that were zero and went as a mark (or not at all in the first pass)
 * @param switchPages      pages sent during the pause
 * @param diskSectors      disk writes not yet on the datastore that moved with the VM
 * @param converged        whether what was left fit the downtime budget
 * @param throttled        whether auto-converge held the guest back; {@code throttlePercent} by how much at most
 * @param budgetMs         the downtime budget it aimed for
 * @param stopMs           source: pause to the switch-over's last byte; loadMs, handOverMs,
 *                         resumeMs: target: checks and restore, the lease's link(2), commit to
 *                         first instruction; rttMs: the link's round trip at its handshake
 * @param sameClock        whether both hosts read one monotonic clock (same machine): then
 *                         downtimeMs is a plain difference, else an estimate from the parts
 * @param verified         whether the source's memory, read after the switch-over, matched the target's checksum
 */
public record MigrationStats(double downtimeMs, double sourceDowntimeMs, double totalMs, int rounds, long bytesSent,
    long pagesSent, long zeroPages, long switchPages, long diskSectors, boolean converged, boolean throttled,
    int throttlePercent, double bandwidthMBps, double budgetMs, double stopMs, double loadMs, double handOverMs,
    double resumeMs, double rttMs, boolean sameClock, String memoryChecksum, boolean verified)
    implements InventorySerializable {
}
