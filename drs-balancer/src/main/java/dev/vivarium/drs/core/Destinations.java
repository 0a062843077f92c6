package dev.vivarium.drs.core;

import java.util.TreeSet;
import java.util.function.IntPredicate;

/**
 * Picks the host a VM should go to when it has to go somewhere: placed at power-on or by HA,
 * moved off a host in maintenance, moved to keep a rule. Every such choice is this one: among
 * the connected hosts with the VM's memory and reservation free that break no hard rule, the one
 * that keeps the most soft rules, then leaves the cluster best balanced, then has the most
 * memory free, then holds the fewest VMs, then comes first by name.
 */
final class Destinations {

    /** A host (index), or -1 and why none. */
    record Choice(int host, String why) {

        boolean found() {
            return host >= 0;
        }
    }

    private Destinations() {
    }

    /**
     * @param required    what the host must also be (e.g. in a rule's host group), or null
     * @param requirement that demand in words, for the message when no host meets it
     */
    static Choice choose(ClusterModel m, int v, IntPredicate required, String requirement) {
        return choose(m, v, required, requirement, false);
    }

    /**
     * @param keepSoft only hosts where the VM keeps every soft rule it keeps now: a move that
     *                 fixes one soft rule must not break another, or two rules would trade the
     *                 VM back and forth round after round
     */
    static Choice choose(ClusterModel m, int v, IntPredicate required, String requirement, boolean keepSoft) {
        int best = -1;
        int bestPenalty = 0;
        double bestImbalance = 0;
        double bestMemory = 0;
        boolean anyConnected = false;
        boolean anyRequired = false;
        boolean anyRoom = false;
        TreeSet<String> blockers = new TreeSet<>();
        for (int h = 0; h < m.hosts.length; h++) {
            if (!m.connected(h) || h == m.hostOf[v]) {
                continue;
            }
            anyConnected = true;
            if (required != null && !required.test(h)) {
                continue;
            }
            anyRequired = true;
            if (!m.fits(v, h)) {
                continue;
            }
            anyRoom = true;
            int block = m.hardBlock(v, h);
            if (block < 0 && keepSoft) {
                block = m.softBreak(v, h, -1);
            }
            if (block >= 0) {
                blockers.add(m.rules[block].name());
                continue;
            }
            int penalty = m.softPenalty(v, h);
            double imbalance = m.imbalanceIf(v, h);
            double memory = (m.hostMemory[h] + m.vms[v].memoryMiB()) / (double) m.hosts[h].memoryMiB();
            if (best < 0 || better(penalty, imbalance, memory, m.residents.get(h).size(),
                    bestPenalty, bestImbalance, bestMemory, m.residents.get(best).size())) {
                best = h;
                bestPenalty = penalty;
                bestImbalance = imbalance;
                bestMemory = memory;
            }
        }
        if (best >= 0) {
            return new Choice(best, null);
        }
        String why;
        if (!anyConnected) {
            why = m.hostOf[v] >= 0 ? "no other connected host outside maintenance mode"
                    : "no connected host outside maintenance mode";
        } else if (!anyRequired) {
            why = requirement + " allows none of the connected hosts outside maintenance mode";
        } else if (!anyRoom) {
            why = "no connected host" + (required == null ? "" : " that " + requirement + " allows") + " has "
                    + m.vms[v].memoryMiB() + " MiB of memory and " + m.vms[v].reservationMips()
                    + " MIPS of reservation free" + mostFree(m, v, required);
        } else {
            why = (blockers.size() == 1 ? "rule " : "rules ") + String.join(", ", blockers)
                    + " keep" + (blockers.size() == 1 ? "s" : "") + " it from every host with room";
        }
        return new Choice(-1, why);
    }

    /** The most any candidate host has free of each resource, with the host: what the user can compare. */
    private static String mostFree(ClusterModel m, int v, IntPredicate required) {
        int memoryHost = -1;
        int mipsHost = -1;
        for (int h = 0; h < m.hosts.length; h++) {
            if (!m.connected(h) || h == m.hostOf[v] || required != null && !required.test(h)) {
                continue;
            }
            if (memoryHost < 0 || freeMemory(m, h) > freeMemory(m, memoryHost)) {
                memoryHost = h;
            }
            if (mipsHost < 0 || freeMips(m, h) > freeMips(m, mipsHost)) {
                mipsHost = h;
            }
        }
        return memoryHost < 0 ? "" : "; the most free: " + freeMemory(m, memoryHost) + " MiB on "
                + m.hosts[memoryHost].name() + ", " + freeMips(m, mipsHost) + " MIPS unreserved on " + m.hosts[mipsHost].name();
    }

    private static long freeMemory(ClusterModel m, int h) {
        return m.hosts[h].memoryMiB() - m.hostMemory[h];
    }

    private static long freeMips(ClusterModel m, int h) {
        return m.hosts[h].capacityMips() - m.hostReserved[h];
    }

    private static boolean better(int penalty, double imbalance, double memory, int count,
                                  int bestPenalty, double bestImbalance, double bestMemory, int bestCount) {
        if (penalty != bestPenalty) {
            return penalty < bestPenalty;
        }
        if (imbalance != bestImbalance) {
            return imbalance < bestImbalance;
        }
        if (memory != bestMemory) {
            return memory < bestMemory;
        }
        return count < bestCount; // equal: the earlier host (by name) stays
    }
}
