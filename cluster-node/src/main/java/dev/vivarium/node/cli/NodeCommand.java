package dev.vivarium.node.cli;

import dev.vivarium.node.HostNode;
import dev.vivarium.node.NodeWiring;
import dev.vivarium.node.config.ConfigProblem;
import dev.vivarium.node.config.NodeConfigLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vivarium node --config FILE}: runs one host until it is stopped (SIGTERM) or downed. */
@Command(name = "node", mixinStandardHelpOptions = true,
        description = {"Run one host: a cluster member that joins the seed nodes of its configuration and serves the REST API.",
                "Exit status: 0 after a clean stop, 3 when the cluster downed this host, 2 for a wrong or missing setting (the message names it), 1 when it cannot start."})
public final class NodeCommand implements Callable<Integer> {

    @Option(names = "--config", required = true, paramLabel = "FILE",
            description = "The node's HOCON file (see config/lab.conf and config/multi-machine.conf).")
    Path config;

    @Override
    public Integer call() {
        NodeConfigLoader.Loaded loaded;
        HostNode node;
        try {
            loaded = NodeConfigLoader.load(config);
            String host = loaded.settings().name();
            node = HostNode.start(loaded, (system, events) -> NodeWiring.wire(system, host, events));
        } catch (ConfigProblem e) {
            System.err.println("vivarium node: configuration error in " + config + ": " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            System.err.println("vivarium node: " + e.getMessage());
            return 1;
        }
        System.out.println("vivarium node " + loaded.settings().name() + ": cluster member at "
                + loaded.settings().host() + ":" + loaded.settings().port() + ", API at " + node.apiUrl() + "/api/v1");
        String name = loaded.settings().name();
        node.beforeTermination(reason -> {
            System.out.println("vivarium node " + name + ": stopped "
                    + (HostNode.wasDowned(reason) ? "because the cluster downed this host" : "(" + reason + ")"));
            System.out.flush();
        });
        return HostNode.wasDowned(node.awaitTermination()) ? 3 : 0;
    }
}
