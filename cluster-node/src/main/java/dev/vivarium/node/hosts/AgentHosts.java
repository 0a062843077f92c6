package dev.vivarium.node.hosts;

import dev.vivarium.node.cluster.ClusterMembership;
import dev.vivarium.vm.host.HostCommand;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;

/** The hosts' agents by host name: the Receptionist lists them, cluster membership names their nodes. */
public final class AgentHosts {

    private AgentHosts() {
    }

    /** Every listed agent under the name of the host whose node it lives on. */
    public static CompletionStage<Map<String, ActorRef<HostCommand>>> byHost(ActorSystem<?> system, Duration timeout) {
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                        r -> Receptionist.find(HostDirectory.AGENTS, r), timeout, system.scheduler())
                .thenApply(listing -> {
                    Map<String, ActorRef<HostCommand>> agents = new HashMap<>();
                    listing.getServiceInstances(HostDirectory.AGENTS).forEach(agent -> agents.put(hostOf(system, agent), agent));
                    return agents;
                });
    }

    /** The host name of the cluster member an actor lives on. */
    public static String hostOf(ActorSystem<?> system, ActorRef<?> ref) {
        Cluster cluster = Cluster.get(system);
        Address address = ref.path().address();
        if (!address.hasGlobalScope()) {
            return ClusterMembership.hostName(cluster.selfMember());
        }
        for (Member m : cluster.state().getMembers()) {
            if (m.address().equals(address)) {
                return ClusterMembership.hostName(m);
            }
        }
        return address.toString();
    }
}
