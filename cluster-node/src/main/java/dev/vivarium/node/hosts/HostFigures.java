package dev.vivarium.node.hosts;

import dev.vivarium.node.cluster.HostResources;
import dev.vivarium.vm.host.HostReply;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest figures of every host's agent as this node last polled them, read by the API
 * threads: the host list's capacity and use, and each running VM's host, epoch and metrics.
 */
public final class HostFigures implements HostResources {

    /** A running VM as its host reports it. */
    public record RunningVm(String host, HostReply.VmStats stats) {
    }

    private final Map<String, HostReply.HostStats> stats = new ConcurrentHashMap<>();
    private final Map<String, Integer> memoryBudgets = new ConcurrentHashMap<>();
    private final Map<String, Boolean> maintenance = new ConcurrentHashMap<>();

    void update(HostReply.HostStats host) {
        stats.put(host.host(), host);
    }

    void forget(String host) {
        stats.remove(host);
    }

    /** The host's memory budget for VMs, as it joined the inventory with. */
    void memoryBudget(String host, int memoryMiB) {
        memoryBudgets.put(host, memoryMiB);
    }

    /** Whether the inventory has the host in maintenance mode. */
    void inMaintenanceMode(String host, boolean inMaintenance) {
        maintenance.put(host, inMaintenance);
    }

    @Override
    public Optional<Boolean> inMaintenanceMode(String hostName) {
        return Optional.ofNullable(maintenance.get(hostName));
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

    /** Where the VM runs and its figures, if a host reports it. */
    public Optional<RunningVm> running(String vm) {
        for (HostReply.HostStats host : stats.values()) {
            for (HostReply.VmStats v : host.vms()) {
                if (v.vm().equals(vm)) {
                    return Optional.of(new RunningVm(host.host(), v));
                }
            }
        }
        return Optional.empty();
    }
}
