package dev.vivarium.node.fault;

import dev.vivarium.node.api.ApiException;
import dev.vivarium.node.lab.LabDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A lab node reaches the shared datastore through a link of its own ({@link LabDir#nodeDatastore}),
 * as a host reaches an NFS export through its own mount. Switching the link off points it at a
 * path that cannot exist ({@value #UNREACHABLE}: below a device file), so every file operation
 * the node starts from then on fails with "Not a directory", as on storage that went away; the
 * other nodes keep theirs. The switch is an atomic rename of the link.
 */
final class DatastoreSwitch {

    static final String UNREACHABLE = "/dev/null/datastore-unreachable";

    private final LabDir lab;

    DatastoreSwitch(LabDir lab) {
        this.lab = lab;
    }

    void off(String host) {
        point(host, Path.of(UNREACHABLE));
    }

    void on(String host) {
        point(host, lab.datastore());
    }

    boolean isOff(String host) {
        try {
            return Files.readSymbolicLink(lab.nodeDatastore(host)).toString().equals(UNREACHABLE);
        } catch (IOException e) {
            return false;
        }
    }

    private void point(String host, Path target) {
        Path link = lab.nodeDatastore(host);
        if (!Files.isSymbolicLink(link)) {
            throw ApiException.conflict("host " + host + " reaches the datastore directly, not through " + link
                    + " (a lab made before datastore faults existed: make it anew with lab destroy, lab up)");
        }
        Path tmp = link.resolveSibling(".datastore.switch");
        try {
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, target);
            Files.move(tmp, link, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ApiException(500, "cannot switch the datastore link " + link + ": " + e.getMessage());
        }
    }
}
