package dev.vivarium.node.config;

/** The Artery address of a member to join, as written in configuration: {@code host:port}. */
public record SeedNode(String host, int port) {

    /** Parses {@code host:port}; {@code key} names the setting in the error. */
    public static SeedNode parse(String key, String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new ConfigProblem(key, "'" + text + "' is not host:port");
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new ConfigProblem(key, "'" + text + "' has no numeric port");
        }
        if (port < 1 || port > 65535) {
            throw new ConfigProblem(key, "'" + text + "' has port " + port + ", outside 1..65535");
        }
        return new SeedNode(text.substring(0, colon), port);
    }

    /** The address Pekko wants in {@code pekko.cluster.seed-nodes}. */
    public String pekkoAddress(String systemName) {
        return "pekko://" + systemName + "@" + host + ":" + port;
    }
}
