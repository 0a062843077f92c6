package dev.vivarium.vm.actor;

/**
 * What a VM did since its previous report, in answer to a {@link VmCommand.Grant}.
 *
 * @param intervalNanos host time since the previous report
 * @param instructions  guest instructions executed
 * @param runNanos      host time spent executing them
 * @param readyNanos    host time the guest wanted to run but had no instructions granted
 * @param creditLimited whether it ran out of granted instructions: its demand is more than it got
 * @param memoryBytes   guest pages the VM holds in the host's memory
 * @param dirtyPages    guest pages written since the previous report
 * @param paused        whether the VM is paused now (management paused it; not a suspend or power-off under way)
 */
public record VmUsage(String vm, long intervalNanos, long instructions, long runNanos, long readyNanos, boolean creditLimited,
                      long memoryBytes, long dirtyPages, boolean paused) {
}
