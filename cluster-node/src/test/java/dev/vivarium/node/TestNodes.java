package dev.vivarium.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.vivarium.node.config.NodeConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;

/** Nodes for tests: several in one JVM, each on free ports (0), joined explicitly. */
public final class TestNodes {

    public static final String TOKEN = "test-token-0123456789";

    private TestNodes() {
    }

    /** A node's own settings as a test writes them: free ports, no seeds, the token in {@code dir}. */
    public static Config config(Path dir, String name) throws IOException {
        Path token = dir.resolve("api-token");
        if (!Files.exists(token)) {
            Files.writeString(token, TOKEN + "\n");
        }
        return ConfigFactory.parseMap(Map.of(
                "vivarium.node.name", name,
                "vivarium.api.token-file", token.toString(),
                // Several ActorSystems in one JVM each register the cluster's JMX bean.
                "pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on"));
    }

    public static HostNode start(Path dir, String name, NodeServices services) throws IOException {
        return HostNode.start(NodeConfigLoader.load(config(dir, name)), services);
    }

    /** Makes {@code node} join the cluster of {@code seed} (itself: forms a new cluster). */
    public static void join(HostNode node, HostNode seed) {
        Cluster.get(node.system()).manager().tell(Join.create(Cluster.get(seed.system()).selfMember().address()));
    }
}
