package dev.vivarium.drs.model;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A placement rule, as vSphere's DRS rules: VM–VM (keep together, keep apart) and VM–host (a
 * set of VMs must or should run, or not run, on a group of hosts). The core keeps a rule when it
 * places and balances, fixes a broken one before it balances, and reports one it cannot keep.
 */
public sealed interface Rule {

    String name();

    /** The VMs the rule is about. */
    List<String> vms();

    /** Keep these VMs on one host ("keep virtual machines together"). */
    record Affinity(String name, List<String> vms) implements Rule {
        public Affinity {
            vms = members(name, vms);
        }
    }

    /** Keep these VMs on different hosts ("separate virtual machines"). */
    record AntiAffinity(String name, List<String> vms) implements Rule {
        public AntiAffinity {
            vms = members(name, vms);
        }
    }

    /**
     * These VMs must (or should) run on a host of the group, or, when {@code onGroup} is false,
     * on a host outside it. A MUST rule is never broken; a SHOULD rule is kept where it can be
     * and may give way when nothing else can run the VM.
     *
     * @param hostGroup the group's name, for messages
     * @param hosts     the group's hosts
     */
    record VmHost(String name, List<String> vms, String hostGroup, Set<String> hosts, Strength strength,
                  boolean onGroup) implements Rule {
        public VmHost {
            vms = members(name, vms);
            Objects.requireNonNull(hostGroup, "hostGroup");
            Objects.requireNonNull(strength, "strength");
            hosts = Set.copyOf(hosts);
        }

        /** Whether {@code host} is one this rule lets its VMs run on. */
        public boolean allows(String host) {
            return hosts.contains(host) == onGroup;
        }

        public boolean mandatory() {
            return strength == Strength.MUST;
        }

        /** "must run on group g", "should not run on group g". */
        public String relation() {
            return strength.name().toLowerCase() + (onGroup ? " run on" : " not run on") + " host group " + hostGroup;
        }

        /** The group's hosts, sorted, for messages. */
        public String hostList() {
            return String.join(", ", new TreeSet<>(hosts));
        }
    }

    enum Strength { MUST, SHOULD }

    private static List<String> members(String name, List<String> vms) {
        Objects.requireNonNull(name, "name");
        List<String> copy = List.copyOf(vms);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("rule " + name + " names no VM");
        }
        return copy;
    }
}
