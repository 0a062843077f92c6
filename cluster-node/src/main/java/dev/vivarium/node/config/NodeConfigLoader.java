package dev.vivarium.node.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.vivarium.node.web.WebPeers;
import dev.vivarium.node.web.WebSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads a node's configuration file over the defaults, checks every setting a node relies on,
 * and derives Pekko's transport and seed settings from {@code vivarium.node.*}, so a user sets
 * an address once. Every failure is a {@link ConfigProblem} that names its key.
 */
public final class NodeConfigLoader {

    private static final Pattern HOST_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Set<String> STRATEGIES =
            Set.of("keep-majority", "static-quorum", "keep-oldest", "down-all", "lease-majority");
    /** Sub-trees whose keys belong to Pekko's dispatcher configuration, not to us. */
    private static final List<String> OPEN_SUBTREES = List.of("vivarium.vm-dispatcher.");

    /** The role prefix that carries a member's host name through cluster gossip. */
    public static final String NAME_ROLE_PREFIX = "host-name:";

    private NodeConfigLoader() {
    }

    /** A node's whole configuration: its own settings and the Config its ActorSystem starts with. */
    public record Loaded(NodeSettings settings, Config config) {
    }

    /** Reads {@code file} and validates it; see {@link #load(Config)}. */
    public static Loaded load(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ConfigProblem("--config", "no such file: " + file);
        }
        Config user;
        try {
            user = ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
        } catch (ConfigException e) {
            throw new ConfigProblem(keyOf(e, "--config"), e.getMessage());
        }
        return load(user);
    }

    /** Validates a node's own settings (already parsed) laid over the defaults. */
    public static Loaded load(Config user) {
        rejectUnknownKeys(user);
        Config merged;
        try {
            merged = user
                    .withFallback(ConfigFactory.parseResources(NodeConfigLoader.class.getClassLoader(),
                            "vivarium-node-pekko.conf"))
                    .withFallback(ConfigFactory.defaultReference(NodeConfigLoader.class.getClassLoader()))
                    .resolve();
        } catch (ConfigException e) {
            throw new ConfigProblem(keyOf(e, "configuration"), e.getMessage());
        }
        NodeSettings settings = settings(merged);
        checkPekko(merged);
        WebSettings web = WebSettings.fromConfig(merged);
        return new Loaded(settings, derived(settings, web).withFallback(merged));
    }

    private static NodeSettings settings(Config c) {
        String name = string(c, "vivarium.node.name");
        if (!HOST_NAME.matcher(name).matches()) {
            throw new ConfigProblem("vivarium.node.name",
                    "'" + name + "' is not a host name (lower-case letters, digits and '-', at most 63)");
        }
        String host = string(c, "vivarium.node.host");
        int port = port(c, "vivarium.node.port");
        List<SeedNode> seeds = new ArrayList<>();
        List<String> seedTexts = get(c, "vivarium.node.seed-nodes", c::getStringList);
        for (int i = 0; i < seedTexts.size(); i++) {
            seeds.add(SeedNode.parse("vivarium.node.seed-nodes[" + i + "]", seedTexts.get(i)));
        }
        String apiHost = string(c, "vivarium.api.host");
        int apiPort = port(c, "vivarium.api.port");
        Path tokenFile = Path.of(string(c, "vivarium.api.token-file"));
        if (!Files.isReadable(tokenFile)) {
            throw new ConfigProblem("vivarium.api.token-file", "cannot read " + tokenFile);
        }
        Duration timeout = positive(c, "vivarium.api.request-timeout");
        int history = get(c, "vivarium.api.event-history", c::getInt);
        if (history < 1) {
            throw new ConfigProblem("vivarium.api.event-history", "must be at least 1, not " + history);
        }
        if (!c.hasPath("vivarium.vm-dispatcher.type")) {
            throw new ConfigProblem("vivarium.vm-dispatcher.type", "is missing; the VMs need their own dispatcher");
        }
        return new NodeSettings(name, host, port, seeds, apiHost, apiPort, tokenFile, timeout, history);
    }

    /** The Pekko timings a profile sets: a typo there would otherwise surface only at failover. */
    private static void checkPekko(Config c) {
        String provider = string(c, "pekko.cluster.downing-provider-class");
        if (provider.isBlank()) {
            throw new ConfigProblem("pekko.cluster.downing-provider-class",
                    "is empty: nobody would down a lost host and its VMs would never restart");
        }
        String strategy = string(c, "pekko.cluster.split-brain-resolver.active-strategy");
        if (!STRATEGIES.contains(strategy)) {
            throw new ConfigProblem("pekko.cluster.split-brain-resolver.active-strategy",
                    "'" + strategy + "' is none of " + STRATEGIES);
        }
        Duration stable = positive(c, "pekko.cluster.split-brain-resolver.stable-after");
        Duration heartbeat = positive(c, "pekko.cluster.failure-detector.heartbeat-interval");
        Duration pause = positive(c, "pekko.cluster.failure-detector.acceptable-heartbeat-pause");
        if (stable.compareTo(heartbeat.plus(pause)) < 0) {
            throw new ConfigProblem("pekko.cluster.split-brain-resolver.stable-after",
                    stable + " is shorter than the failure detector's heartbeat-interval + acceptable-heartbeat-pause ("
                            + heartbeat.plus(pause) + "): a side could decide before it has seen who is gone");
        }
    }

    /** Pekko's settings that follow from {@code vivarium.node.*}. */
    private static Config derived(NodeSettings s, WebSettings web) {
        List<String> seeds = s.seedNodes().stream().map(n -> n.pekkoAddress(NodeSettings.SYSTEM_NAME)).toList();
        List<String> roles = new ArrayList<>(List.of("host", NAME_ROLE_PREFIX + s.name()));
        // Pages served by other nodes learn here where to carry on when their node dies.
        web.publicUrl().ifPresent(url -> roles.add(WebPeers.ROLE_PREFIX + url));
        return ConfigFactory.parseMap(Map.of(
                "pekko.remote.artery.canonical.hostname", s.host(),
                "pekko.remote.artery.canonical.port", s.port(),
                "pekko.cluster.seed-nodes", ConfigValueFactory.fromIterable(seeds),
                "pekko.cluster.roles", ConfigValueFactory.fromIterable(roles),
                "pekko.http.server.request-timeout", s.requestTimeout().toMillis() + "ms"));
    }

    /** A misspelt key would silently be ignored; refuse keys under vivarium that the defaults lack. */
    private static void rejectUnknownKeys(Config user) {
        if (!user.hasPath("vivarium")) {
            return;
        }
        Config reference = ConfigFactory.defaultReference(NodeConfigLoader.class.getClassLoader());
        for (var entry : user.getConfig("vivarium").entrySet()) {
            String key = "vivarium." + entry.getKey();
            if (OPEN_SUBTREES.stream().noneMatch(key::startsWith) && !reference.hasPathOrNull(key)) {
                throw new ConfigProblem(key, "is not a setting of Vivarium (misspelt?)");
            }
        }
    }

    private static String string(Config c, String key) {
        String value = get(c, key, c::getString);
        if (value.isBlank()) {
            throw new ConfigProblem(key, "is empty");
        }
        return value;
    }

    private static int port(Config c, String key) {
        int port = get(c, key, c::getInt);
        if (port < 0 || port > 65535) {
            throw new ConfigProblem(key, port + " is outside 0..65535");
        }
        return port;
    }

    private static Duration positive(Config c, String key) {
        Duration d = get(c, key, c::getDuration);
        if (d.isZero() || d.isNegative()) {
            throw new ConfigProblem(key, "must be positive, not " + d);
        }
        return d;
    }

    private static <T> T get(Config c, String key, Function<String, T> reader) {
        try {
            if (c.getIsNull(key)) {
                throw new ConfigProblem(key, "is required and not set");
            }
            return reader.apply(key);
        } catch (ConfigException.Missing e) {
            throw new ConfigProblem(key, "is required and not set");
        } catch (ConfigException e) {
            throw new ConfigProblem(key, e.getMessage());
        }
    }

    private static String keyOf(ConfigException e, String fallback) {
        return e.origin() != null ? e.origin().description() : fallback;
    }
}
