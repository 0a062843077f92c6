package dev.vivarium.node.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated {@code vivarium.*} settings of one node.
 *
 * @param name         this host's name (vivarium.node.name)
 * @param host         Artery's canonical host name
 * @param port         Artery's port, 0 for any free one
 * @param seedNodes    members to join
 * @param apiHost      where the REST API binds
 * @param apiPort      the API's port, 0 for any free one
 * @param tokenFile    the file holding the API's bearer token
 * @param requestTimeout the longest an API answer may take
 * @param eventHistory how many events the in-memory event log keeps
 */
public record NodeSettings(String name, String host, int port, List<SeedNode> seedNodes,
                           String apiHost, int apiPort, Path tokenFile, Duration requestTimeout,
                           int eventHistory) {

    /** The ActorSystem's name: every member of one cluster must use the same. */
    public static final String SYSTEM_NAME = "vivarium";

    public NodeSettings {
        seedNodes = List.copyOf(seedNodes);
    }
}
