package dev.vivarium.node.lab;

import dev.vivarium.node.api.Json;
import dev.vivarium.node.client.ApiClient;
import dev.vivarium.vcenter.persistence.DatabaseSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The lab's inventory database: H2 as its own server process on loopback
 * ({@code H2ServerMain}), files in {@code DIR/inventory-db}, so every node reaches it and the
 * loss of any node loses nothing. Every node gets its address (config/inventory-db-lab.conf).
 */
public final class InventoryDatabase implements LabComponent {

    private static final String MAIN = "dev.vivarium.vcenter.persistence.H2ServerMain";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    @Override
    public String name() {
        return "inventory database";
    }

    @Override
    public String start(LabDir dir) throws IOException {
        Path profile = LabDir.repositoryRoot().resolve("config/inventory-db-lab.conf");
        if (!Files.isRegularFile(profile)) {
            throw new IOException("the inventory database profile " + profile + " is missing");
        }
        Path portFile = dir.path().resolve("inventory-db.port");
        if (running(dir).isEmpty()) {
            Files.deleteIfExists(portFile);
            Files.createDirectories(dir.path().resolve("inventory-db"));
            Path log = dir.path().resolve("inventory-db.log");
            Process p = NodeProcesses.startJava(MAIN, List.of(dir.path().resolve("inventory-db").toString(), portFile.toString()), log,
                    LabNetwork.prefix(dir));
            Files.writeString(pidFile(dir), p.pid() + "\n" + NodeProcesses.startedOf(p.toHandle()) + "\n");
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.isRegularFile(portFile)) {
                if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                    p.destroyForcibly();
                    throw new IOException("the inventory database did not start; the end of " + log + ":\n" + LabUp.tail(log, 20));
                }
                sleep();
            }
        }
        String url = "jdbc:h2:tcp://127.0.0.1:" + Files.readString(portFile).strip() + "/inventory";
        return "include required(file(" + Json.write(profile.toString()) + "))\n"
                + "VIVARIUM_INVENTORY_DB_URL = " + Json.write(url) + "\n"
                + credentials(dir);
    }

    /**
     * The database's password, random per lab: H2 takes it as the admin's when the first node
     * creates the database, so another local user reaching the loopback port cannot read or
     * change the inventory. It lives in files only the owner reads (the password, and a config
     * piece the node configurations include), never in the node configurations themselves. A lab
     * whose database was created before it had a password keeps the empty one.
     */
    private static String credentials(LabDir dir) throws IOException {
        Path password = passwordFile(dir);
        if (!Files.exists(password) && Files.exists(dir.path().resolve("inventory-db").resolve("inventory.mv.db"))) {
            return "";
        }
        SecretFile.ensure(password);
        Path piece = dir.path().resolve("inventory-db-credentials.conf");
        SecretFile.writePrivate(piece, "# Written by `vivarium lab up`: the inventory database's password (" + password.getFileName() + ").\n"
                + DatabaseSettings.PATH + ".db.password" + " = " + Json.write(SecretFile.read(password)) + "\n");
        return "include required(file(" + Json.write(piece.toString()) + "))\n";
    }

    /** The lab's database password (mode 0600). */
    public static Path passwordFile(LabDir dir) {
        return dir.path().resolve("inventory-db.password");
    }

    @Override
    public void afterNodesUp(LabDir dir, ApiClient api, int vms, PrintStream out) {
        // The nodes apply the schema and run the inventory; nothing to do here.
    }

    @Override
    public void stop(LabDir dir, PrintStream out) throws IOException {
        Optional<ProcessHandle> p = running(dir);
        if (p.isPresent()) {
            NodeProcesses.Stopped how = NodeProcesses.stop(List.of(p.get()), STOP_GRACE).get(0);
            out.println("Stopped the inventory database" + (how == NodeProcesses.Stopped.CLEANLY ? "." : " (killed)."));
        }
        Files.deleteIfExists(pidFile(dir));
    }

    private static Path pidFile(LabDir dir) {
        return dir.path().resolve("inventory-db.pid");
    }

    private static Optional<ProcessHandle> running(LabDir dir) throws IOException {
        Path file = pidFile(dir);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        return NodeProcesses.find(Long.parseLong(lines.get(0).strip()), lines.size() > 1 ? lines.get(1).strip() : "");
    }

    private static void sleep() throws IOException {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the inventory database");
        }
    }
}
