package dev.vivarium.node.lab;

import dev.vivarium.node.client.ApiClient;
import dev.vivarium.node.client.ApiError;
import java.io.IOException;
import java.nio.file.Files;

/** Opens an API client on a lab's nodes from its lab.json and api-token. */
public final class LabConnection {

    private LabConnection() {
    }

    public static ApiClient open(LabDir dir) throws ApiError {
        if (!Files.isRegularFile(dir.manifest())) {
            throw new ApiError(0, "no lab at " + dir.path() + " (start one with: ./vivarium lab up)");
        }
        try {
            return new ApiClient(LabManifest.read(dir.manifest()).apiAddresses(), SecretFile.read(dir.tokenFile()));
        } catch (IOException e) {
            throw new ApiError(0, "cannot read the lab at " + dir.path() + ": " + e.getMessage());
        }
    }
}
