package dev.vivarium.node.fault;

import java.util.List;

/**
 * A fault injected into the lab, as {@code GET /api/v1/faults} lists it.
 *
 * @param id      unique in the lab
 * @param active  for a lasting fault (freeze, partition, datastore-off): not yet ended
 * @param at      when it was injected (ISO-8601 UTC)
 * @param endedAt when a thaw, heal or datastore-on ended it; null while active or for a one-off fault
 * @param by      the node that injected it
 * @param detail  what was done, for the user
 */
public record FaultRecord(String id, String kind, List<String> hosts, List<String> from, String vm, boolean active,
                          String at, String endedAt, String by, String detail) {
    public FaultRecord {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        from = from == null ? List.of() : List.copyOf(from);
    }

    FaultRecord ended(String when) {
        return new FaultRecord(id, kind, hosts, from, vm, false, at, when, by, detail);
    }
}
