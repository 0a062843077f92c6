package dev.vivarium.vm.migration;

import dev.vivarium.vm.wire.WireMessage;

/**
 * What one live migration measured. Times are nanoseconds of the monotonic clock.
 *
 * @param downtimeNanos       from the source's last guest instruction to the target's first: the
 *                            difference of the two readings when both hosts share one clock
 *                            ({@code sameClock}, the same machine), otherwise the source's and the
 *                            target's parts plus half the link's round trip; -1 when unknown
 * @param sourceDowntimeNanos QEMU's definition, measured on the source alone: from the pause to the
 *                            moment the source has sent everything
 * @param totalNanos          from the start of the migration to the target's resume
 * @param rounds              pre-copy passes, the first one over all memory included
 * @param bytesSent           bytes put on the link, all rounds and the switch-over
 * @param pagesSent           pages sent with their content
 * @param zeroPages           pages that were zero: sent as a mark (or not at all in the first pass)
 * @param switchPages         pages sent during the pause
 * @param diskSectors         disk sectors not yet on the datastore that moved with the VM
 * @param converged           whether what was left fit the downtime budget (false: given up or cancelled)
 * @param throttlePercent     the most auto-converge took from the guest's speed (0: never throttled)
 * @param bandwidthBytesPerSecond the link's measured rate while it was busy
 * @param budgetNanos         the downtime budget it aimed for
 * @param stopNanos           on the source: pause to the last byte of the switch-over sent
 * @param loadNanos           on the target: the switch-over frame received to its checks done (checksum compared, state restored)
 * @param handOverNanos       on the target: the lease hand-over committed (one link(2) of the prepared file)
 * @param resumeNanos         on the target: the hand-over committed to the first guest instruction
 * @param rttNanos            the link's round trip, measured at its handshake
 * @param memoryChecksum      CRC32C over the per-page CRC32Cs of the whole memory as the target installed it
 * @param verified            whether the source's own memory, read after the switch-over, gave the same checksum
 */
public record MigrationFigures(long downtimeNanos, long sourceDowntimeNanos, long totalNanos, int rounds, long bytesSent,
                               long pagesSent, long zeroPages, long switchPages, long diskSectors, boolean converged,
                               int throttlePercent, double bandwidthBytesPerSecond, long budgetNanos, long stopNanos,
                               long loadNanos, long handOverNanos, long resumeNanos, long rttNanos, boolean sameClock,
                               int memoryChecksum, boolean verified) implements WireMessage {

    public static final MigrationFigures NONE = new MigrationFigures(-1, -1, -1, 0, 0, 0, 0, 0, 0, false, 0, 0, 0, -1, -1, -1,
            -1, -1, false, 0, false);
}
