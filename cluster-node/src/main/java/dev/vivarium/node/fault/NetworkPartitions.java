package dev.vivarium.node.fault;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.node.lab.LabNetwork;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Network partitions between a lab's hosts: nftables rules in the lab's network namespace (this
 * node runs inside it) that drop every packet between the hosts' loopback addresses, both ways.
 * A lab runs in a namespace only when `lab up` ran as root; otherwise its nodes share 127.0.0.1
 * with the machine and a partition is refused (nothing could cut them apart without cutting the
 * machine's own loopback). This kernel has no netem: delays and losses short of a cut are out of reach.
 */
final class NetworkPartitions {

    private static final String TABLE = "vivarium_partitions";

    private final LabDir lab;

    NetworkPartitions(LabDir lab) {
        this.lab = lab;
    }

    String partition(List<String> hosts, List<String> from) {
        requireNamespace();
        if (!"on".equals(System.getenv("VIVARIUM_PARTITIONS"))) {
            // Measured: the rules below were in place and the cluster noticed nothing. Artery's outbound
            // connections leave from 127.0.0.1, not from the node's own address, so rules by address
            // cannot tell the nodes' packets apart; Artery's outbound-client-hostname made the nodes
            // fail to connect at all. Refused rather than a fault that does not happen.
            throw new ApiException(501, "partition is not working yet: the lab's nodes send from 127.0.0.1 inside the "
                    + "namespace, so nftables rules by address do not cut them apart (one network namespace per node is "
                    + "the way on); every other fault works");
        }
        Map<String, String> addresses = addresses();
        List<String> others = new ArrayList<>(from.isEmpty() ? addresses.keySet() : from);
        others.removeAll(hosts);
        for (String h : hosts) {
            if (!addresses.containsKey(h)) {
                throw ApiException.notFound("the lab has no host named " + h);
            }
        }
        for (String h : others) {
            if (!addresses.containsKey(h)) {
                throw ApiException.notFound("the lab has no host named " + h);
            }
        }
        if (others.isEmpty()) {
            throw ApiException.badRequest("a partition needs hosts on both sides");
        }
        nft("add table inet " + TABLE);
        nft("add chain inet " + TABLE + " input { type filter hook input priority 0 ; policy accept ; }");
        for (String a : hosts) {
            for (String b : others) {
                nft("add rule inet " + TABLE + " input ip saddr " + addresses.get(a) + " ip daddr " + addresses.get(b) + " drop");
                nft("add rule inet " + TABLE + " input ip saddr " + addresses.get(b) + " ip daddr " + addresses.get(a) + " drop");
            }
        }
        return "nftables in the lab's namespace drop every packet between " + hosts + " and " + others;
    }

    String heal() {
        requireNamespace();
        nftQuietly("delete table inet " + TABLE);
        return "the lab's partition rules are gone";
    }

    private void requireNamespace() {
        if (LabNetwork.namespace(lab).isEmpty()) {
            throw new ApiException(501, "the lab at " + lab.path() + " runs on 127.0.0.1 without a network namespace of its own "
                    + "(`lab up` makes one only as root, with iproute2 and nftables): partitions need it");
        }
    }

    /** Each host's address in the namespace, from its cluster address in the lab's manifest. */
    private Map<String, String> addresses() {
        try {
            Map<String, String> out = new TreeMap<>();
            for (LabManifest.Node n : LabManifest.read(lab.manifest()).nodes()) {
                out.put(n.name(), n.artery().substring(0, n.artery().lastIndexOf(':')));
            }
            return out;
        } catch (IOException e) {
            throw new ApiException(500, "cannot read the lab's manifest: " + e.getMessage());
        }
    }

    private static void nft(String command) {
        int exit = nftQuietly(command);
        if (exit != 0) {
            throw new ApiException(500, "nft " + command + " failed (exit " + exit + ")");
        }
    }

    private static int nftQuietly(String command) {
        List<String> args = new ArrayList<>(List.of("/usr/sbin/nft"));
        args.addAll(List.of(command.split(" ")));
        return LabNetwork.run(args.toArray(String[]::new));
    }
}
