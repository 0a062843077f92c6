package dev.vivarium.node.lab;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The files of one lab: its token, its manifest (lab.json), and each node's configuration and
 * log. Every command that talks to a lab finds it by this folder.
 */
public record LabDir(Path path) {

    public LabDir {
        path = path.toAbsolutePath().normalize();
    }

    /** The folder a plain {@code lab up} uses: {@code .lab} at the repository root. */
    public static LabDir defaultDir() {
        return new LabDir(repositoryRoot().resolve(".lab"));
    }

    /**
     * The repository root: $VIVARIUM_ROOT when set (the build sets it for tests), else the folder
     * above target/ of the running jar (what ./vivarium runs), else the working directory.
     */
    public static Path repositoryRoot() {
        String env = System.getenv("VIVARIUM_ROOT");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath().normalize();
        }
        try {
            Path code = Path.of(LabDir.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(code) && code.getParent() != null && code.getParent().getFileName().toString().equals("target")) {
                Path root = code.getParent().getParent();
                if (Files.isRegularFile(root.resolve("config/lab.conf"))) {
                    return root;
                }
            }
        } catch (URISyntaxException | SecurityException e) {
            // fall through to the working directory
        }
        return Path.of("").toAbsolutePath();
    }

    public Path tokenFile() {
        return path.resolve("api-token");
    }

    public Path manifest() {
        return path.resolve("lab.json");
    }

    /** The datastore every node of the lab shares: VM configurations, leases, checkpoints. */
    public Path datastore() {
        return path.resolve("datastore");
    }

    /**
     * The node's own way to the datastore: a link to {@link #datastore()} that the lab's
     * {@code fault datastore-off} switches away (so only that node loses its storage).
     */
    public Path nodeDatastore(String node) {
        return path.resolve("nodes").resolve(node).resolve("datastore");
    }

    public Path nodeConfig(String node) {
        return path.resolve(node + ".conf");
    }

    /**
     * Settings of one node of its own, over the lab's (a larger capacity, a test's failpoints):
     * {@code lab up} includes this file when it is there.
     */
    public Path nodeLocalConfig(String node) {
        return path.resolve(node + ".local.conf");
    }

    public Path nodeLog(String node) {
        return path.resolve(node + ".log");
    }
}
