package dev.vivarium.datastore;

import dev.vivarium.datastore.lease.HeartbeatFiles;
import dev.vivarium.datastore.lease.HeartbeatObserver;
import dev.vivarium.datastore.lease.HostHeartbeat;
import dev.vivarium.datastore.storage.AtomicFiles;
import dev.vivarium.datastore.storage.FileCreator;
import dev.vivarium.datastore.storage.TemporaryFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The shared datastore: a directory any host can reach (a local folder, an NFS mount), with
 * {@code hosts/} for heartbeats and {@code vms/} for the VMs' files. See the module README
 * for what the locking scheme assumes of the file system.
 */
public final class Datastore {
    private final Path root;
    private final DatastoreSettings settings;
    private final AtomicFiles files;
    private final HeartbeatFiles heartbeats;

    private Datastore(Path root, DatastoreSettings settings, FileCreator creator) {
        this.root = root;
        this.settings = settings;
        this.files = new AtomicFiles(creator);
        this.heartbeats = new HeartbeatFiles(root.resolve("hosts"), files);
    }

    public static Datastore open(Path root, DatastoreSettings settings) throws IOException {
        return open(root, settings, FileCreator.LOCAL);
    }

    /** @param creator where writes create their files; tests inject device faults here */
    public static Datastore open(Path root, DatastoreSettings settings, FileCreator creator) throws IOException {
        Files.createDirectories(root.resolve("vms"));
        Files.createDirectories(root.resolve("hosts"));
        return new Datastore(root, settings, creator);
    }

    public Path root() {
        return root;
    }

    public DatastoreSettings settings() {
        return settings;
    }

    public VmFiles vm(String name) {
        return new VmFiles(name, root.resolve("vms").resolve(Names.require("VM", name)), files);
    }

    /** The names of the VMs that have a configuration. */
    public List<String> vms() throws IOException {
        try (Stream<Path> entries = Files.list(root.resolve("vms"))) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> Names.isValid(name) && vm(name).exists())
                    .sorted()
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }

    /**
     * Starts this host's heartbeat; the host may then take leases. A host joining also removes
     * the temporary files killed hosts left behind ({@link TemporaryFiles}).
     */
    public HostSession joinAsHost(String host) throws IOException {
        TemporaryFiles.sweep(root, TemporaryFiles.ABANDONED_AFTER);
        HostHeartbeat heartbeat = HostHeartbeat.start(Names.require("host", host), heartbeats, settings);
        return new HostSession(this, heartbeat, new HeartbeatObserver(heartbeats));
    }

    /** Watches hosts' heartbeats (HA tells a dead host from an isolated one with it). */
    public HeartbeatObserver heartbeatObserver() {
        return new HeartbeatObserver(heartbeats);
    }

    public HeartbeatFiles heartbeats() {
        return heartbeats;
    }
}
