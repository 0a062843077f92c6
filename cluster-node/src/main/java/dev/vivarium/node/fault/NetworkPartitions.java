package dev.vivarium.node.fault;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.lab.LabCgroups;
import dev.vivarium.node.lab.LabDir;
import dev.vivarium.node.lab.LabManifest;
import dev.vivarium.node.lab.LabNetwork;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Network partitions between a lab's hosts: nftables rules in the lab's network namespace (this
 * node runs inside it). Inside the namespace every connection leaves from 127.0.0.1, so the rules
 * tell the hosts apart by the cgroup of the socket ({@link LabCgroups}): on output every packet
 * of a host's sockets is marked with the host's number; on input a packet marked by one side is
 * dropped when the socket it reaches belongs to the other. That cuts every connection between
 * them both ways (cluster, live migration), whoever opened it, and nothing else: the hosts keep
 * their datastore and the inventory's database. A lab runs in a namespace only when `lab up` ran
 * as root; otherwise its nodes share 127.0.0.1 with the machine and a partition is refused (nothing
 * could cut them apart without cutting the machine's own loopback). This kernel has no netem:
 * delays and losses short of a cut are out of reach.
 */
final class NetworkPartitions {

    private static final String TABLE = "inet vivarium_partitions";

    private final LabDir lab;

    NetworkPartitions(LabDir lab) {
        this.lab = lab;
    }

    String partition(List<String> hosts, List<String> from) {
        requireNamespace();
        Map<String, LabCgroups.RulePath> groups = groups();
        List<String> others = new ArrayList<>(from.isEmpty() ? groups.keySet() : from);
        others.removeAll(hosts);
        for (String h : hosts) {
            if (!groups.containsKey(h)) {
                throw ApiException.notFound("the lab has no host named " + h);
            }
        }
        for (String h : others) {
            if (!groups.containsKey(h)) {
                throw ApiException.notFound("the lab has no host named " + h);
            }
        }
        if (others.isEmpty()) {
            throw ApiException.badRequest("a partition needs hosts on both sides");
        }
        // One transaction: the table if new, every host's mark (again), and the cut both ways.
        StringBuilder script = new StringBuilder()
                .append("add table ").append(TABLE).append('\n')
                .append("add chain ").append(TABLE).append(" output { type filter hook output priority 0 ; policy accept ; }\n")
                .append("add chain ").append(TABLE).append(" input { type filter hook input priority 0 ; policy accept ; }\n")
                .append("flush chain ").append(TABLE).append(" output\n");
        List<String> names = new ArrayList<>(groups.keySet());
        for (String h : names) {
            script.append("add rule ").append(TABLE).append(" output ").append(socketOf(groups.get(h)))
                    .append(" meta mark set ").append(mark(names, h)).append('\n');
        }
        for (String a : hosts) {
            for (String b : others) {
                script.append(drop(names, groups, a, b)).append(drop(names, groups, b, a));
            }
        }
        nft(script.toString());
        return "nftables in the lab's namespace drop every packet between " + hosts + " and " + others
                + " (told apart by their sockets' cgroups)";
    }

    String heal() {
        requireNamespace();
        LabNetwork.run("/usr/sbin/nft", "delete", "table", "inet", "vivarium_partitions"); // absent when nothing was cut
        return "the lab's partition rules are gone";
    }

    private void requireNamespace() {
        if (LabNetwork.namespace(lab).isEmpty()) {
            throw new ApiException(501, "the lab at " + lab.path() + " runs on 127.0.0.1 without a network namespace of its own "
                    + "(`lab up` makes one only as root, with iproute2 and nftables): partitions need it");
        }
    }

    /** Each host's cgroup as a rule names it, in the manifest's order; 501 when the lab has none. */
    private Map<String, LabCgroups.RulePath> groups() {
        LabManifest manifest;
        try {
            manifest = LabManifest.read(lab.manifest());
        } catch (IOException e) {
            throw new ApiException(500, "cannot read the lab's manifest: " + e.getMessage());
        }
        Map<String, LabCgroups.RulePath> out = new LinkedHashMap<>();
        for (LabManifest.Node n : manifest.nodes()) {
            out.put(n.name(), LabCgroups.rulePath(lab, n.name()).orElseThrow(() -> new ApiException(501,
                    "the lab's nodes have no cgroups of their own (" + LabCgroups.unavailable().orElse("the lab was started without")
                            + "): nftables cannot tell their packets apart")));
        }
        return out;
    }

    private static String drop(List<String> names, Map<String, LabCgroups.RulePath> groups, String from, String to) {
        return "add rule " + TABLE + " input meta mark " + mark(names, from) + " " + socketOf(groups.get(to)) + " counter drop\n";
    }

    private static String socketOf(LabCgroups.RulePath group) {
        return "socket cgroupv2 level " + group.level() + " \"" + group.path() + "\"";
    }

    /** A host's mark: its place in the manifest, from 1 (0 is an unmarked packet). */
    private static int mark(List<String> names, String host) {
        return names.indexOf(host) + 1;
    }

    private static void nft(String script) {
        try {
            Process p = new ProcessBuilder("/usr/sbin/nft", "-f", "-").redirectErrorStream(true).start();
            p.getOutputStream().write(script.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                throw new ApiException(500, "nft failed: " + output);
            }
        } catch (IOException e) {
            throw new ApiException(500, "cannot run nft: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(500, "interrupted while running nft");
        }
    }
}
