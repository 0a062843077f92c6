package dev.vivarium.datastore.lease;

import java.io.IOException;

/** The highest sequence number among a VM's epoch-stamped files (0 if none), for lease cutoffs. */
@FunctionalInterface
public interface SequenceProbe {
    long maxSequence() throws IOException;
}
