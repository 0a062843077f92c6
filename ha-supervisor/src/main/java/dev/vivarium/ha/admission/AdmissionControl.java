package dev.vivarium.ha.admission;

import dev.vivarium.vcenter.inventory.HostRecord;
import dev.vivarium.vcenter.inventory.Inventory;
import dev.vivarium.vcenter.inventory.RestartPriority;
import dev.vivarium.vcenter.inventory.VmRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * HA admission control (vSphere's "host failures the cluster tolerates", judged by packing the
 * VMs rather than by slots): the VMs HA protects (that should run, restart priority not
 * disabled) must fit, by memory and CPU reservation, on the hosts left after the largest
 * {@code N} fail, packed largest first. Pure: the caller passes the inventory.
 */
public final class AdmissionControl {

    /**
     * The cluster's failover capacity now.
     *
     * @param hostFailuresTolerated how many host failures (the largest hosts first) still leave room for every protected VM
     * @param protectedMemoryMiB    the memory of the VMs HA would restart
     * @param protectedReservationMips their CPU reservations
     */
    public record Capacity(int hosts, int hostFailuresTolerated, long protectedMemoryMiB, long protectedReservationMips,
                           long memoryMiB, long capacityMips) {
    }

    private AdmissionControl() {
    }

    public static Capacity capacity(Inventory inv) {
        return capacity(inv, Optional.empty());
    }

    /** The capacity if {@code extra} (a VM about to be powered on) were protected too. */
    public static Capacity capacity(Inventory inv, Optional<VmRecord> extra) {
        List<HostRecord> up = new ArrayList<>(inv.hosts().values().stream().filter(h -> h.state().up()).toList());
        List<VmRecord> vms = new ArrayList<>(inv.vms().values());
        extra.ifPresent(e -> {
            vms.removeIf(v -> v.name().equals(e.name()));
            vms.add(e);
        });
        List<VmRecord> protectedVms = vms.stream()
                .filter(vm -> vm.desired().resident() && vm.config().restartPriority() != RestartPriority.DISABLED)
                .sorted(Comparator.comparingInt((VmRecord v) -> v.config().memoryMiB()).reversed().thenComparing(VmRecord::name))
                .toList();
        // Worst case: the largest hosts fail first.
        up.sort(Comparator.comparingLong(HostRecord::memoryMiB).thenComparingLong(HostRecord::capacityMips).reversed());
        int tolerated = 0;
        for (int failed = 0; failed < up.size(); failed++) {
            if (!fits(protectedVms, up.subList(failed, up.size()))) {
                break;
            }
            tolerated = failed;
        }
        return new Capacity(up.size(), tolerated, protectedVms.stream().mapToLong(v -> v.config().memoryMiB()).sum(),
                protectedVms.stream().mapToLong(v -> v.config().reservationMips()).sum(),
                up.stream().mapToLong(HostRecord::memoryMiB).sum(), up.stream().mapToLong(HostRecord::capacityMips).sum());
    }

    /** First fit decreasing: each VM, largest first, on the survivor with the most memory left that also has its reservation. */
    private static boolean fits(List<VmRecord> vms, List<HostRecord> hosts) {
        long[] memory = hosts.stream().mapToLong(HostRecord::memoryMiB).toArray();
        long[] mips = hosts.stream().mapToLong(HostRecord::capacityMips).toArray();
        for (VmRecord vm : vms) {
            int best = -1;
            for (int h = 0; h < hosts.size(); h++) {
                if (memory[h] >= vm.config().memoryMiB() && mips[h] >= vm.config().reservationMips()
                        && (best < 0 || memory[h] > memory[best])) {
                    best = h;
                }
            }
            if (best < 0) {
                return false;
            }
            memory[best] -= vm.config().memoryMiB();
            mips[best] -= vm.config().reservationMips();
        }
        return true;
    }

    /**
     * Why powering on {@code vm} would leave fewer than {@code tolerate} host failures covered;
     * empty when it may power on (or when the VM is not protected: restart priority disabled).
     */
    public static Optional<String> refusePowerOn(Inventory inv, VmRecord vm, int tolerate) {
        if (tolerate <= 0 || vm.config().restartPriority() == RestartPriority.DISABLED) {
            return Optional.empty();
        }
        Capacity after = capacity(inv, Optional.of(vm.withDesired(dev.vivarium.vcenter.inventory.PowerState.POWERED_ON)));
        if (after.hostFailuresTolerated() >= tolerate) {
            return Optional.empty();
        }
        return Optional.of("HA admission control: powering on " + vm.name() + " (" + vm.config().memoryMiB() + " MiB) would leave room "
                + "to restart every protected VM after " + after.hostFailuresTolerated() + " host failure(s), and the cluster is set to "
                + "tolerate " + tolerate + " (vivarium.ha.host-failures-to-tolerate): protected VMs would need "
                + after.protectedMemoryMiB() + " MiB of the " + after.memoryMiB() + " MiB its " + after.hosts() + " hosts have");
    }
}
