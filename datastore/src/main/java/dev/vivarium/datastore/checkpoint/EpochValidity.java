package dev.vivarium.datastore.checkpoint;

import dev.vivarium.datastore.lease.LeaseFiles;
import dev.vivarium.datastore.lease.LeaseRecord;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * Decides whether a file stamped (seq, epoch) belongs to the VM's history or is a late write
 * of a fenced owner. Each lease epoch records the highest sequence number present when it
 * began (its cutoff); a file of epoch e is valid only if its sequence number is within the
 * cutoff of every later epoch. A fenced owner's write that lands after the takeover is
 * therefore ignored, while everything it wrote before the takeover stays part of the history
 * the new owner restores from.
 */
final class EpochValidity {
    private final List<LeaseRecord> later;
    private final long latestEpoch;

    private EpochValidity(List<LeaseRecord> later, long latestEpoch) {
        this.later = later;
        this.latestEpoch = latestEpoch;
    }

    /** Reads the lease records that can judge files of {@code oldestEpoch} and later. */
    static EpochValidity load(LeaseFiles leases, long oldestEpoch) throws IOException {
        List<LeaseRecord> records = leases.after(Math.max(0, oldestEpoch));
        long latest = records.isEmpty() ? oldestEpoch : records.get(records.size() - 1).epoch();
        return new EpochValidity(records, latest);
    }

    /** The files of {@code all} that belong to the VM's history, in their order; {@code stamp} reads a file's stamp. */
    static <T> List<T> keepValid(LeaseFiles leases, List<T> all, Function<T, StampedName> stamp) throws IOException {
        if (all.isEmpty()) {
            return all;
        }
        EpochValidity validity = load(leases, all.stream().mapToLong(f -> stamp.apply(f).epoch()).min().orElseThrow());
        return all.stream().filter(f -> validity.accepts(stamp.apply(f))).toList();
    }

    boolean accepts(StampedName stamp) {
        if (stamp.epoch() < 1 || stamp.epoch() > latestEpoch) {
            return false; // no lease ever carried that epoch
        }
        for (LeaseRecord record : later) {
            if (record.epoch() > stamp.epoch() && stamp.seq() > record.cutoffSeq()) {
                return false;
            }
        }
        return true;
    }
}
