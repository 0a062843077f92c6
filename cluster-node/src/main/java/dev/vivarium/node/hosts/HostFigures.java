package dev.vivarium.node.hosts;

import dev.vivarium.node.cluster.HostResources;
import dev.vivarium.node.cluster.HostView;
import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.HostState;
import dev.vivarium.vcenter.placement.ClusterView;
import dev.vivarium.vcenter.reconcile.HostReport;
import dev.vivarium.vm.host.HostReply;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The latest figures of every host's agent as this node last polled them, read by the API
 * threads: the host list's capacity and use, and each running VM's host, epoch and metrics; and
 * the inventory's hosts with their states, as its last list said.
 */
public final class HostFigures implements HostResources {

    /** A running VM as its host reports it. */
    public record RunningVm(String host, HostReply.VmStats stats) {

        /** Whether the VM is paused, as it says itself (the inventory may want otherwise until the reconciler acts). */
        public boolean paused() {
            return stats.paused();
        }
    }

    private final Map<String, HostReply.HostStats> stats = new ConcurrentHashMap<>();
    private final Map<String, Integer> memoryBudgets = new ConcurrentHashMap<>();
    private volatile Map<String, String> inventoryStates = Map.of();

    void update(HostReply.HostStats host) {
        stats.put(host.host(), host);
    }

    void forget(String host) {
        stats.remove(host);
    }

    /** The inventory's hosts as it last listed them: each one's memory budget for VMs and its state. */
    void inventory(List<HostRecord> hosts) {
        Map<String, String> states = new HashMap<>();
        for (HostRecord h : hosts) {
            memoryBudgets.put(h.name(), h.memoryMiB());
            states.put(h.name(), apiName(h.state()));
        }
        inventoryStates = Map.copyOf(states);
    }

    /** The inventory's host state as the API shows it, in VirtualCenter's words. */
    static String apiName(HostState state) {
        return switch (state) {
            case JOINED -> HostView.CONNECTING;
            case CONNECTED -> HostView.CONNECTED;
            case MAINTENANCE -> HostView.MAINTENANCE;
            case DISCONNECTED -> HostView.DISCONNECTED;
            case LOST -> HostView.NOT_RESPONDING;
        };
    }

    @Override
    public Map<String, String> inventoryStates() {
        return inventoryStates;
    }

    @Override
    public Optional<Capacity> of(String hostName) {
        HostReply.HostStats s = stats.get(hostName);
        if (s == null) {
            return Optional.empty();
        }
        long memory = memoryBudgets.getOrDefault(hostName, (int) (s.committedMemoryBytes() >> 20));
        return Optional.of(new Capacity(s.capacityMips(), Math.round(s.usedMips()), memory, s.vmCount()));
    }

    /** The VMs the host reports running, by name (none when it has not reported). */
    public List<String> vmsOn(String host) {
        HostReply.HostStats s = stats.get(host);
        return s == null ? List.of() : s.vms().stream().map(HostReply.VmStats::vm).toList();
    }

    /** What each running VM demands and dirties, as its host last reported, for placement. */
    public Map<String, ClusterView.Figures> demands() {
        Map<String, ClusterView.Figures> out = new HashMap<>();
        for (HostReply.HostStats host : stats.values()) {
            for (HostReply.VmStats v : host.vms()) {
                out.put(v.vm(), new ClusterView.Figures(v.demandMips(), v.dirtyPagesPerSecond(), 0));
            }
        }
        return out;
    }

    /** What every host last reported running (VM to epoch, and which are paused), as the reconciler reads it. */
    public List<HostReport> reports() {
        return stats.values().stream().map(h -> new HostReport(h.host(),
                h.vms().stream().collect(Collectors.toMap(HostReply.VmStats::vm, HostReply.VmStats::epoch, (a, b) -> a)),
                h.vms().stream().filter(HostReply.VmStats::paused).map(HostReply.VmStats::vm).collect(Collectors.toSet()))).toList();
    }

    /**
     * Where the VM runs and its figures, if a host reports it. Where two hosts report it, the one
     * at the newer lease epoch: the other's figures are older than the lease it lost (a frozen or
     * cut-off host keeps its last figures here until it answers or leaves; its copy stops at its
     * next time slice, fenced).
     */
    public Optional<RunningVm> running(String vm) {
        RunningVm newest = null;
        for (HostReply.HostStats host : stats.values()) {
            for (HostReply.VmStats v : host.vms()) {
                if (v.vm().equals(vm) && (newest == null || v.epoch() > newest.stats().epoch())) {
                    newest = new RunningVm(host.host(), v);
                }
            }
        }
        return Optional.ofNullable(newest);
    }
}
