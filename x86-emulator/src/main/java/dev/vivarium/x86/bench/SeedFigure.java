package dev.vivarium.x86.bench;

import java.util.Optional;

/**
 * The seed's measurement (Sennwitz, "Einblick in die VMware Infrastruktur", 2007): a Pentium 4
 * at 3.0 GHz, bare metal against a Debian VM in VMware Server on it. Its "Verlust" (loss) row,
 * 30 % and 21 %, is the throughput lost, 1 - native/VM; in time the VM took 42.6 % and 27.1 %
 * longer. Both are kept so our figures can be set beside either.
 *
 * @param test          the seed's test
 * @param nativeSeconds on bare metal ("sunset")
 * @param vmSeconds     in the VM ("debianvm")
 */
record SeedFigure(String test, double nativeSeconds, double vmSeconds) {

    /** The seed's figure for the workload that stands for its test; empty for the workloads it did not measure. */
    static Optional<SeedFigure> forWorkload(String name) {
        return switch (name) {
            case "unpack" -> Optional.of(new SeedFigure("unpacking linux-2.6.21.5.tar.bz2", 28.110, 40.074));
            case "compile" -> Optional.of(new SeedFigure("compiling Linux 2.6.21.5", 43 * 60 + 2.496, 54 * 60 + 43.167));
            default -> Optional.empty();
        };
    }

    /** VM time / native time - 1, in percent. */
    double overheadPercent() {
        return (vmSeconds / nativeSeconds - 1) * 100;
    }

    /** 1 - native time / VM time, in percent: the seed's "Verlust". */
    double lossPercent() {
        return (1 - nativeSeconds / vmSeconds) * 100;
    }
}
