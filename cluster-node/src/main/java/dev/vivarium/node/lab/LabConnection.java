package dev.vivarium.node.lab;

import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Opens an API client on a lab's nodes from its lab.json and api-token. */
public final class LabConnection {

    private LabConnection() {
    }

    public static ApiClient open(LabDir dir) throws ApiError {
        return open(dir, List.of());
    }

    /**
     * A client that asks the nodes of {@code lastResort} only when no other node answers: a fault
     * that kills or freezes a host is best sent through another.
     */
    public static ApiClient open(LabDir dir, List<String> lastResort) throws ApiError {
        if (!Files.isRegularFile(dir.manifest())) {
            throw new ApiError(0, "no lab at " + dir.path() + " (start one with: ./vivarium lab up)");
        }
        try {
            List<LabManifest.Node> nodes = new ArrayList<>(LabManifest.read(dir.manifest()).nodes());
            nodes.sort(Comparator.comparing(n -> lastResort.contains(n.name())));
            return new ApiClient(nodes.stream().map(LabManifest.Node::api).toList(), SecretFile.read(dir.tokenFile()));
        } catch (IOException e) {
            throw new ApiError(0, "cannot read the lab at " + dir.path() + ": " + e.getMessage());
        }
    }
}
