package dev.vivarium.ha.decide;

import dev.vivarium.datastore.config.RestartPriority;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.PowerState;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * HA's decisions as pure functions of what one node sees, with time passed in (Pacemaker's
 * scheduler and Proxmox's CRM are shaped so; ../shared/design/MODELS.md §2). The agent that
 * carries them out is {@link dev.vivarium.ha.agent.HaAgent}.
 *
 * <p>A host has failed when both of vSphere HA's signals say so: the cluster's failure detector
 * no longer reaches it (or it is no member any more), and its datastore heartbeat has stood still
 * for the lease time on this node's clock. By then it has fenced itself (its VMs stopped a margin
 * earlier on its own clock) and its leases may be taken: no wait for the Split Brain Resolver's
 * downing or for a singleton to move. A host that is only unreachable (a partition, a hung
 * network) but still renews its heartbeat keeps its VMs. A host the cluster still reaches whose
 * heartbeat stood still as long has lost its storage: it fenced itself just the same, so its VMs
 * are restarted too (vSphere's VM component protection does so for a host that lost its
 * datastore), and the lease is what makes that safe in both cases.
 */
public final class HaDecisions {

    private HaDecisions() {
    }

    /**
     * The hosts other than {@code self} whose VMs HA restarts: their datastore heartbeat stood
     * still for the lease time. {@link #failedByBoth} tells a failed host from one that lost its storage.
     */
    public static Set<String> failedHosts(String self, Collection<HostObservation> seen, Duration leaseTime) {
        Set<String> failed = new TreeSet<>();
        for (HostObservation o : seen) {
            if (!o.host().equals(self) && o.heartbeatSilentFor().compareTo(leaseTime) >= 0) {
                failed.add(o.host());
            }
        }
        return failed;
    }

    /** Whether a host HA acts on failed by both signals (else the cluster still reaches it: it lost its storage). */
    public static boolean failedByBoth(HostObservation o) {
        return !o.reachableMember();
    }

    /**
     * The VMs of failed hosts that HA restarts, highest restart priority first (then by name).
     * Left out: VMs whose priority is {@code DISABLED}, and VMs the inventory (as last seen) wants
     * powered off or suspended. A VM the inventory does not know (created while it was away, or
     * the inventory was never reached) ran under a lease, so it should run.
     */
    public static List<Candidate> candidates(Set<String> failed, Collection<HeldVm> held, Optional<Inventory> inventory) {
        List<Candidate> out = new ArrayList<>();
        for (HeldVm h : held) {
            if (!failed.contains(h.owner()) || h.priority() == RestartPriority.DISABLED) {
                continue;
            }
            VmRecord record = inventory.map(inv -> inv.vms().get(h.vm())).orElse(null);
            if (record != null && !record.desired().resident()) {
                continue;
            }
            boolean paused = h.pausedMark() || (record != null && record.desired() == PowerState.PAUSED);
            out.add(new Candidate(h.vm(), h.owner(), h.epoch(), h.priority(), paused));
        }
        out.sort(Comparator.comparing(Candidate::priority).reversed().thenComparing(Candidate::vm));
        return out;
    }

    /**
     * What this node does about each candidate. {@code placement} is the host the placement chose
     * for each VM (absent: no host has room); {@code pendingSinceNanos} when this node first saw
     * each candidate. This node restarts the VMs placed on its host at once, and any other VM once
     * it has waited {@code fallbackAfter} for its chosen host (which may itself be failing, or may
     * have seen the cluster differently): the datastore lease lets exactly one racer win.
     * A VM the placement knows nothing of (absent from {@code placement}: the inventory was not
     * reached, or does not know the VM yet) is raced for at once. A VM no host has room for is
     * retried by the caller.
     */
    public static List<HaAction> decide(String self, List<Candidate> candidates, Map<String, Optional<String>> placement,
                                        Map<String, Long> pendingSinceNanos, long nowNanos, Duration fallbackAfter) {
        List<HaAction> actions = new ArrayList<>();
        for (Candidate c : candidates) {
            if (!placement.containsKey(c.vm())) {
                actions.add(new HaAction.Restart(c, "host " + c.from() + " failed; no placement known for it, every survivor races"));
                continue;
            }
            Optional<String> chosen = placement.get(c.vm());
            long since = pendingSinceNanos.getOrDefault(c.vm(), nowNanos);
            boolean waitedLongEnough = nowNanos - since >= fallbackAfter.toNanos();
            if (chosen.isPresent() && chosen.get().equals(self)) {
                actions.add(new HaAction.Restart(c, "host " + c.from() + " failed; placed on " + self));
            } else if (chosen.isPresent() && !waitedLongEnough) {
                actions.add(new HaAction.LeaveTo(c, chosen.get()));
            } else if (chosen.isPresent()) {
                actions.add(new HaAction.Restart(c, "host " + c.from() + " failed; " + chosen.get()
                        + " (the placement's choice) has not restarted it within " + fallbackAfter.toMillis() + " ms"));
            } else {
                actions.add(new HaAction.NoRoom(c, "no surviving host has room for it"));
            }
        }
        return actions;
    }
}
