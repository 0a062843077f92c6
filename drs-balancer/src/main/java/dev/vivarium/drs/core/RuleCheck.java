package dev.vivarium.drs.core;

import dev.vivarium.drs.model.Cluster;
import java.util.List;
import java.util.Set;

/** Which rules the cluster breaks as its VMs run now (VMs that run nowhere break nothing). */
public final class RuleCheck {

    private RuleCheck() {
    }

    /** The names of the broken rules, in name order. */
    public static List<String> broken(Cluster cluster) {
        return new ClusterModel(cluster, Set.of()).brokenRules();
    }
}
