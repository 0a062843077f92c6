package dev.vivarium.node.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeServices;
import dev.vivarium.node.TestNodes;
import dev.vivarium.node.events.VivariumEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three members in one JVM: they form one cluster, name each other, and see members downed and leaving. */
class ClusterFormationTest {

    @TempDir
    Path dir;

    private final List<HostNode> nodes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        nodes.forEach(n -> {
            if (!n.system().whenTerminated().isCompleted()) {
                n.close();
            }
        });
    }

    private HostNode start(String name) throws Exception {
        HostNode n = TestNodes.start(dir, name, NodeServices.notBuiltYet());
        nodes.add(n);
        return n;
    }

    private static List<String> upHosts(HostNode n) {
        return new ClusterMembership(n.system(), HostResources.UNKNOWN).hosts().stream()
                .filter(h -> "Up".equals(h.memberStatus())).map(HostView::name).toList();
    }

    @Test
    void threeMembersFormOneClusterThenOneIsDownedAndOneLeaves() throws Exception {
        HostNode first = start("host-1");
        HostNode second = start("host-2");
        HostNode third = start("host-3");
        TestNodes.join(first, first);
        TestNodes.join(second, first);
        TestNodes.join(third, first);

        for (HostNode n : nodes) {
            await().atMost(Duration.ofSeconds(60)).until(() -> upHosts(n).equals(List.of("host-1", "host-2", "host-3")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.events().recent(100).stream()
                .filter(e -> e.type().equals("HostUp")).map(VivariumEvent::subject).toList()
                .containsAll(List.of("host-1", "host-2", "host-3")));

        // Downed (as the Split Brain Resolver downs a lost host): the member shuts itself down and says why.
        Cluster.get(first.system()).manager().tell(new Down(Cluster.get(third.system()).selfMember().address()));
        assertThat(HostNode.wasDowned(third.awaitTermination())).isTrue();
        for (HostNode n : List.of(first, second)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> hosts(n).equals(List.of("host-1", "host-2")) && upHosts(n).size() == 2);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.events().recent(100).stream()
                .anyMatch(e -> e.type().equals("HostRemoved") && e.subject().equals("host-3")));
        assertThat(first.events().recent(100)).anyMatch(e -> e.type().equals("HostDowned") && e.subject().equals("host-3"));

        // Leaving (SIGTERM, lab down): no one downs it.
        second.close();
        assertThat(HostNode.wasDowned(second.awaitTermination())).isFalse();
        await().atMost(Duration.ofSeconds(60)).until(() -> hosts(first).equals(List.of("host-1")));
        assertThat(first.events().recent(100)).noneMatch(e -> e.type().equals("HostDowned") && e.subject().equals("host-2"));
    }

    private static List<String> hosts(HostNode n) {
        return new ClusterMembership(n.system(), HostResources.UNKNOWN).hosts().stream().map(HostView::name).toList();
    }

    @Test
    void theVmDispatcherIsItsOwn() throws Exception {
        HostNode n = start("host-1");
        var vm = n.system().dispatchers().lookup(DispatcherSelector.fromConfig("vivarium.vm-dispatcher"));
        var dflt = n.system().dispatchers().lookup(DispatcherSelector.defaultDispatcher());
        assertThat(vm).isNotSameAs(dflt);
        assertThat(vm.toString()).contains("vivarium.vm-dispatcher");
    }
}
