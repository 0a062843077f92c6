package dev.vivarium.node.migration;

import dev.vivarium.vcenter.inventory.MigrationStats;
import dev.vivarium.vm.migration.MigrationFigures;

/** A host's migration figures (nanoseconds) as the inventory and the API keep them (milliseconds). */
final class Stats {

    private Stats() {
    }

    static MigrationStats of(MigrationFigures f) {
        if (f == null || f.rounds() == 0) {
            return null; // it never began
        }
        return new MigrationStats(ms(f.downtimeNanos()), ms(f.sourceDowntimeNanos()), ms(f.totalNanos()), f.rounds(),
                f.bytesSent(), f.pagesSent(), f.zeroPages(), f.switchPages(), f.diskSectors(), f.converged(),
                f.throttlePercent() > 0, f.throttlePercent(), Math.round(f.bandwidthBytesPerSecond() / 1048576.0 * 10) / 10.0,
                ms(f.budgetNanos()), ms(f.stopNanos()), ms(f.loadNanos()), ms(f.handOverNanos()), ms(f.resumeNanos()),
                ms(f.rttNanos()), f.sameClock(), String.format("%08x", f.memoryChecksum()), f.verified());
    }

    /** Milliseconds to the microsecond; -1 stays -1 (not measured). */
    private static double ms(long nanos) {
        return nanos < 0 ? -1 : Math.round(nanos / 1000.0) / 1000.0;
    }
}
