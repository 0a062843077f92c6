package dev.vivarium.node.experiment;

import java.util.List;

/**
 * A load-balancing experiment, as a scenario file gives it (config/scenarios/README.md has the
 * format): the hosts and their capacities, the VMs and their load, DRS's settings, and a
 * timeline of what happens when.
 *
 * @param durationSeconds how long it runs
 * @param sampleSeconds   how often it records
 * @param vmSpeedMips     simulation only: what a VM at 100% duty demands (in a lab it is the
 *                        emulator's speed on that machine)
 */
public record Scenario(String name, String description, double durationSeconds, double sampleSeconds, double vmSpeedMips,
                       Drs drs, List<HostSpec> hosts, List<VmSpec> vms, List<GroupSpec> hostGroups, List<RuleSpec> rules,
                       List<Step> timeline) {

    /**
     * DRS's settings for the run.
     *
     * @param automation manual, partiallyAutomated or fullyAutomated
     * @param periodSeconds a round every this long
     * @param smoothingSeconds the time constant of the figures' average
     */
    public record Drs(String automation, int threshold, int maxMoves, double periodSeconds, double smoothingSeconds,
                      int maxConcurrentMoves) {
    }

    /** A host: its CPU budget (MIPS, which it can really deliver) and memory for VMs. */
    public record HostSpec(String name, long capacityMips, long memoryMiB) {
    }

    /**
     * A VM running {@code cpuburn} at {@code duty} percent (its load, which the timeline changes).
     *
     * @param dirtyPagesPerSec simulation only: how fast it writes memory (in a lab the guest decides)
     */
    public record VmSpec(String name, long memoryMiB, int duty, int shares, long reservationMips, long limitMips,
                         double dirtyPagesPerSec, String restartPriority) {
    }

    public record GroupSpec(String name, List<String> hosts) {
    }

    /** A rule as {@code rule create} takes it: kind affinity, anti-affinity, must-run-on, ... */
    public record RuleSpec(String name, String kind, List<String> vms, String hostGroup) {
    }

    /** What happens at {@code atSeconds}. */
    public record Step(double atSeconds, Action action) {
    }

    /** The timeline's actions. */
    public sealed interface Action {
        /** A short sentence for the report's event table. */
        String describe();
    }

    /**
     * Sets the load of VMs: those named, or all that run on {@code host} when it happens (a hotspot
     * on a host), to {@code duty} percent.
     */
    public record Load(List<String> vms, String host, int duty) implements Action {
        public String describe() {
            return "load " + (host != null ? "of the VMs on " + host : String.join(", ", vms)) + " to " + duty + "%";
        }
    }

    /**
     * A day/night cycle from now on: the VMs' duty follows a sine between {@code minDuty} (night)
     * and {@code maxDuty} (day) with the given period, each VM shifted by {@code phaseSpread} of a
     * period from the previous (so the cluster's busy VMs move around), changed every
     * {@code stepSeconds}.
     */
    public record Diurnal(List<String> vms, double periodSeconds, int minDuty, int maxDuty, double phaseSpread,
                          double stepSeconds) implements Action {
        public String describe() {
            return "day/night cycle of " + String.join(", ", vms) + ": " + minDuty + "-" + maxDuty + "% every "
                    + (long) periodSeconds + " s";
        }

        /** The duty of the {@code index}-th VM at {@code seconds} after the cycle began. */
        int dutyAt(int index, double seconds) {
            double phase = 2 * Math.PI * (seconds / periodSeconds + index * phaseSpread);
            return (int) Math.round(minDuty + (maxDuty - minDuty) * (1 - Math.cos(phase)) / 2);
        }
    }

    public record FailHost(String host) implements Action {
        public String describe() {
            return "host " + host + " fails";
        }
    }

    public record EnterMaintenance(String host) implements Action {
        public String describe() {
            return "host " + host + " enters maintenance mode";
        }
    }

    public record ExitMaintenance(String host) implements Action {
        public String describe() {
            return "host " + host + " exits maintenance mode";
        }
    }

    public record AddRule(RuleSpec rule) implements Action {
        public String describe() {
            return "rule " + rule.name() + " (" + rule.kind() + ") added for " + String.join(", ", rule.vms());
        }
    }

    public record RemoveRule(String rule) implements Action {
        public String describe() {
            return "rule " + rule + " removed";
        }
    }

    public record PowerOn(List<String> vms) implements Action {
        public String describe() {
            return "power on " + String.join(", ", vms);
        }
    }

    public record PowerOff(List<String> vms) implements Action {
        public String describe() {
            return "power off " + String.join(", ", vms);
        }
    }
}
