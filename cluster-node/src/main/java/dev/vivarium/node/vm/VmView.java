package dev.vivarium.node.vm;

/**
 * A VM as {@code GET /api/v1/vms} shows it (the fields issue 5 names).
 *
 * @param powerState        poweredOn, poweredOff, suspended or paused (VirtualCenter's names)
 * @param desiredPowerState what the inventory wants it to be
 * @param host              where it runs, null when it runs nowhere
 * @param epoch             the lease epoch of its current run
 * @param lastFailure       why its last power-on failed, while that stands (until it runs or is
 *                          asked to power on again); null when none
 */
public record VmView(String name, String powerState, String desiredPowerState, String host, long epoch,
                     long memoryMiB, String workload, Metrics metrics, String lastFailure) {

    /** A VM without a standing failure. */
    public VmView(String name, String powerState, String desiredPowerState, String host, long epoch,
                  long memoryMiB, String workload, Metrics metrics) {
        this(name, powerState, desiredPowerState, host, epoch, memoryMiB, workload, metrics, null);
    }

    /** What the VM's actor measures. */
    public record Metrics(double deliveredIps, double demandIps, double readyPct, double dirtyPagesPerSec) {
    }
}
