package dev.vivarium.node.fault;

import java.util.List;

/**
 * A fault to inject, as {@code POST /api/v1/faults} takes it: {@code {"kind": "partition",
 * "hosts": ["host-1"], "from": ["host-2", "host-3"]}}, {@code {"kind": "guest-crash", "vm": "counter-1"}}.
 *
 * @param hosts the hosts it hits (kill, freeze, thaw, partition, datastore-off, datastore-on)
 * @param from  for a partition: the hosts {@code hosts} lose (empty: every other host)
 * @param vm    for guest-crash and guest-hang
 */
public record FaultRequest(String kind, List<String> hosts, List<String> from, String vm) {
    public FaultRequest {
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        from = from == null ? List.of() : List.copyOf(from);
    }
}
